using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

// The fixed header of every netlink message, laid out as the kernel's C structure
// (host byte order, natural alignment; the size is asserted by tests).

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
