namespace Cni.Netlink;

/// <summary>Link attributes (<c>IFLA_*</c>, uapi <c>linux/if_link.h</c>), following an <see cref="IfInfoMessage"/>.</summary>
public enum IfLinkAttribute : ushort
{
    /// <summary><c>IFLA_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_ADDRESS</c>: the hardware (MAC) address.</summary>
    Address = 1,

    /// <summary><c>IFLA_BROADCAST</c>: the hardware broadcast address.</summary>
    Broadcast = 2,

    /// <summary><c>IFLA_IFNAME</c>: the interface name (NUL-terminated string).</summary>
    IfName = 3,

    /// <summary><c>IFLA_MTU</c>: the MTU (u32).</summary>
    Mtu = 4,

    /// <summary><c>IFLA_LINK</c>: the index of the underlying or peer link (u32).</summary>
    Link = 5,

    /// <summary><c>IFLA_QDISC</c>: the queueing discipline name.</summary>
    Qdisc = 6,

    /// <summary><c>IFLA_STATS</c>: 32-bit statistics.</summary>
    Stats = 7,

    /// <summary><c>IFLA_MASTER</c>: the index of the master (bridge) device; 0 releases it (u32).</summary>
    Master = 10,

    /// <summary><c>IFLA_PROTINFO</c>: protocol-specific information (for AF_BRIDGE: nested <see cref="BridgePortAttribute"/>).</summary>
    ProtInfo = 12,

    /// <summary><c>IFLA_TXQLEN</c>: the transmit queue length (u32).</summary>
    TxQueueLength = 13,

    /// <summary><c>IFLA_OPERSTATE</c>: the RFC 2863 operational state (u8, <see cref="OperationalState"/>).</summary>
    OperState = 16,

    /// <summary><c>IFLA_LINKMODE</c>: the link mode (u8).</summary>
    LinkMode = 17,

    /// <summary><c>IFLA_LINKINFO</c>: nested <see cref="LinkInfoAttribute"/> describing the link kind.</summary>
    LinkInfo = 18,

    /// <summary><c>IFLA_NET_NS_PID</c>: move the link to the namespace of this process (u32).</summary>
    NetNsPid = 19,

    /// <summary><c>IFLA_IFALIAS</c>: the interface alias.</summary>
    IfAlias = 20,

    /// <summary><c>IFLA_STATS64</c>: 64-bit statistics.</summary>
    Stats64 = 23,

    /// <summary><c>IFLA_AF_SPEC</c>: nested per-family data (for AF_BRIDGE: <see cref="BridgeAfSpecAttribute"/>).</summary>
    AfSpec = 26,

    /// <summary><c>IFLA_GROUP</c>: the device group (u32).</summary>
    Group = 27,

    /// <summary><c>IFLA_NET_NS_FD</c>: move (or create) the link in the namespace of this file descriptor (u32).</summary>
    NetNsFd = 28,

    /// <summary><c>IFLA_EXT_MASK</c>: what extended information a GET should return (u32, <see cref="RtExtFilter"/>).</summary>
    ExtMask = 29,

    /// <summary><c>IFLA_PROMISCUITY</c>: the promiscuity count (u32).</summary>
    Promiscuity = 30,

    /// <summary><c>IFLA_NUM_TX_QUEUES</c>: the number of transmit queues (u32).</summary>
    NumTxQueues = 31,

    /// <summary><c>IFLA_NUM_RX_QUEUES</c>: the number of receive queues (u32).</summary>
    NumRxQueues = 32,

    /// <summary><c>IFLA_CARRIER</c>: the carrier state (u8).</summary>
    Carrier = 33,

    /// <summary><c>IFLA_CARRIER_CHANGES</c>: how often the carrier changed (u32).</summary>
    CarrierChanges = 35,

    /// <summary><c>IFLA_LINK_NETNSID</c>: the namespace id of the peer or underlying link (s32).</summary>
    LinkNetNsId = 37,

    /// <summary><c>IFLA_PROTO_DOWN</c>: protocol down (u8).</summary>
    ProtoDown = 39,

