using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Turns <c>RTM_NEWROUTE</c> replies into <see cref="Route"/>; unknown attributes are skipped.</summary>
internal static class RouteDecoder
{
    public static Route ParseRoute(NetlinkMessage message)
    {
        RouteMessage header = message.ReadStruct<RouteMessage>();
        IPAddress? destination = null, gateway = null, source = null;
        int oif = 0;
        uint priority = 0, table = header.Table, mtu = 0, advmss = 0;
        foreach (NetlinkAttribute attribute in message.GetAttributes<RouteMessage>())
        {
            switch ((RouteAttribute)attribute.Type)
            {
                case RouteAttribute.Destination: destination = attribute.GetIPAddress(); break;
                case RouteAttribute.Gateway: gateway = attribute.GetIPAddress(); break;
                case RouteAttribute.PreferredSource: source = attribute.GetIPAddress(); break;
                case RouteAttribute.OutputInterface: oif = (int)attribute.GetUInt32(); break;
                case RouteAttribute.Priority: priority = attribute.GetUInt32(); break;
                case RouteAttribute.Table: table = attribute.GetUInt32(); break;
                case RouteAttribute.Metrics:
                    foreach (NetlinkAttribute metric in attribute.GetNested())
                    {
                        if (metric.Is(RouteMetric.Mtu))
                        {
                            mtu = metric.GetUInt32();
                        }
                        else if (metric.Is(RouteMetric.AdvertisedMss))
                        {
                            advmss = metric.GetUInt32();
                        }
                    }

                    break;
            }
        }

        return new Route
        {
            Family = header.Family,
            Destination = destination,
            DestinationPrefixLength = header.DestinationLength,
            Gateway = gateway,
            OutputInterface = oif,
            Priority = priority,
            Table = table,
            Scope = header.Scope,
            Type = header.Type,
            Protocol = header.Protocol,
            PreferredSource = source,
            Mtu = mtu,
            AdvertisedMss = advmss,
            OnLink = (header.Flags & RouteMessage.OnLinkFlag) != 0,
        };
    }
}
