using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

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
