namespace Cni.Netlink;

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

/// <summary>Address flags (<c>IFA_F_*</c>, uapi <c>linux/if_addr.h</c>).</summary>
[Flags]
public enum AddressFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>IFA_F_SECONDARY</c> (also <c>IFA_F_TEMPORARY</c>): a secondary (or temporary) address.</summary>
    Secondary = 0x01,

    /// <summary><c>IFA_F_NODAD</c>: skip duplicate address detection.</summary>
    NoDad = 0x02,

    /// <summary><c>IFA_F_OPTIMISTIC</c>: optimistic DAD.</summary>
    Optimistic = 0x04,

    /// <summary><c>IFA_F_DADFAILED</c>: duplicate address detection failed.</summary>
    DadFailed = 0x08,

    /// <summary><c>IFA_F_HOMEADDRESS</c>: a Mobile IPv6 home address.</summary>
    HomeAddress = 0x10,

    /// <summary><c>IFA_F_DEPRECATED</c>: deprecated (preferred lifetime over).</summary>
    Deprecated = 0x20,

    /// <summary><c>IFA_F_TENTATIVE</c>: duplicate address detection still running.</summary>
    Tentative = 0x40,

    /// <summary><c>IFA_F_PERMANENT</c>: a permanent (configured) address.</summary>
    Permanent = 0x80,

    /// <summary><c>IFA_F_MANAGETEMPADDR</c>: manage temporary addresses from this prefix.</summary>
    ManageTemporaryAddresses = 0x100,

    /// <summary><c>IFA_F_NOPREFIXROUTE</c>: add no prefix route.</summary>
    NoPrefixRoute = 0x200,

    /// <summary><c>IFA_F_MCAUTOJOIN</c>: join the multicast group automatically.</summary>
    MulticastAutoJoin = 0x400,

    /// <summary><c>IFA_F_STABLE_PRIVACY</c>: stable privacy address.</summary>
    StablePrivacy = 0x800,
}

/// <summary>Scopes of addresses and routes (<c>RT_SCOPE_*</c>, uapi <c>linux/rtnetlink.h</c>).</summary>
public enum RouteScope : byte
{
    /// <summary><c>RT_SCOPE_UNIVERSE</c>: global.</summary>
    Universe = 0,

    /// <summary><c>RT_SCOPE_SITE</c>: site-local (IPv6).</summary>
    Site = 200,

    /// <summary><c>RT_SCOPE_LINK</c>: on this link only.</summary>
    Link = 253,

    /// <summary><c>RT_SCOPE_HOST</c>: this host only.</summary>
    Host = 254,

    /// <summary><c>RT_SCOPE_NOWHERE</c>: nowhere.</summary>
    Nowhere = 255,
}

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

/// <summary>Who installed a route (<c>RTPROT_*</c>, uapi <c>linux/rtnetlink.h</c>), the <c>rtm_protocol</c> of a <see cref="RouteMessage"/>.</summary>
public enum RouteProtocol : byte
{
    /// <summary><c>RTPROT_UNSPEC</c>: unknown.</summary>
    Unspecified = 0,

    /// <summary><c>RTPROT_REDIRECT</c>: an ICMP redirect.</summary>
    Redirect = 1,

    /// <summary><c>RTPROT_KERNEL</c>: the kernel.</summary>
    Kernel = 2,

    /// <summary><c>RTPROT_BOOT</c>: the administrator, during boot (what <c>ip route add</c> uses).</summary>
    Boot = 3,

    /// <summary><c>RTPROT_STATIC</c>: the administrator.</summary>
    Static = 4,

    /// <summary><c>RTPROT_RA</c>: IPv6 router advertisement.</summary>
    RouterAdvertisement = 9,

    /// <summary><c>RTPROT_DHCP</c>: a DHCP client.</summary>
    Dhcp = 16,
}

/// <summary>Well-known routing table ids (<c>RT_TABLE_*</c>, uapi <c>linux/rtnetlink.h</c>).</summary>
public static class RouteTable
{
    /// <summary><c>RT_TABLE_UNSPEC</c>: no table given (in a request the kernel picks main).</summary>
    public const uint Unspecified = 0;

    /// <summary><c>RT_TABLE_DEFAULT</c>: the default table.</summary>
    public const uint Default = 253;

    /// <summary><c>RT_TABLE_MAIN</c>: the main table.</summary>
    public const uint Main = 254;

    /// <summary><c>RT_TABLE_LOCAL</c>: the local table.</summary>
    public const uint Local = 255;
}

/// <summary>Neighbour attributes (<c>NDA_*</c>, uapi <c>linux/neighbour.h</c>), following a <see cref="NeighbourMessage"/>.</summary>
public enum NeighbourAttribute : ushort
{
    /// <summary><c>NDA_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>NDA_DST</c>: the network address (for a VXLAN FDB entry: the remote VTEP).</summary>
    Destination = 1,

