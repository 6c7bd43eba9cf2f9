namespace Cni.Netlink.Protocol;

/// <summary>Nested attributes of a VXLAN's <see cref="LinkInfoAttribute.Data"/> (<c>IFLA_VXLAN_*</c>, uapi <c>linux/if_link.h</c>).</summary>
public enum VxlanAttribute : ushort
{
    /// <summary><c>IFLA_VXLAN_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_VXLAN_ID</c>: the VXLAN network identifier (u32).</summary>
    Id = 1,

    /// <summary><c>IFLA_VXLAN_GROUP</c>: the IPv4 multicast group or remote (4 bytes).</summary>
    Group = 2,

    /// <summary><c>IFLA_VXLAN_LINK</c>: the index of the underlying device (u32).</summary>
    Link = 3,

    /// <summary><c>IFLA_VXLAN_LOCAL</c>: the local IPv4 source address (4 bytes).</summary>
    Local = 4,

    /// <summary><c>IFLA_VXLAN_TTL</c>: the outer TTL (u8).</summary>
    Ttl = 5,

    /// <summary><c>IFLA_VXLAN_TOS</c>: the outer TOS (u8).</summary>
    Tos = 6,

    /// <summary><c>IFLA_VXLAN_LEARNING</c>: learn remote MACs from incoming packets (u8).</summary>
    Learning = 7,

    /// <summary><c>IFLA_VXLAN_AGEING</c>: FDB ageing (u32, seconds).</summary>
    Ageing = 8,

    /// <summary><c>IFLA_VXLAN_LIMIT</c>: FDB entry limit (u32).</summary>
    Limit = 9,

    /// <summary><c>IFLA_VXLAN_PORT_RANGE</c>: the UDP source port range.</summary>
    PortRange = 10,

    /// <summary><c>IFLA_VXLAN_PROXY</c>: ARP proxy (u8).</summary>
    Proxy = 11,

    /// <summary><c>IFLA_VXLAN_RSC</c>: route short circuit (u8).</summary>
    Rsc = 12,

    /// <summary><c>IFLA_VXLAN_L2MISS</c>: L2 miss notifications (u8).</summary>
    L2Miss = 13,

    /// <summary><c>IFLA_VXLAN_L3MISS</c>: L3 miss notifications (u8).</summary>
    L3Miss = 14,

    /// <summary><c>IFLA_VXLAN_PORT</c>: the UDP destination port (be16, network byte order).</summary>
    Port = 15,

    /// <summary><c>IFLA_VXLAN_GROUP6</c>: the IPv6 multicast group or remote (16 bytes).</summary>
    Group6 = 16,

    /// <summary><c>IFLA_VXLAN_LOCAL6</c>: the local IPv6 source address (16 bytes).</summary>
    Local6 = 17,

    /// <summary><c>IFLA_VXLAN_UDP_CSUM</c>: UDP checksums over IPv4 (u8).</summary>
    UdpChecksum = 18,

    /// <summary><c>IFLA_VXLAN_GBP</c>: group-based policy extension (flag).</summary>
    Gbp = 23,
}