    /// <summary><c>IFLA_GSO_MAX_SEGS</c>: the GSO segment limit (u32).</summary>
    GsoMaxSegs = 40,

    /// <summary><c>IFLA_GSO_MAX_SIZE</c>: the GSO size limit (u32).</summary>
    GsoMaxSize = 41,

    /// <summary><c>IFLA_PAD</c>: alignment padding for 64-bit attributes.</summary>
    Pad = 42,

    /// <summary><c>IFLA_XDP</c>: nested XDP information.</summary>
    Xdp = 43,

    /// <summary><c>IFLA_TARGET_NETNSID</c>: operate on the namespace with this id (s32).</summary>
    TargetNetNsId = 46,

    /// <summary><c>IFLA_CARRIER_UP_COUNT</c>: carrier up transitions (u32).</summary>
    CarrierUpCount = 47,

    /// <summary><c>IFLA_CARRIER_DOWN_COUNT</c>: carrier down transitions (u32).</summary>
    CarrierDownCount = 48,

    /// <summary><c>IFLA_NEW_IFINDEX</c>: the index to give the link in its new namespace (s32).</summary>
    NewIfIndex = 49,

    /// <summary><c>IFLA_MIN_MTU</c>: the smallest MTU the link accepts (u32).</summary>
    MinMtu = 50,

    /// <summary><c>IFLA_MAX_MTU</c>: the largest MTU the link accepts (u32).</summary>
    MaxMtu = 51,

    /// <summary><c>IFLA_PROP_LIST</c>: nested property list (alternative names).</summary>
    PropList = 52,

    /// <summary><c>IFLA_ALT_IFNAME</c>: an alternative interface name.</summary>
    AltIfName = 53,

    /// <summary><c>IFLA_PERM_ADDRESS</c>: the permanent hardware address.</summary>
    PermAddress = 54,

    /// <summary><c>IFLA_PARENT_DEV_NAME</c>: the parent device name.</summary>
    ParentDevName = 56,

    /// <summary><c>IFLA_PARENT_DEV_BUS_NAME</c>: the parent device's bus name.</summary>
    ParentDevBusName = 57,

    /// <summary><c>IFLA_GRO_MAX_SIZE</c>: the GRO size limit (u32).</summary>
    GroMaxSize = 58,

    /// <summary><c>IFLA_TSO_MAX_SIZE</c>: the TSO size limit (u32).</summary>
    TsoMaxSize = 59,

    /// <summary><c>IFLA_TSO_MAX_SEGS</c>: the TSO segment limit (u32).</summary>
    TsoMaxSegs = 60,

    /// <summary><c>IFLA_ALLMULTI</c>: the all-multicast count (u32).</summary>
    AllMulti = 61,
}

/// <summary>Nested attributes of <see cref="IfLinkAttribute.LinkInfo"/> (<c>IFLA_INFO_*</c>, uapi <c>linux/if_link.h</c>).</summary>
public enum LinkInfoAttribute : ushort
{
    /// <summary><c>IFLA_INFO_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_INFO_KIND</c>: the link kind (<c>"bridge"</c>, <c>"veth"</c>, <c>"vxlan"</c>...).</summary>
    Kind = 1,

    /// <summary><c>IFLA_INFO_DATA</c>: nested kind-specific data.</summary>
    Data = 2,

    /// <summary><c>IFLA_INFO_XSTATS</c>: kind-specific statistics.</summary>
    XStats = 3,

    /// <summary><c>IFLA_INFO_SLAVE_KIND</c>: the kind of the master this link is a port of (<c>"bridge"</c>...).</summary>
    SlaveKind = 4,

    /// <summary><c>IFLA_INFO_SLAVE_DATA</c>: nested port data (for a bridge port: <see cref="BridgePortAttribute"/>).</summary>
    SlaveData = 5,
}

