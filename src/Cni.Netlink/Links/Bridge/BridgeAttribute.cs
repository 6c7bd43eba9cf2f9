namespace Cni.Netlink.Protocol;

/// <summary>Nested attributes of a bridge's <see cref="LinkInfoAttribute.Data"/> (<c>IFLA_BR_*</c>, uapi <c>linux/if_link.h</c>).</summary>
public enum BridgeAttribute : ushort
{
    /// <summary><c>IFLA_BR_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_BR_FORWARD_DELAY</c>: STP forward delay (u32, centiseconds).</summary>
    ForwardDelay = 1,

    /// <summary><c>IFLA_BR_HELLO_TIME</c>: STP hello time (u32).</summary>
    HelloTime = 2,

    /// <summary><c>IFLA_BR_MAX_AGE</c>: STP max age (u32).</summary>
    MaxAge = 3,

    /// <summary><c>IFLA_BR_AGEING_TIME</c>: FDB ageing time (u32).</summary>
    AgeingTime = 4,

    /// <summary><c>IFLA_BR_STP_STATE</c>: STP on or off (u32).</summary>
    StpState = 5,

    /// <summary><c>IFLA_BR_PRIORITY</c>: bridge priority (u16).</summary>
    Priority = 6,

    /// <summary><c>IFLA_BR_VLAN_FILTERING</c>: VLAN filtering on or off (u8).</summary>
    VlanFiltering = 7,

    /// <summary><c>IFLA_BR_VLAN_PROTOCOL</c>: the VLAN protocol (be16).</summary>
    VlanProtocol = 8,

    /// <summary><c>IFLA_BR_GROUP_FWD_MASK</c>: group forward mask (u16).</summary>
    GroupForwardMask = 9,

    /// <summary><c>IFLA_BR_MCAST_SNOOPING</c>: multicast snooping on or off (u8).</summary>
    MulticastSnooping = 23,

    /// <summary><c>IFLA_BR_VLAN_DEFAULT_PVID</c>: the default PVID of new ports (u16).</summary>
    VlanDefaultPvid = 39,
}
