using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

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

    /// <summary><c>RTNH_F_ONLINK</c> (4) in <see cref="Flags"/>: the gateway is on the link.</summary>
    internal const uint OnLinkFlag = 4;
}
