using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Interface flags (<c>IFF_*</c>, uapi <c>linux/if.h</c>), the <c>ifi_flags</c> of an <see cref="IfInfoMessage"/>.</summary>
[Flags]
public enum InterfaceFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>IFF_UP</c>: administratively up.</summary>
    Up = 0x1,

    /// <summary><c>IFF_BROADCAST</c>: broadcast address valid.</summary>
    Broadcast = 0x2,

    /// <summary><c>IFF_DEBUG</c>: debugging on.</summary>
    Debug = 0x4,

    /// <summary><c>IFF_LOOPBACK</c>: a loopback device.</summary>
    Loopback = 0x8,

    /// <summary><c>IFF_POINTOPOINT</c>: a point-to-point link.</summary>
    PointToPoint = 0x10,

    /// <summary><c>IFF_NOTRAILERS</c>: avoid trailers.</summary>
    NoTrailers = 0x20,

    /// <summary><c>IFF_RUNNING</c>: operationally up (RFC 2863 OPER_UP).</summary>
    Running = 0x40,

    /// <summary><c>IFF_NOARP</c>: no ARP.</summary>
    NoArp = 0x80,

    /// <summary><c>IFF_PROMISC</c>: receive all packets.</summary>
    Promiscuous = 0x100,

    /// <summary><c>IFF_ALLMULTI</c>: receive all multicast packets.</summary>
    AllMulticast = 0x200,

    /// <summary><c>IFF_MASTER</c>: load-balancing master.</summary>
    Master = 0x400,

    /// <summary><c>IFF_SLAVE</c>: load-balancing slave.</summary>
    Slave = 0x800,

    /// <summary><c>IFF_MULTICAST</c>: supports multicast.</summary>
    Multicast = 0x1000,

    /// <summary><c>IFF_PORTSEL</c>: can set media type.</summary>
    PortSelect = 0x2000,

    /// <summary><c>IFF_AUTOMEDIA</c>: auto media select.</summary>
    AutoMedia = 0x4000,

    /// <summary><c>IFF_DYNAMIC</c>: dialup device with changing addresses.</summary>
    Dynamic = 0x8000,

    /// <summary><c>IFF_LOWER_UP</c>: the driver signals L1 up.</summary>
    LowerUp = 0x10000,

    /// <summary><c>IFF_DORMANT</c>: the driver signals dormant.</summary>
    Dormant = 0x20000,

    /// <summary><c>IFF_ECHO</c>: echoes sent packets.</summary>
    Echo = 0x40000,
}
