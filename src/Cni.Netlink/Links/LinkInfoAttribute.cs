namespace Cni.Netlink.Protocol;

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
