namespace Cni.Netlink.Nftables;

/// <summary>The netfilter hooks of a base chain (<c>NF_INET_*</c>, uapi <c>linux/netfilter.h</c>).</summary>
public enum NftHook : uint
{
    /// <summary><c>prerouting</c>: every packet as it arrives (<c>NF_INET_PRE_ROUTING</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Prerouting = 0,

    /// <summary><c>input</c>: packets for this host (<c>NF_INET_LOCAL_IN</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Input = 1,

    /// <summary><c>forward</c>: packets routed through this host (<c>NF_INET_FORWARD</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Forward = 2,

    /// <summary><c>output</c>: packets this host sends (<c>NF_INET_LOCAL_OUT</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Output = 3,

    /// <summary><c>postrouting</c>: every packet as it leaves (<c>NF_INET_POST_ROUTING</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Postrouting = 4,
}
