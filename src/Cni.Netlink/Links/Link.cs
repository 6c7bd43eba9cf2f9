using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>A network interface as the kernel reports it (an <c>RTM_NEWLINK</c> reply).</summary>
public sealed record Link
{
    /// <summary>The interface index (<c>ifi_index</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The interface name (<c>IFLA_IFNAME</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The interface flags (<c>ifi_flags</c>).</summary>
    public InterfaceFlags Flags { get; init; }

    /// <summary>The hardware type (<c>ifi_type</c>, <c>ARPHRD_*</c>: 1 Ethernet, 772 loopback).</summary>
    public ushort HardwareType { get; init; }

    /// <summary>The MTU (<c>IFLA_MTU</c>).</summary>
    public int Mtu { get; init; }

    /// <summary>The hardware address (<c>IFLA_ADDRESS</c>), if the link has one.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>The index of the master device, such as the bridge this link is a port of (<c>IFLA_MASTER</c>); 0 for none.</summary>
    public int MasterIndex { get; init; }

    /// <summary>The index of the peer (veth) or lower (vxlan, vlan) link (<c>IFLA_LINK</c>); 0 for none. It may live in another namespace, see <see cref="LinkNetNsId"/>.</summary>
    public int ParentIndex { get; init; }

    /// <summary>The namespace id, as seen from this namespace, where <see cref="ParentIndex"/> lives (<c>IFLA_LINK_NETNSID</c>); null when it is this namespace.</summary>
    public int? LinkNetNsId { get; init; }

    /// <summary>The link kind (<c>IFLA_INFO_KIND</c>: <c>bridge</c>, <c>veth</c>, <c>vxlan</c>...); null for physical and loopback devices.</summary>
    public string? Kind { get; init; }

    /// <summary>The kind of the master this link is a port of (<c>IFLA_INFO_SLAVE_KIND</c>, for example <c>bridge</c>).</summary>
    public string? SlaveKind { get; init; }

    /// <summary>The RFC 2863 operational state (<c>IFLA_OPERSTATE</c>).</summary>
    public OperationalState OperationalState { get; init; }

    /// <summary>The promiscuity count (<c>IFLA_PROMISCUITY</c>); above 0 when promiscuous mode is on.</summary>
    public uint Promiscuity { get; init; }

    /// <summary>The interface alias (<c>IFLA_IFALIAS</c>, <c>ip link set DEV alias TEXT</c>); null when none is set.</summary>
    public string? Alias { get; init; }

    /// <summary>The transmit queue length (<c>IFLA_TXQLEN</c>).</summary>
    public uint TxQueueLength { get; init; }

    /// <summary>Bridge settings, when <see cref="Kind"/> is <c>bridge</c>.</summary>
    public BridgeInfo? Bridge { get; init; }

    /// <summary>Bridge port settings, when this link is a bridge port (<see cref="SlaveKind"/> is <c>bridge</c>).</summary>
    public BridgePortInfo? BridgePort { get; init; }

    /// <summary>VXLAN settings, when <see cref="Kind"/> is <c>vxlan</c>.</summary>
    public VxlanInfo? Vxlan { get; init; }

    /// <summary>True when administratively up (<c>IFF_UP</c>).</summary>
    public bool IsUp => (Flags & InterfaceFlags.Up) != 0;

    /// <summary>True when the promiscuous flag is set (<c>IFF_PROMISC</c>).</summary>
    public bool IsPromiscuous => (Flags & InterfaceFlags.Promiscuous) != 0;
}
