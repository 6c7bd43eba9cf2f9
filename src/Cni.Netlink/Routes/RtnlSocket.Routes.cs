using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Adds a route; fails if an equal route exists.</summary>
    /// <param name="route">The route.</param>
    /// <exception cref="NetlinkException">It exists (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip route add &lt;dst&gt; [via GW] [dev DEV] [metric N] [table T] [scope S] [mtu M] [advmss A]</c> (<c>NLM_F_CREATE | NLM_F_EXCL</c>).</remarks>
    public void AddRoute(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create | NetlinkFlags.Exclusive, route);

    /// <summary>
    /// Adds a route without <c>NLM_F_EXCL</c>, as the Go plugins' <c>RouteAddEcmp</c> does: a route to the
    /// same destination through another next hop is added beside the existing one; an identical route
    /// still fails with EEXIST.
    /// </summary>
    /// <param name="route">The route.</param>
    /// <remarks>Equivalent to: <c>ip route add</c> sent with <c>NLM_F_CREATE</c> only.</remarks>
    public void AddRouteEcmp(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create, route);

    /// <summary>Adds a route or replaces the one with the same destination, metric and table.</summary>
    /// <param name="route">The route.</param>
    /// <remarks>Equivalent to: <c>ip route replace ...</c> (<c>NLM_F_CREATE | NLM_F_REPLACE</c>).</remarks>
    public void ReplaceRoute(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create | NetlinkFlags.Replace, route);

    /// <summary>Deletes a route. Fields left unset match any value.</summary>
    /// <param name="route">The route: destination, and whatever else narrows it.</param>
    /// <exception cref="NetlinkException">No such route (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip route del &lt;dst&gt; [via GW] [dev DEV] [metric N] [table T]</c>.</remarks>
    public void DeleteRoute(Route route) => RouteRequest(RtmType.DelRoute, NetlinkFlags.None, route);

    private void RouteRequest(RtmType type, NetlinkFlags flags, Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RouteEncoder.Route(buffer, NextSequence(), type, NetlinkFlags.Request | NetlinkFlags.Ack | flags, route)], route.ToString());
    }

    /// <summary>Lists routes.</summary>
    /// <param name="family">Only this family's; <see cref="NetlinkAddressFamily.Unspecified"/> for both.</param>
    /// <param name="table">Only this table's (<see cref="RouteTable.Main"/> by default); <see cref="RouteTable.Unspecified"/> for all tables.</param>
    /// <returns>The routes.</returns>
    /// <remarks>Equivalent to: <c>ip [-4|-6] route show [table T|all]</c>.</remarks>
    public IReadOnlyList<Route> ListRoutes(NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified, uint table = RouteTable.Main)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RouteEncoder.DumpRoutes(buffer, NextSequence(), family);
        IReadOnlyList<Route> all = DumpAll(buffer[..length], (ushort)RtmType.NewRoute, RouteDecoder.ParseRoute);
        return table == RouteTable.Unspecified ? all : all.Where(r => r.Table == table).ToList();
    }
}
