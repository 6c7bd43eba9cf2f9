using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

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
