using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Route types (<c>RTN_*</c>, uapi <c>linux/rtnetlink.h</c>), the <c>rtm_type</c> of a <see cref="RouteMessage"/>.</summary>
public enum RouteType : byte
{
    /// <summary><c>RTN_UNSPEC</c>: unknown.</summary>
    Unspecified = 0,

    /// <summary><c>RTN_UNICAST</c>: a gateway or direct route.</summary>
    Unicast = 1,

    /// <summary><c>RTN_LOCAL</c>: accept locally.</summary>
    Local = 2,

    /// <summary><c>RTN_BROADCAST</c>: accept locally as broadcast, send as broadcast.</summary>
    Broadcast = 3,

    /// <summary><c>RTN_ANYCAST</c>: accept locally as broadcast, send as unicast.</summary>
    Anycast = 4,

    /// <summary><c>RTN_MULTICAST</c>: a multicast route.</summary>
    Multicast = 5,

    /// <summary><c>RTN_BLACKHOLE</c>: drop.</summary>
    Blackhole = 6,

    /// <summary><c>RTN_UNREACHABLE</c>: the destination is unreachable.</summary>
    Unreachable = 7,

    /// <summary><c>RTN_PROHIBIT</c>: administratively prohibited.</summary>
    Prohibit = 8,

    /// <summary><c>RTN_THROW</c>: not in this table.</summary>
    Throw = 9,

    /// <summary><c>RTN_NAT</c>: translate this address.</summary>
    Nat = 10,

    /// <summary><c>RTN_XRESOLVE</c>: use an external resolver.</summary>
    ExternalResolve = 11,
}