/// <summary>Nested attributes of a veth's <see cref="LinkInfoAttribute.Data"/> (<c>VETH_INFO_*</c>, uapi <c>linux/veth.h</c>).</summary>
public enum VethInfoAttribute : ushort
{
    /// <summary><c>VETH_INFO_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>VETH_INFO_PEER</c>: the peer: an <see cref="IfInfoMessage"/> followed by its <see cref="IfLinkAttribute"/>s.</summary>
    Peer = 1,
}

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

/// <summary>Nested attributes of a VXLAN's <see cref="LinkInfoAttribute.Data"/> (<c>IFLA_VXLAN_*</c>, uapi <c>linux/if_link.h</c>).</summary>
public enum VxlanAttribute : ushort
{
    /// <summary><c>IFLA_VXLAN_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>IFLA_VXLAN_ID</c>: the VXLAN network identifier (u32).</summary>
    Id = 1,

    /// <summary><c>IFLA_VXLAN_GROUP</c>: the IPv4 multicast group or remote (4 bytes).</summary>
    Group = 2,

    /// <summary><c>IFLA_VXLAN_LINK</c>: the index of the underlying device (u32).</summary>
    Link = 3,

    /// <summary><c>IFLA_VXLAN_LOCAL</c>: the local IPv4 source address (4 bytes).</summary>
    Local = 4,

    /// <summary><c>IFLA_VXLAN_TTL</c>: the outer TTL (u8).</summary>
    Ttl = 5,

    /// <summary><c>IFLA_VXLAN_TOS</c>: the outer TOS (u8).</summary>
    Tos = 6,

    /// <summary><c>IFLA_VXLAN_LEARNING</c>: learn remote MACs from incoming packets (u8).</summary>
    Learning = 7,

    /// <summary><c>IFLA_VXLAN_AGEING</c>: FDB ageing (u32, seconds).</summary>
    Ageing = 8,

    /// <summary><c>IFLA_VXLAN_LIMIT</c>: FDB entry limit (u32).</summary>
    Limit = 9,

    /// <summary><c>IFLA_VXLAN_PORT_RANGE</c>: the UDP source port range.</summary>
    PortRange = 10,

    /// <summary><c>IFLA_VXLAN_PROXY</c>: ARP proxy (u8).</summary>
    Proxy = 11,

    /// <summary><c>IFLA_VXLAN_RSC</c>: route short circuit (u8).</summary>
    Rsc = 12,

    /// <summary><c>IFLA_VXLAN_L2MISS</c>: L2 miss notifications (u8).</summary>
    L2Miss = 13,

    /// <summary><c>IFLA_VXLAN_L3MISS</c>: L3 miss notifications (u8).</summary>
    L3Miss = 14,

    /// <summary><c>IFLA_VXLAN_PORT</c>: the UDP destination port (be16, network byte order).</summary>
    Port = 15,

    /// <summary><c>IFLA_VXLAN_GROUP6</c>: the IPv6 multicast group or remote (16 bytes).</summary>
    Group6 = 16,

    /// <summary><c>IFLA_VXLAN_LOCAL6</c>: the local IPv6 source address (16 bytes).</summary>
    Local6 = 17,

    /// <summary><c>IFLA_VXLAN_UDP_CSUM</c>: UDP checksums over IPv4 (u8).</summary>
    UdpChecksum = 18,

    /// <summary><c>IFLA_VXLAN_GBP</c>: group-based policy extension (flag).</summary>
    Gbp = 23,
}

/// <summary>Attributes nested in <see cref="IfLinkAttribute.AfSpec"/> for AF_BRIDGE (<c>IFLA_BRIDGE_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
public enum BridgeAfSpecAttribute : ushort
{
    /// <summary><c>IFLA_BRIDGE_FLAGS</c>: whom the request is for (u16, <see cref="BridgeFlags"/>).</summary>
    Flags = 0,

    /// <summary><c>IFLA_BRIDGE_MODE</c>: the bridge mode (u16).</summary>
    Mode = 1,

    /// <summary><c>IFLA_BRIDGE_VLAN_INFO</c>: one VLAN (a <see cref="BridgeVlanInfo"/>).</summary>
    VlanInfo = 2,
}

