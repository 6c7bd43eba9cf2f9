
namespace Cni.Netlink.Protocol;

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
