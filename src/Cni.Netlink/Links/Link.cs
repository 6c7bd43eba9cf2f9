using System.Net;
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

/// <summary>The settings of a bridge device (<c>IFLA_BR_*</c>).</summary>
/// <param name="VlanFiltering">Whether VLAN filtering is on (<c>IFLA_BR_VLAN_FILTERING</c>).</param>
/// <param name="StpEnabled">Whether STP is on (<c>IFLA_BR_STP_STATE</c>).</param>
public sealed record BridgeInfo(bool VlanFiltering, bool StpEnabled);

/// <summary>The settings of a bridge port (<c>IFLA_BRPORT_*</c>).</summary>
/// <param name="Hairpin">Whether hairpin mode is on (<c>IFLA_BRPORT_MODE</c>).</param>
/// <param name="Isolated">Whether the port is isolated (<c>IFLA_BRPORT_ISOLATED</c>).</param>
/// <param name="Learning">Whether MAC learning is on (<c>IFLA_BRPORT_LEARNING</c>).</param>
/// <param name="State">The STP port state (<c>IFLA_BRPORT_STATE</c>: 3 forwarding).</param>
public sealed record BridgePortInfo(bool Hairpin, bool Isolated, bool Learning, byte State);

/// <summary>The settings of a VXLAN device (<c>IFLA_VXLAN_*</c>).</summary>
/// <param name="Id">The VNI (<c>IFLA_VXLAN_ID</c>).</param>
/// <param name="Local">The local source address (<c>IFLA_VXLAN_LOCAL</c> or <c>LOCAL6</c>).</param>
/// <param name="Group">The multicast group or remote (<c>IFLA_VXLAN_GROUP</c> or <c>GROUP6</c>).</param>
/// <param name="DeviceIndex">The underlying device (<c>IFLA_VXLAN_LINK</c>); 0 for none.</param>
/// <param name="Port">The UDP destination port (<c>IFLA_VXLAN_PORT</c>).</param>
/// <param name="Learning">Whether remote MACs are learned (<c>IFLA_VXLAN_LEARNING</c>).</param>
public sealed record VxlanInfo(uint Id, IPAddress? Local, IPAddress? Group, int DeviceIndex, ushort Port, bool Learning);

/// <summary>An address on an interface (an <c>RTM_NEWADDR</c> reply).</summary>
public sealed record LinkAddress
{
    /// <summary>The interface index (<c>ifa_index</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The address (<c>IFA_LOCAL</c>, else <c>IFA_ADDRESS</c>).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The prefix length (<c>ifa_prefixlen</c>).</summary>
    public required int PrefixLength { get; init; }

    /// <summary>The scope (<c>ifa_scope</c>).</summary>
    public RouteScope Scope { get; init; }

    /// <summary>The flags (<c>IFA_FLAGS</c>, else <c>ifa_flags</c>).</summary>
    public AddressFlags Flags { get; init; }

    /// <summary>The IPv4 broadcast address (<c>IFA_BROADCAST</c>).</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>The label (<c>IFA_LABEL</c>, IPv4).</summary>
    public string? Label { get; init; }

    /// <summary>
    /// True for a global unicast address, as Go's <c>net.IP.IsGlobalUnicast</c> decides: not unspecified,
    /// loopback, multicast, link-local or the IPv4 limited broadcast.
    /// </summary>
    public bool IsGlobalUnicast => Address.Equals(IPAddress.Any) == false
        && !Address.Equals(IPAddress.IPv6Any)
        && !IPAddress.IsLoopback(Address)
        && !Address.Equals(IPAddress.Broadcast)
        && !Address.IsIPv6Multicast
        && !Address.IsIPv6LinkLocal
        && !(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (Address.GetAddressBytes() is [>= 224 and <= 239, ..] or [169, 254, ..]));

    /// <inheritdoc/>
    public override string ToString() => $"{Address}/{PrefixLength} (index {Index})";
}

/// <summary>A route: what to add or delete, and what a dump returns (<c>RTM_NEWROUTE</c>).</summary>
public sealed record Route
{
    /// <summary>The destination network address (<c>RTA_DST</c>); null with prefix length 0 for the default route.</summary>
    public IPAddress? Destination { get; init; }

