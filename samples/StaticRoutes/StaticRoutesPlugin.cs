using System.Net;
using System.Text.Json.Serialization;
using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;

namespace StaticRoutes;

/// <summary>The plugin's own configuration keys, read through its own source-generated context.</summary>
internal sealed class Settings
{
    [JsonPropertyName("routes")]
    public List<RouteSetting>? Routes { get; set; }
}

internal sealed class RouteSetting
{
    [JsonPropertyName("dst")]
    public string? Dst { get; set; }

    [JsonPropertyName("gw")]
    public string? Gw { get; set; }
}

[JsonSerializable(typeof(Settings))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext;

/// <summary>
/// A chained plugin: it adds the routes listed in its configuration to the container interface
/// that the previous plugin reported, and adds them to the result it passes on.
/// </summary>
internal sealed class StaticRoutesPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new("CNI static-routes sample plugin", CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        CniResult result = request.PrevResult
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "static-routes is a chained plugin: it needs a prevResult from the plugin before it");
        List<CniRoute> routes = ReadRoutes(request.Config);
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        int index = FindInterface(rtnl, result, request.IfName, request.NetNs);
        foreach (CniRoute route in routes)
        {
            rtnl.AddRouteEcmp(route.ToKernelRoute(index));
            result.Routes.Add(route);
        }

        return result;
    }

    public void Delete(DeleteRequest request)
    {
        // DEL succeeds when things are already gone: no namespace, no interface, no route.
        if (request.NetNs is null || !PodNamespace.Exists(request.NetNs))
        {
            return;
        }

        List<CniRoute> routes = ReadRoutes(request.Config);
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        if (rtnl.TryGetLink(request.IfName) is not Link link)
        {
            return;
        }

        foreach (CniRoute route in routes)
        {
            try
            {
                rtnl.DeleteRoute(route.ToKernelRoute(link.Index));
            }
            catch (NetlinkException e) when (e.IsNotFound)
            {
            }
        }
    }

    public void Check(CheckRequest request)
    {
        request.RequirePrevResult();
        List<CniRoute> routes = ReadRoutes(request.Config);
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        Link link = rtnl.TryGetLink(request.IfName)
            ?? throw new CniException(CniErrorCode.Internal, $"interface \"{request.IfName}\" is missing from {request.NetNs}");
        IReadOnlyList<Route> present = rtnl.ListRoutes();
        foreach (CniRoute route in routes)
        {
            IPNetwork dst = route.Destination.Network;
            bool found = present.Any(r => r.OutputInterface == link.Index
                && r.DestinationPrefixLength == dst.PrefixLength
                && Equals(r.Destination ?? (dst.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any), dst.BaseAddress)
                && (route.Gateway is null || Equals(r.Gateway, route.Gateway)));
            if (!found)
            {
                throw new CniException(CniErrorCode.Internal, $"route to {route.Destination} via {route.Gateway?.ToString() ?? "(link)"} is missing on {request.IfName}");
            }
        }
    }

    private static List<CniRoute> ReadRoutes(NetworkConfig config)
    {
        Settings settings = config.GetSettings(SettingsJsonContext.Default.Settings);
        var routes = new List<CniRoute>();
        for (int i = 0; i < (settings.Routes?.Count ?? 0); i++)
        {
            RouteSetting r = settings.Routes![i];
            if (!IPCidr.TryParse(r.Dst, out IPCidr dst))
            {
                throw new CniException(CniErrorCode.InvalidNetworkConfig, $"routes[{i}].dst \"{r.Dst}\" is not a CIDR such as 10.20.0.0/16");
            }

            IPAddress? gw = null;
            if (r.Gw is not null && !IPText.TryParse(r.Gw, out gw))
            {
                throw new CniException(CniErrorCode.InvalidNetworkConfig, $"routes[{i}].gw \"{r.Gw}\" is not an IP address");
            }

            routes.Add(new CniRoute { Destination = new IPCidr(dst.Network.BaseAddress, dst.PrefixLength), Gateway = gw });
        }

        return routes;
    }

    private static int FindInterface(RtnlSocket rtnl, CniResult prev, string ifName, string netns)
    {
        bool reported = prev.Interfaces.Any(i => i.Name == ifName && (i.Sandbox is null || i.Sandbox == netns));
        if (!reported && prev.Interfaces.Count > 0)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"prevResult has no interface \"{ifName}\" in {netns}");
        }

        return (rtnl.TryGetLink(ifName) ?? throw new CniException(CniErrorCode.Internal, $"interface \"{ifName}\" does not exist in {netns}")).Index;
    }
}
