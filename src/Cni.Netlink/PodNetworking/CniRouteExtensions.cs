using System.Net;
using Cni.Spec;

namespace Cni.Netlink;

/// <summary>A result's route (<see cref="CniRoute"/>) as the kernel route that installs it.</summary>
public static class CniRouteExtensions
{
    /// <summary>
    /// The kernel route for a result route on one interface: destination (host bits cleared), gateway,
    /// and the 1.1.0 fields <c>priority</c>, <c>table</c>, <c>scope</c>, <c>mtu</c> and <c>advmss</c>.
    /// </summary>
    /// <remarks>Equivalent to: <c>ip route add 10.99.0.0/16 via 10.22.0.1 dev eth0 [metric N] [table N] [scope N] [mtu N] [advmss N]</c>.</remarks>
    /// <param name="route">The result route.</param>
    /// <param name="outputInterface">The interface index the route goes out of (<c>dev</c>).</param>
    /// <param name="fallbackGateway">The gateway when the route has none, typically its family's gateway in the result's <c>ips</c>; null for an on-link route.</param>
    /// <returns>The route, for <see cref="RtnlSocket.AddRouteEcmp"/> or <see cref="RtnlSocket.DeleteRoute"/>.</returns>
    public static Route ToKernelRoute(this CniRoute route, int outputInterface, IPAddress? fallbackGateway = null)
    {
        ArgumentNullException.ThrowIfNull(route);
        return new Route
        {
            Destination = IPCidr.Mask(route.Destination.Address, route.Destination.PrefixLength),
            DestinationPrefixLength = route.Destination.PrefixLength,
            Gateway = route.Gateway ?? fallbackGateway,
            OutputInterface = outputInterface,
            Priority = (uint)(route.Priority ?? 0),
            Table = (uint)(route.Table ?? 0),
            Scope = route.Scope is int scope ? (RouteScope)scope : null,
            Mtu = (uint)(route.Mtu ?? 0),
            AdvertisedMss = (uint)(route.AdvMss ?? 0),
        };
    }
}
