namespace Cni.Netlink.Protocol;

/// <summary>Route attributes (<c>RTA_*</c>, uapi <c>linux/rtnetlink.h</c>), following a <see cref="RouteMessage"/>.</summary>
public enum RouteAttribute : ushort
{
    /// <summary><c>RTA_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>RTA_DST</c>: the destination prefix address.</summary>
    Destination = 1,

    /// <summary><c>RTA_SRC</c>: the source prefix address (policy routing).</summary>
    Source = 2,

    /// <summary><c>RTA_IIF</c>: the input interface index (u32).</summary>
    InputInterface = 3,

    /// <summary><c>RTA_OIF</c>: the output interface index (u32).</summary>
    OutputInterface = 4,

    /// <summary><c>RTA_GATEWAY</c>: the gateway address.</summary>
    Gateway = 5,

    /// <summary><c>RTA_PRIORITY</c>: the metric (u32).</summary>
    Priority = 6,

    /// <summary><c>RTA_PREFSRC</c>: the preferred source address.</summary>
    PreferredSource = 7,

    /// <summary><c>RTA_METRICS</c>: nested <see cref="RouteMetric"/>s.</summary>
    Metrics = 8,

    /// <summary><c>RTA_MULTIPATH</c>: next hops of a multipath route.</summary>
    Multipath = 9,

    /// <summary><c>RTA_FLOW</c>: the routing realm.</summary>
    Flow = 11,

    /// <summary><c>RTA_CACHEINFO</c>: cache information.</summary>
    CacheInfo = 12,

    /// <summary><c>RTA_TABLE</c>: the routing table id, for tables above 255 (u32).</summary>
    Table = 15,

    /// <summary><c>RTA_MARK</c>: the firewall mark (u32).</summary>
    Mark = 16,

    /// <summary><c>RTA_VIA</c>: a gateway of another family.</summary>
    Via = 18,

    /// <summary><c>RTA_PREF</c>: IPv6 router preference (u8).</summary>
    Preference = 20,

    /// <summary><c>RTA_EXPIRES</c>: expiry (u32).</summary>
    Expires = 23,

    /// <summary><c>RTA_PAD</c>: alignment padding.</summary>
    Pad = 24,

    /// <summary><c>RTA_UID</c>: the user id of a lookup (u32).</summary>
    Uid = 25,

    /// <summary><c>RTA_NH_ID</c>: a nexthop object id (u32).</summary>
    NextHopId = 30,
}
