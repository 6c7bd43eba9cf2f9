using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

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