    /// <summary>The destination prefix length (<c>rtm_dst_len</c>); 0 for the default route.</summary>
    public int DestinationPrefixLength { get; init; }

    /// <summary>The gateway (<c>RTA_GATEWAY</c>).</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The output interface index (<c>RTA_OIF</c>); 0 for none.</summary>
    public int OutputInterface { get; init; }

    /// <summary>The metric (<c>RTA_PRIORITY</c>); 0 for none.</summary>
    public uint Priority { get; init; }

    /// <summary>The routing table (<c>rtm_table</c> / <c>RTA_TABLE</c>); <see cref="RouteTable.Main"/> by default.</summary>
    public uint Table { get; init; } = RouteTable.Main;

    /// <summary>The scope; null lets the request pick what <c>ip route</c> picks (link without a gateway, universe with one, nowhere for a delete).</summary>
    public RouteScope? Scope { get; init; }

    /// <summary>The route type (<c>rtm_type</c>).</summary>
    public RouteType Type { get; init; } = RouteType.Unicast;

    /// <summary>Who installs the route (<c>rtm_protocol</c>); <see cref="RouteProtocol.Boot"/> (what <c>ip route</c> uses) by default.</summary>
    public RouteProtocol Protocol { get; init; } = RouteProtocol.Boot;

    /// <summary>The preferred source address (<c>RTA_PREFSRC</c>).</summary>
    public IPAddress? PreferredSource { get; init; }

    /// <summary>The path MTU metric (<c>RTAX_MTU</c>); 0 for none.</summary>
    public uint Mtu { get; init; }

    /// <summary>The advertised MSS metric (<c>RTAX_ADVMSS</c>); 0 for none.</summary>
    public uint AdvertisedMss { get; init; }

    /// <summary>The family; when not set, that of <see cref="Destination"/> or <see cref="Gateway"/>.</summary>
    public NetlinkAddressFamily Family { get; init; }

    internal NetlinkAddressFamily EffectiveFamily =>
        Family != NetlinkAddressFamily.Unspecified ? Family
        : (Destination ?? Gateway ?? PreferredSource) is { } address ? RtnlEncoding.FamilyOf(address)
        : throw new ArgumentException("A route needs a Family, a Destination or a Gateway.");

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Destination is null ? "default" : $"{Destination}/{DestinationPrefixLength}")}{(Gateway is null ? "" : $" via {Gateway}")}{(OutputInterface == 0 ? "" : $" dev #{OutputInterface}")}{(Priority == 0 ? "" : $" metric {Priority}")} table {Table}";
}

/// <summary>A neighbour (ARP/NDP) entry or a bridge forwarding-database (FDB) entry (<c>RTM_NEWNEIGH</c>).</summary>
public sealed record Neighbour
{
    /// <summary>The interface index (<c>ndm_ifindex</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The family: IPv4 or IPv6 for neighbours, <see cref="NetlinkAddressFamily.Bridge"/> for FDB entries. When not set, that of <see cref="Address"/>.</summary>
    public NetlinkAddressFamily Family { get; init; }

    /// <summary>The network address (<c>NDA_DST</c>); for a VXLAN FDB entry, the remote VTEP.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>The link-layer address (<c>NDA_LLADDR</c>).</summary>
    public PhysicalAddress? LinkLayerAddress { get; init; }

    /// <summary>The state (<c>ndm_state</c>); <see cref="NeighbourState.Permanent"/> by default.</summary>
    public NeighbourState State { get; init; } = NeighbourState.Permanent;

    /// <summary>The flags (<c>ndm_flags</c>): <see cref="NeighbourFlags.Self"/> for a VXLAN's own FDB.</summary>
    public NeighbourFlags Flags { get; init; }

    /// <summary>The VLAN of an FDB entry (<c>NDA_VLAN</c>); 0 for none.</summary>
    public ushort Vlan { get; init; }

    /// <summary>The master device (<c>NDA_MASTER</c>); 0 for none.</summary>
    public int MasterIndex { get; init; }

    internal NetlinkAddressFamily EffectiveFamily =>
        Family != NetlinkAddressFamily.Unspecified ? Family
        : Address is not null ? RtnlEncoding.FamilyOf(Address)
        : throw new ArgumentException("A neighbour needs a Family or an Address.");

