
namespace Cni.Netlink.Protocol;

/// <summary>Address attributes (<c>IFA_*</c>, uapi <c>linux/if_addr.h</c>), following an <see cref="IfAddrMessage"/>.</summary>
public enum IfAddrAttribute : ushort
{
    /// <summary><c>IFA_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFA_ADDRESS</c>: the prefix address (the peer on point-to-point links).</summary>
    Address = 1,

    /// <summary><c>IFA_LOCAL</c>: the local address.</summary>
    Local = 2,

    /// <summary><c>IFA_LABEL</c>: the address label (IPv4, string).</summary>
    Label = 3,

    /// <summary><c>IFA_BROADCAST</c>: the broadcast address (IPv4).</summary>
    Broadcast = 4,

    /// <summary><c>IFA_ANYCAST</c>: an anycast address.</summary>
    Anycast = 5,

    /// <summary><c>IFA_CACHEINFO</c>: lifetimes (<c>struct ifa_cacheinfo</c>).</summary>
    CacheInfo = 6,

    /// <summary><c>IFA_MULTICAST</c>: a multicast address.</summary>
    Multicast = 7,

    /// <summary><c>IFA_FLAGS</c>: the full 32-bit <see cref="AddressFlags"/> (u32).</summary>
    Flags = 8,

    /// <summary><c>IFA_RT_PRIORITY</c>: the metric of the prefix route (u32).</summary>
    RoutePriority = 9,

    /// <summary><c>IFA_TARGET_NETNSID</c>: operate on the namespace with this id (s32).</summary>
    TargetNetNsId = 10,

    /// <summary><c>IFA_PROTO</c>: who added the address (u8).</summary>
    Protocol = 11,
}
