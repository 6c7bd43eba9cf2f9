namespace Cni.Netlink.Protocol;

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

/// <summary>The kernel's names of the <see cref="RtmType"/> values, for error messages.</summary>
internal static class RtmTypeNames
{
    /// <summary>The <c>RTM_*</c> name of <paramref name="type"/>, or its number when it is not an <see cref="RtmType"/>.</summary>
    /// <param name="type">An <c>nlmsg_type</c>.</param>
    /// <returns>For example <c>RTM_NEWLINK</c>.</returns>
    public static string Of(ushort type) => (RtmType)type switch
    {
        RtmType.NewLink => "RTM_NEWLINK",
        RtmType.DelLink => "RTM_DELLINK",
        RtmType.GetLink => "RTM_GETLINK",
        RtmType.SetLink => "RTM_SETLINK",
        RtmType.NewAddress => "RTM_NEWADDR",
        RtmType.DelAddress => "RTM_DELADDR",
        RtmType.GetAddress => "RTM_GETADDR",
        RtmType.NewRoute => "RTM_NEWROUTE",
        RtmType.DelRoute => "RTM_DELROUTE",
        RtmType.GetRoute => "RTM_GETROUTE",
        RtmType.NewNeighbour => "RTM_NEWNEIGH",
        RtmType.DelNeighbour => "RTM_DELNEIGH",
        RtmType.GetNeighbour => "RTM_GETNEIGH",
        RtmType.NewRule => "RTM_NEWRULE",
        RtmType.DelRule => "RTM_DELRULE",
        RtmType.GetRule => "RTM_GETRULE",
        RtmType.NewNsId => "RTM_NEWNSID",
        RtmType.DelNsId => "RTM_DELNSID",
        RtmType.GetNsId => "RTM_GETNSID",
        _ => "netlink message type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