    /// <inheritdoc/>
    public override string ToString() => $"{Address} lladdr {LinkLayerAddress} dev #{Index} {State}";
}

/// <summary>A VLAN on a bridge port or bridge (an <c>IFLA_BRIDGE_VLAN_INFO</c> entry).</summary>
/// <param name="Vid">The VLAN id.</param>
/// <param name="Flags">Its flags: <see cref="BridgeVlanFlags.Pvid"/>, <see cref="BridgeVlanFlags.Untagged"/>.</param>
public sealed record BridgeVlan(ushort Vid, BridgeVlanFlags Flags)
{
    /// <summary>True when untagged ingress frames get this VLAN.</summary>
    public bool IsPvid => (Flags & BridgeVlanFlags.Pvid) != 0;

    /// <summary>True when frames leave untagged.</summary>
    public bool IsUntagged => (Flags & BridgeVlanFlags.Untagged) != 0;
}

/// <summary>Options for <see cref="RtnlSocket.AddBridge(string, BridgeOptions?)"/>.</summary>
public sealed class BridgeOptions
{
    /// <summary>The MTU; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>VLAN filtering (<c>vlan_filtering</c>); null leaves the kernel default (off).</summary>
    public bool? VlanFiltering { get; init; }
}

/// <summary>Options for <see cref="RtnlSocket.AddVeth(string, string, VethOptions?)"/>.</summary>
public sealed class VethOptions
{
    /// <summary>The MTU of the first end; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address of the first end; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>The MTU of the peer; null for the kernel default (not the first end's MTU: set both).</summary>
    public int? PeerMtu { get; init; }

    /// <summary>The hardware address of the peer; null for a random one.</summary>
    public PhysicalAddress? PeerMacAddress { get; init; }

    /// <summary>
    /// The namespace to create the peer in, directly (<c>IFLA_NET_NS_FD</c> in the peer's attributes);
    /// null for the socket's own namespace. Creating it there avoids a window where the peer exists in
    /// the wrong namespace, and a name clash there fails the whole request.
    /// </summary>
    public NetworkNamespace? PeerNamespace { get; init; }
}

/// <summary>Options for <see cref="RtnlSocket.AddVxlan(string, VxlanOptions)"/>.</summary>
public sealed class VxlanOptions
{
    /// <summary>The VNI (<c>id</c>).</summary>
    public required uint Id { get; init; }

    /// <summary>The local source address (<c>local</c>); null to let the kernel choose.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>A multicast group or single remote (<c>group</c>/<c>remote</c>); null for none (FDB entries decide).</summary>
    public IPAddress? Group { get; init; }

    /// <summary>The underlying device index (<c>dev</c>); null for none.</summary>
    public int? DeviceIndex { get; init; }

    /// <summary>The UDP destination port (<c>dstport</c>); null for the kernel default (8472 on Linux).</summary>
    public ushort? Port { get; init; }

    /// <summary>Whether to learn remote MACs (<c>learning</c>/<c>nolearning</c>); null for the kernel default (on).</summary>
    public bool? Learning { get; init; }

    /// <summary>The MTU; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }
}

/// <summary>Options for <see cref="RtnlSocket.AddAddress(int, IPAddress, int, AddressOptions?)"/>.</summary>
public sealed class AddressOptions
{
    /// <summary>Skip duplicate address detection (<c>nodad</c>, <c>IFA_F_NODAD</c>; IPv6).</summary>
    public bool NoDad { get; init; }

    /// <summary>Add no prefix route (<c>noprefixroute</c>, <c>IFA_F_NOPREFIXROUTE</c>).</summary>
    public bool NoPrefixRoute { get; init; }

    /// <summary>The IPv4 broadcast address; null computes it from the prefix (<c>brd +</c>) for prefixes shorter than /31.</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>When true, no broadcast address is set at all, even for IPv4.</summary>
    public bool NoBroadcast { get; init; }

    /// <summary>The scope; null for global (<c>scope global</c>).</summary>
    public RouteScope? Scope { get; init; }

    /// <summary>The IPv4 label (<c>label</c>); null for none.</summary>
    public string? Label { get; init; }
}
