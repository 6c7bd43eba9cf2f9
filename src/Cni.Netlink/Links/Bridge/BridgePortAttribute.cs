namespace Cni.Netlink.Protocol;

/// <summary>Bridge port attributes (<c>IFLA_BRPORT_*</c>, uapi <c>linux/if_link.h</c>), nested in <see cref="IfLinkAttribute.ProtInfo"/> or <see cref="LinkInfoAttribute.SlaveData"/>.</summary>
public enum BridgePortAttribute : ushort
{
    /// <summary><c>IFLA_BRPORT_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_BRPORT_STATE</c>: the STP port state (u8).</summary>
    State = 1,

    /// <summary><c>IFLA_BRPORT_PRIORITY</c>: the port priority (u16).</summary>
    Priority = 2,

    /// <summary><c>IFLA_BRPORT_COST</c>: the port cost (u32).</summary>
    Cost = 3,

    /// <summary><c>IFLA_BRPORT_MODE</c>: hairpin mode: frames may leave by the port they came in (u8).</summary>
    Mode = 4,

    /// <summary><c>IFLA_BRPORT_GUARD</c>: BPDU guard (u8).</summary>
    Guard = 5,

    /// <summary><c>IFLA_BRPORT_PROTECT</c>: root port protection (u8).</summary>
    Protect = 6,

    /// <summary><c>IFLA_BRPORT_FAST_LEAVE</c>: multicast fast leave (u8).</summary>
    FastLeave = 7,

    /// <summary><c>IFLA_BRPORT_LEARNING</c>: MAC learning (u8).</summary>
    Learning = 8,

    /// <summary><c>IFLA_BRPORT_UNICAST_FLOOD</c>: flood unknown unicast (u8).</summary>
    UnicastFlood = 9,

    /// <summary><c>IFLA_BRPORT_PROXYARP</c>: proxy ARP (u8).</summary>
    ProxyArp = 10,

    /// <summary><c>IFLA_BRPORT_MCAST_FLOOD</c>: flood unknown multicast (u8).</summary>
    MulticastFlood = 27,

    /// <summary><c>IFLA_BRPORT_BCAST_FLOOD</c>: flood broadcast (u8).</summary>
    BroadcastFlood = 30,

    /// <summary><c>IFLA_BRPORT_NEIGH_SUPPRESS</c>: neighbour suppression (u8).</summary>
    NeighbourSuppress = 32,

    /// <summary><c>IFLA_BRPORT_ISOLATED</c>: isolated: no traffic to other isolated ports (u8).</summary>
    Isolated = 33,
}
