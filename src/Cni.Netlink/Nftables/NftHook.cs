namespace Cni.Netlink.Nftables;

/// <summary>The netfilter hooks of a base chain (<c>NF_INET_*</c>, uapi <c>linux/netfilter.h</c>).</summary>
public enum NftHook : uint
{
    /// <summary><c>NF_INET_PRE_ROUTING</c>: <c>prerouting</c>: every packet as it arrives.</summary>
    Prerouting = 0,

    /// <summary><c>NF_INET_LOCAL_IN</c>: <c>input</c>: packets for this host.</summary>
    Input = 1,

    /// <summary><c>NF_INET_FORWARD</c>: <c>forward</c>: packets routed through this host.</summary>
    Forward = 2,

    /// <summary><c>NF_INET_LOCAL_OUT</c>: <c>output</c>: packets this host sends.</summary>
    Output = 3,

    /// <summary><c>NF_INET_POST_ROUTING</c>: <c>postrouting</c>: every packet as it leaves.</summary>
    Postrouting = 4,
}
