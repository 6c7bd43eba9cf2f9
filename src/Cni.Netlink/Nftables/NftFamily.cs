namespace Cni.Netlink.Nftables;

/// <summary>The nf_tables families (<c>NFPROTO_*</c>, uapi <c>linux/netfilter.h</c>), as in <c>nft add table &lt;family&gt; ...</c>.</summary>
public enum NftFamily : byte
{
    /// <summary><c>inet</c>: IPv4 and IPv6 together (<c>NFPROTO_INET</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Inet = 1,

    /// <summary><c>ip</c>: IPv4, the family iptables-nft uses (<c>NFPROTO_IPV4</c>, uapi <c>linux/netfilter.h</c>).</summary>
    IPv4 = 2,

    /// <summary><c>arp</c> (<c>NFPROTO_ARP</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Arp = 3,

    /// <summary><c>netdev</c>: ingress and egress of a device (<c>NFPROTO_NETDEV</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Netdev = 5,

    /// <summary><c>bridge</c>: frames through a bridge (<c>NFPROTO_BRIDGE</c>, uapi <c>linux/netfilter.h</c>).</summary>
    Bridge = 7,

    /// <summary><c>ip6</c>: IPv6, the family ip6tables-nft uses (<c>NFPROTO_IPV6</c>, uapi <c>linux/netfilter.h</c>).</summary>
    IPv6 = 10,
}
