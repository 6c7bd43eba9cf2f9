namespace Cni.Netlink.Nftables;

/// <summary>The nf_tables families (<c>NFPROTO_*</c>, uapi <c>linux/netfilter.h</c>), as in <c>nft add table &lt;family&gt; ...</c>.</summary>
public enum NftFamily : byte
{
    /// <summary><c>NFPROTO_INET</c>: <c>inet</c>: IPv4 and IPv6 together.</summary>
    Inet = 1,

    /// <summary><c>NFPROTO_IPV4</c>: <c>ip</c>: IPv4 (the family iptables-nft uses).</summary>
    IPv4 = 2,

    /// <summary><c>NFPROTO_ARP</c>: <c>arp</c>.</summary>
    Arp = 3,

    /// <summary><c>NFPROTO_NETDEV</c>: <c>netdev</c>: ingress and egress of a device.</summary>
    Netdev = 5,

    /// <summary><c>NFPROTO_BRIDGE</c>: <c>bridge</c>: frames through a bridge.</summary>
    Bridge = 7,

    /// <summary><c>NFPROTO_IPV6</c>: <c>ip6</c>: IPv6 (the family ip6tables-nft uses).</summary>
    IPv6 = 10,
}
