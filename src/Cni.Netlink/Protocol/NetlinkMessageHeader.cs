using System.Runtime.InteropServices;

namespace Cni.Netlink;

// The fixed headers of netlink and rtnetlink messages, laid out as the kernel's C structures
// (host byte order, natural alignment; the sizes are asserted by tests).

/// <summary>
/// The netlink message header (<c>struct nlmsghdr</c>, 16 bytes).
/// </summary>
/// <remarks>
/// <code>
/// 0               4       6       8               12              16
/// +---------------+-------+-------+---------------+---------------+
/// | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     |
/// +---------------+-------+-------+---------------+---------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct NetlinkMessageHeader
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 16;

    /// <summary><c>nlmsg_len</c>: the length of the message, header included.</summary>
    public uint Length { get; set; }

    /// <summary><c>nlmsg_type</c>: a <see cref="NetlinkMessageType"/> or an <see cref="RtmType"/>.</summary>
    public ushort Type { get; set; }

    /// <summary><c>nlmsg_flags</c>.</summary>
    public NetlinkFlags Flags { get; set; }

    /// <summary><c>nlmsg_seq</c>: the sequence number that pairs a reply with its request.</summary>
    public uint Sequence { get; set; }

    /// <summary><c>nlmsg_pid</c>: the sending port id (0 for the kernel).</summary>
    public uint PortId { get; set; }
}

/// <summary>The link message header (<c>struct ifinfomsg</c>, 16 bytes) of RTM_*LINK messages.</summary>
/// <remarks>
/// <code>
/// 0      1      2       4               8               12              16
/// +------+------+-------+---------------+---------------+---------------+
/// |family| pad  | type  | ifi_index     | ifi_flags     | ifi_change    |
/// +------+------+-------+---------------+---------------+---------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct IfInfoMessage
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 16;

    /// <summary><c>ifi_family</c>: usually <see cref="NetlinkAddressFamily.Unspecified"/>; <see cref="NetlinkAddressFamily.Bridge"/> for bridge port requests.</summary>
    public NetlinkAddressFamily Family { get; set; }

    private readonly byte _pad;

    /// <summary><c>ifi_type</c>: the hardware type (<c>ARPHRD_*</c>; 1 is Ethernet, 772 loopback).</summary>
    public ushort Type { get; set; }

    /// <summary><c>ifi_index</c>: the interface index (0 in a create request).</summary>
    public int Index { get; set; }

    /// <summary><c>ifi_flags</c>: the interface flags.</summary>
    public InterfaceFlags Flags { get; set; }

    /// <summary><c>ifi_change</c>: which of <see cref="Flags"/> a request changes.</summary>
    public InterfaceFlags Change { get; set; }
}

/// <summary>The address message header (<c>struct ifaddrmsg</c>, 8 bytes) of RTM_*ADDR messages.</summary>
/// <remarks>
/// <code>
/// 0        1           2       3       4               8
/// +--------+-----------+-------+-------+---------------+
/// | family | prefixlen | flags | scope | ifa_index     |
/// +--------+-----------+-------+-------+---------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct IfAddrMessage
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 8;

    /// <summary><c>ifa_family</c>: <see cref="NetlinkAddressFamily.Inet"/> or <see cref="NetlinkAddressFamily.Inet6"/>.</summary>
    public NetlinkAddressFamily Family { get; set; }

    /// <summary><c>ifa_prefixlen</c>: the prefix length.</summary>
    public byte PrefixLength { get; set; }

    /// <summary><c>ifa_flags</c>: the low 8 bits of the <see cref="AddressFlags"/> (the rest go in <see cref="IfAddrAttribute.Flags"/>).</summary>
    public byte Flags { get; set; }

    /// <summary><c>ifa_scope</c>: the address scope.</summary>
    public RouteScope Scope { get; set; }

    /// <summary><c>ifa_index</c>: the interface index.</summary>
    public int Index { get; set; }
}

/// <summary>The route message header (<c>struct rtmsg</c>, 12 bytes) of RTM_*ROUTE messages.</summary>
/// <remarks>
/// <code>
/// 0      1       2       3     4       5        6       7      8               12
/// +------+-------+-------+-----+-------+--------+-------+------+---------------+
/// |family|dst_len|src_len| tos | table |protocol| scope | type | rtm_flags     |
/// +------+-------+-------+-----+-------+--------+-------+------+---------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct RouteMessage
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 12;

    /// <summary><c>rtm_family</c>.</summary>
    public NetlinkAddressFamily Family { get; set; }

    /// <summary><c>rtm_dst_len</c>: the destination prefix length.</summary>
    public byte DestinationLength { get; set; }

    /// <summary><c>rtm_src_len</c>: the source prefix length.</summary>
    public byte SourceLength { get; set; }

    /// <summary><c>rtm_tos</c>: the TOS filter.</summary>
    public byte Tos { get; set; }

    /// <summary><c>rtm_table</c>: the routing table id, or <see cref="RouteTable.Unspecified"/> with <see cref="RouteAttribute.Table"/> for ids above 255.</summary>
    public byte Table { get; set; }

    /// <summary><c>rtm_protocol</c>: who installed the route.</summary>
    public RouteProtocol Protocol { get; set; }

    /// <summary><c>rtm_scope</c>: the route scope.</summary>
    public RouteScope Scope { get; set; }

    /// <summary><c>rtm_type</c>: the route type.</summary>
    public RouteType Type { get; set; }

    /// <summary><c>rtm_flags</c>: <c>RTM_F_*</c>.</summary>
    public uint Flags { get; set; }
}

/// <summary>The neighbour message header (<c>struct ndmsg</c>, 12 bytes) of RTM_*NEIGH messages.</summary>
/// <remarks>
/// <code>
/// 0        1      2       4               8          10      11     12
/// +--------+------+-------+---------------+----------+-------+------+
/// | family | pad1 | pad2  | ndm_ifindex   | ndm_state| flags | type |
/// +--------+------+-------+---------------+----------+-------+------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct NeighbourMessage
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 12;

    /// <summary><c>ndm_family</c>: IPv4, IPv6, or <see cref="NetlinkAddressFamily.Bridge"/> for FDB entries.</summary>
    public NetlinkAddressFamily Family { get; set; }

    private readonly byte _pad1;
    private readonly ushort _pad2;

    /// <summary><c>ndm_ifindex</c>: the interface index.</summary>
    public int Index { get; set; }

    /// <summary><c>ndm_state</c>.</summary>
    public NeighbourState State { get; set; }

    /// <summary><c>ndm_flags</c>.</summary>
    public NeighbourFlags Flags { get; set; }

    /// <summary><c>ndm_type</c>: a route type (<c>RTN_*</c>).</summary>
    public byte Type { get; set; }
}

/// <summary>One bridge VLAN (<c>struct bridge_vlan_info</c>, 4 bytes), the payload of <see cref="BridgeAfSpecAttribute.VlanInfo"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BridgeVlanInfo
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 4;

    /// <summary><c>flags</c>.</summary>
    public BridgeVlanFlags Flags { get; set; }

    /// <summary><c>vid</c>: the VLAN id (1..4094).</summary>
    public ushort Vid { get; set; }
}
