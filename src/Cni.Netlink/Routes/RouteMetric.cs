namespace Cni.Netlink.Protocol;

/// <summary>Route metrics (<c>RTAX_*</c>, uapi <c>linux/rtnetlink.h</c>), nested in <see cref="RouteAttribute.Metrics"/>; each a u32.</summary>
public enum RouteMetric : ushort
{
    /// <summary><c>RTAX_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>RTAX_LOCK</c>: bitmask of locked metrics.</summary>
    Lock = 1,

    /// <summary><c>RTAX_MTU</c>: the path MTU.</summary>
    Mtu = 2,

    /// <summary><c>RTAX_WINDOW</c>: the TCP window clamp.</summary>
    Window = 3,

    /// <summary><c>RTAX_RTT</c>: the initial RTT estimate.</summary>
    Rtt = 4,

    /// <summary><c>RTAX_RTTVAR</c>: the initial RTT variance.</summary>
    RttVariance = 5,

    /// <summary><c>RTAX_SSTHRESH</c>: the slow start threshold.</summary>
    SlowStartThreshold = 6,

    /// <summary><c>RTAX_CWND</c>: the congestion window clamp.</summary>
    CongestionWindow = 7,

    /// <summary><c>RTAX_ADVMSS</c>: the advertised TCP MSS.</summary>
    AdvertisedMss = 8,

    /// <summary><c>RTAX_REORDERING</c>: the reordering metric.</summary>
    Reordering = 9,

    /// <summary><c>RTAX_HOPLIMIT</c>: the hop limit.</summary>
    HopLimit = 10,

    /// <summary><c>RTAX_INITCWND</c>: the initial congestion window.</summary>
    InitialCongestionWindow = 11,

    /// <summary><c>RTAX_FEATURES</c>: feature bits.</summary>
    Features = 12,

    /// <summary><c>RTAX_RTO_MIN</c>: the minimum retransmission timeout.</summary>
    RtoMin = 13,

    /// <summary><c>RTAX_INITRWND</c>: the initial receive window.</summary>
    InitialReceiveWindow = 14,

    /// <summary><c>RTAX_QUICKACK</c>: quick ACK.</summary>
    QuickAck = 15,
}
