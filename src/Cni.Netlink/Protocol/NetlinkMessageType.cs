namespace Cni.Netlink;

/// <summary>The netlink control message types (<c>nlmsg_type</c> below <c>NLMSG_MIN_TYPE</c>, uapi <c>linux/netlink.h</c>).</summary>
public enum NetlinkMessageType : ushort
{
    /// <summary><c>NLMSG_NOOP</c>: nothing; ignore.</summary>
    Noop = 1,

    /// <summary><c>NLMSG_ERROR</c>: an error, or an acknowledgement when its error is 0.</summary>
    Error = 2,

    /// <summary><c>NLMSG_DONE</c>: the end of a multi-part reply.</summary>
    Done = 3,

    /// <summary><c>NLMSG_OVERRUN</c>: data was lost.</summary>
    Overrun = 4,
}

/// <summary>The rtnetlink message types (<c>RTM_*</c>, uapi <c>linux/rtnetlink.h</c>).</summary>
public enum RtmType : ushort
{
    /// <summary><c>RTM_NEWLINK</c>: create or change a link.</summary>
    NewLink = 16,

    /// <summary><c>RTM_DELLINK</c>: delete a link.</summary>
    DelLink = 17,

    /// <summary><c>RTM_GETLINK</c>: get one link, or dump all links.</summary>
    GetLink = 18,

    /// <summary><c>RTM_SETLINK</c>: change a link (never creates one).</summary>
    SetLink = 19,

    /// <summary><c>RTM_NEWADDR</c>: add an address.</summary>
    NewAddress = 20,

    /// <summary><c>RTM_DELADDR</c>: delete an address.</summary>
    DelAddress = 21,

    /// <summary><c>RTM_GETADDR</c>: dump addresses.</summary>
    GetAddress = 22,

    /// <summary><c>RTM_NEWROUTE</c>: add or replace a route.</summary>
    NewRoute = 24,

    /// <summary><c>RTM_DELROUTE</c>: delete a route.</summary>
    DelRoute = 25,

    /// <summary><c>RTM_GETROUTE</c>: look up or dump routes.</summary>
    GetRoute = 26,

    /// <summary><c>RTM_NEWNEIGH</c>: add or replace a neighbour (or bridge FDB) entry.</summary>
    NewNeighbour = 28,

    /// <summary><c>RTM_DELNEIGH</c>: delete a neighbour (or bridge FDB) entry.</summary>
    DelNeighbour = 29,

    /// <summary><c>RTM_GETNEIGH</c>: dump neighbour (or bridge FDB) entries.</summary>
    GetNeighbour = 30,

    /// <summary><c>RTM_NEWRULE</c>: add a routing rule.</summary>
    NewRule = 32,

    /// <summary><c>RTM_DELRULE</c>: delete a routing rule.</summary>
    DelRule = 33,

    /// <summary><c>RTM_GETRULE</c>: dump routing rules.</summary>
    GetRule = 34,

    /// <summary><c>RTM_NEWNSID</c>: assign a namespace id.</summary>
    NewNsId = 88,

    /// <summary><c>RTM_DELNSID</c>: remove a namespace id.</summary>
    DelNsId = 89,

    /// <summary><c>RTM_GETNSID</c>: get a namespace id.</summary>
    GetNsId = 90,
}

/// <summary>
/// Address families as Linux numbers them (<c>AF_*</c>, <c>linux/socket.h</c>), used in the
/// family byte of the rtnetlink structures. Named apart from <see cref="System.Net.Sockets.AddressFamily"/>,
/// whose values differ (its InterNetworkV6 is 23, Linux's AF_INET6 is 10).
/// </summary>
public enum NetlinkAddressFamily : byte
{
    /// <summary><c>AF_UNSPEC</c>: any family.</summary>
    Unspecified = 0,

    /// <summary><c>AF_UNIX</c>: local sockets.</summary>
    Unix = 1,

    /// <summary><c>AF_INET</c>: IPv4.</summary>
    Inet = 2,

    /// <summary><c>AF_BRIDGE</c>: bridge ports, VLANs and the forwarding database.</summary>
    Bridge = 7,

    /// <summary><c>AF_INET6</c>: IPv6.</summary>
    Inet6 = 10,

    /// <summary><c>AF_NETLINK</c>: netlink itself.</summary>
    Netlink = 16,

    /// <summary><c>AF_PACKET</c>: link-level packets.</summary>
    Packet = 17,

    /// <summary><c>AF_MPLS</c>: MPLS.</summary>
    Mpls = 28,
}
