using System.Net;

namespace Cni.Netlink;

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

    /// <summary>
    /// The gateway is on the link even though no address of the interface covers it (<c>RTNH_F_ONLINK</c> in
    /// <c>rtm_flags</c>), as flanneld's routes via a remote VTEP address need; <c>ip route ... onlink</c>.
    /// </summary>
    public bool OnLink { get; init; }

    /// <summary>The family; when not set, that of <see cref="Destination"/> or <see cref="Gateway"/>.</summary>
    public NetlinkAddressFamily Family { get; init; }

    internal NetlinkAddressFamily EffectiveFamily =>
        Family != NetlinkAddressFamily.Unspecified ? Family
        : (Destination ?? Gateway ?? PreferredSource) is { } address ? NetlinkAddressFamilies.Of(address)
        : throw new ArgumentException("A route needs a Family, a Destination or a Gateway.");

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Destination is null ? "default" : $"{Destination}/{DestinationPrefixLength}")}{(Gateway is null ? "" : $" via {Gateway}")}{(OutputInterface == 0 ? "" : $" dev #{OutputInterface}")}{(Priority == 0 ? "" : $" metric {Priority}")} table {Table}";
}
