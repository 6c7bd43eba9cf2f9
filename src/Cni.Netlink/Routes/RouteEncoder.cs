using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The route requests, written as <c>ip route</c> writes them.</summary>
internal static class RouteEncoder
{
    // ip route add|replace|del DST/LEN [via GW] [dev DEV] [metric N] [table T] [scope S] [src IP] [mtu M] [advmss A]
    //
    // +------------------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWROUTE (add, replace) | RTM_DELROUTE (del)  NLM_F_REQUEST|NLM_F_ACK|... |
    // +------------------------------------------------------------------------------------------+
    // | rtmsg      family, dst_len, table (if < 256), protocol, scope, type (0s for del)         |
    // +------------------------------------------------------------------------------------------+
    // | RTA_DST                       4 or 16 bytes         if Destination set                   |
    // | RTA_GATEWAY                   4 or 16 bytes         if Gateway set                       |
    // | RTA_PRIORITY                  u32                   if Priority set                      |
    // | RTA_TABLE                     u32                   if Table >= 256                      |
    // | RTA_OIF                       u32                   if OutputInterface set               |
    // | RTA_PREFSRC                   4 or 16 bytes         if PreferredSource set               |
    // | RTA_METRICS                   nested                if Mtu or AdvertisedMss set          |
    // |   RTAX_MTU                    u32                   if Mtu set                           |
    // |   RTAX_ADVMSS                 u32                   if AdvertisedMss set                 |
    // +------------------------------------------------------------------------------------------+
    public static int Route(Span<byte> buffer, uint sequence, RtmType type, NetlinkFlags flags, Route route)
    {
        bool delete = type == RtmType.DelRoute;
        NetlinkAddressFamily family = route.EffectiveFamily;
        int maxPrefix = family == NetlinkAddressFamily.Inet ? 32 : 128;
        if (route.DestinationPrefixLength < 0 || route.DestinationPrefixLength > maxPrefix)
        {
            throw new ArgumentException($"Prefix length {route.DestinationPrefixLength} is outside 0..{maxPrefix}.", nameof(route));
        }

        RouteScope scope = route.Scope ?? (delete ? RouteScope.Nowhere : route.Gateway is null && route.Type == RouteType.Unicast ? RouteScope.Link : RouteScope.Universe);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, flags, sequence);
        w.WriteStruct(new RouteMessage
        {
            Family = family,
            DestinationLength = (byte)route.DestinationPrefixLength,
            Table = route.Table < 256 ? (byte)route.Table : (byte)0,
            Protocol = delete ? RouteProtocol.Unspecified : route.Protocol,
            Scope = scope,
            Type = delete ? RouteType.Unspecified : route.Type,
            Flags = route.OnLink ? RouteMessage.OnLinkFlag : 0,
        });
        if (route.Destination is { } destination)
        {
            w.WriteAttribute(RouteAttribute.Destination, destination);
        }

        if (route.Gateway is { } gateway)
        {
            w.WriteAttribute(RouteAttribute.Gateway, gateway);
        }

        if (route.Priority != 0)
        {
            w.WriteUInt32(RouteAttribute.Priority, route.Priority);
        }

        if (route.Table >= 256)
        {
            w.WriteUInt32(RouteAttribute.Table, route.Table);
        }

        if (route.OutputInterface != 0)
        {
            w.WriteUInt32(RouteAttribute.OutputInterface, (uint)route.OutputInterface);
        }

        if (route.PreferredSource is { } source)
        {
            w.WriteAttribute(RouteAttribute.PreferredSource, source);
        }

        if (route.Mtu != 0 || route.AdvertisedMss != 0)
        {
            var metrics = w.BeginNested(RouteAttribute.Metrics);
            if (route.Mtu != 0)
            {
                w.WriteUInt32(RouteMetric.Mtu, route.Mtu);
            }

            if (route.AdvertisedMss != 0)
            {
                w.WriteUInt32(RouteMetric.AdvertisedMss, route.AdvertisedMss);
            }

            w.EndNested(metrics);
        }

        return w.EndMessage();
    }

    // ip [-4|-6] route show
    //
    // +---------------------------------------------------+
    // | nlmsghdr   RTM_GETROUTE  NLM_F_REQUEST|NLM_F_DUMP |
    // +---------------------------------------------------+
    // | rtmsg      family (0 for both)                    |
    // +---------------------------------------------------+
    public static int DumpRoutes(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetRoute, RequestFlags.Dump, sequence);
        w.WriteStruct(new RouteMessage { Family = family });
        return w.EndMessage();
    }
}