/// <summary>The <c>IFLA_BRIDGE_FLAGS</c> values (<c>BRIDGE_FLAGS_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
[Flags]
public enum BridgeFlags : ushort
{
    /// <summary>No flag: the request goes to the port's master, the bridge.</summary>
    None = 0,

    /// <summary><c>BRIDGE_FLAGS_MASTER</c>: apply to the master bridge.</summary>
    Master = 1,

    /// <summary><c>BRIDGE_FLAGS_SELF</c>: apply to the device itself.</summary>
    Self = 2,
}

/// <summary>The flags of a <see cref="BridgeVlanInfo"/> (<c>BRIDGE_VLAN_INFO_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
[Flags]
public enum BridgeVlanFlags : ushort
{
    /// <summary>No flag: a tagged VLAN.</summary>
    None = 0,

    /// <summary><c>BRIDGE_VLAN_INFO_MASTER</c>: operate on the bridge device as well.</summary>
    Master = 0x1,

    /// <summary><c>BRIDGE_VLAN_INFO_PVID</c>: untagged ingress frames get this VLAN.</summary>
    Pvid = 0x2,

    /// <summary><c>BRIDGE_VLAN_INFO_UNTAGGED</c>: frames leave untagged.</summary>
    Untagged = 0x4,

    /// <summary><c>BRIDGE_VLAN_INFO_RANGE_BEGIN</c>: the first VLAN of a range.</summary>
    RangeBegin = 0x8,

    /// <summary><c>BRIDGE_VLAN_INFO_RANGE_END</c>: the last VLAN of a range.</summary>
    RangeEnd = 0x10,

    /// <summary><c>BRIDGE_VLAN_INFO_BRENTRY</c>: a global bridge VLAN entry.</summary>
    BridgeEntry = 0x20,

    /// <summary><c>BRIDGE_VLAN_INFO_ONLY_OPTS</c>: change options only.</summary>
    OnlyOptions = 0x40,
}

/// <summary>What extended information a link GET returns (<c>RTEXT_FILTER_*</c>, uapi <c>linux/rtnetlink.h</c>), the value of <see cref="IfLinkAttribute.ExtMask"/>.</summary>
[Flags]
public enum RtExtFilter : uint
{
    /// <summary>No extension.</summary>
    None = 0,

    /// <summary><c>RTEXT_FILTER_VF</c>: virtual function information.</summary>
    VirtualFunctions = 0x1,

    /// <summary><c>RTEXT_FILTER_BRVLAN</c>: bridge VLANs, one entry per VLAN.</summary>
    BridgeVlan = 0x2,

    /// <summary><c>RTEXT_FILTER_BRVLAN_COMPRESSED</c>: bridge VLANs, ranges compressed.</summary>
    BridgeVlanCompressed = 0x4,

    /// <summary><c>RTEXT_FILTER_SKIP_STATS</c>: leave the statistics out.</summary>
    SkipStats = 0x8,
}

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

/// <summary>RFC 2863 operational states (<c>IF_OPER_*</c>, uapi <c>linux/if.h</c>), the value of <see cref="IfLinkAttribute.OperState"/>.</summary>
public enum OperationalState : byte
{
    /// <summary><c>IF_OPER_UNKNOWN</c>: the driver does not say (loopback and many virtual links).</summary>
    Unknown = 0,

    /// <summary><c>IF_OPER_NOTPRESENT</c>: not present.</summary>
    NotPresent = 1,

    /// <summary><c>IF_OPER_DOWN</c>: down.</summary>
    Down = 2,

    /// <summary><c>IF_OPER_LOWERLAYERDOWN</c>: down because a lower layer is down (a veth whose peer is down).</summary>
    LowerLayerDown = 3,

    /// <summary><c>IF_OPER_TESTING</c>: testing.</summary>
    Testing = 4,

    /// <summary><c>IF_OPER_DORMANT</c>: dormant.</summary>
    Dormant = 5,

    /// <summary><c>IF_OPER_UP</c>: up.</summary>
    Up = 6,
}