    /// <summary><c>NDA_LLADDR</c>: the link-layer (MAC) address.</summary>
    LinkLayerAddress = 2,

    /// <summary><c>NDA_CACHEINFO</c>: cache information.</summary>
    CacheInfo = 3,

    /// <summary><c>NDA_PROBES</c>: the number of probes (u32).</summary>
    Probes = 4,

    /// <summary><c>NDA_VLAN</c>: the VLAN of an FDB entry (u16).</summary>
    Vlan = 5,

    /// <summary><c>NDA_PORT</c>: the UDP port of a VXLAN FDB entry (be16).</summary>
    Port = 6,

    /// <summary><c>NDA_VNI</c>: the VNI of a VXLAN FDB entry (u32).</summary>
    Vni = 7,

    /// <summary><c>NDA_IFINDEX</c>: the outgoing interface of a VXLAN FDB entry (u32).</summary>
    IfIndex = 8,

    /// <summary><c>NDA_MASTER</c>: the master device (u32).</summary>
    Master = 9,

    /// <summary><c>NDA_LINK_NETNSID</c>: the namespace id of the link (s32).</summary>
    LinkNetNsId = 10,

    /// <summary><c>NDA_SRC_VNI</c>: the source VNI (u32).</summary>
    SourceVni = 11,

    /// <summary><c>NDA_PROTOCOL</c>: who added the entry (u8).</summary>
    Protocol = 12,
}

/// <summary>Neighbour states (<c>NUD_*</c>, uapi <c>linux/neighbour.h</c>).</summary>
[Flags]
public enum NeighbourState : ushort
{
    /// <summary><c>NUD_NONE</c>: no state.</summary>
    None = 0,

    /// <summary><c>NUD_INCOMPLETE</c>: resolution in progress.</summary>
    Incomplete = 0x01,

    /// <summary><c>NUD_REACHABLE</c>: confirmed reachable.</summary>
    Reachable = 0x02,

    /// <summary><c>NUD_STALE</c>: reachability unconfirmed.</summary>
    Stale = 0x04,

    /// <summary><c>NUD_DELAY</c>: waiting before probing.</summary>
    Delay = 0x08,

    /// <summary><c>NUD_PROBE</c>: probing.</summary>
    Probe = 0x10,

    /// <summary><c>NUD_FAILED</c>: resolution failed.</summary>
    Failed = 0x20,

    /// <summary><c>NUD_NOARP</c>: valid without resolution.</summary>
    NoArp = 0x40,

    /// <summary><c>NUD_PERMANENT</c>: a static entry.</summary>
    Permanent = 0x80,
}

/// <summary>Neighbour flags (<c>NTF_*</c>, uapi <c>linux/neighbour.h</c>).</summary>
[Flags]
public enum NeighbourFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>NTF_USE</c>: mark the entry as used.</summary>
    Use = 0x01,

    /// <summary><c>NTF_SELF</c>: an FDB entry of the device itself (a VXLAN's remote table).</summary>
    Self = 0x02,

    /// <summary><c>NTF_MASTER</c>: an FDB entry of the master bridge.</summary>
    Master = 0x04,

    /// <summary><c>NTF_PROXY</c>: a proxy ARP entry.</summary>
    Proxy = 0x08,

    /// <summary><c>NTF_EXT_LEARNED</c>: learned externally.</summary>
    ExternallyLearned = 0x10,

    /// <summary><c>NTF_OFFLOADED</c>: offloaded to hardware.</summary>
    Offloaded = 0x20,

    /// <summary><c>NTF_STICKY</c>: a sticky FDB entry.</summary>
    Sticky = 0x40,

    /// <summary><c>NTF_ROUTER</c>: the neighbour is a router.</summary>
    Router = 0x80,
}

/// <summary>Extended-ACK attributes after an error (<c>NLMSGERR_ATTR_*</c>, uapi <c>linux/netlink.h</c>).</summary>
public enum NetlinkErrorAttribute : ushort
{
    /// <summary><c>NLMSGERR_ATTR_UNUSED</c>: unused.</summary>
    Unused = 0,

    /// <summary><c>NLMSGERR_ATTR_MSG</c>: the kernel's error or warning message (string).</summary>
    Message = 1,

    /// <summary><c>NLMSGERR_ATTR_OFFS</c>: the offset of the faulty attribute in the request (u32).</summary>
    Offset = 2,

    /// <summary><c>NLMSGERR_ATTR_COOKIE</c>: an arbitrary cookie.</summary>
    Cookie = 3,

    /// <summary><c>NLMSGERR_ATTR_POLICY</c>: the policy of the faulty attribute.</summary>
    Policy = 4,

    /// <summary><c>NLMSGERR_ATTR_MISS_TYPE</c>: the type of a missing required attribute (u32).</summary>
    MissingType = 5,

    /// <summary><c>NLMSGERR_ATTR_MISS_NEST</c>: the offset of the nest that lacks it (u32).</summary>
    MissingNest = 6,
}
