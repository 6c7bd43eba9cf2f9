using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>Gateway addresses and the default routes that <c>isGateway</c>/<c>isDefaultGateway</c> imply.</summary>
internal static class Gateways
{
    /// <summary>
    /// Points every address at the container interface (index 2), fills in missing gateways
    /// (the subnet's first address) when the bridge is the gateway, adds a default route per
    /// family for <c>isDefaultGateway</c> unless IPAM gave one, and returns the bridge's addresses.
    /// </summary>
    public static List<IPCidr> Compute(CniResult result, BridgeConfig config)
    {
        var gateways = new List<IPCidr>();
        var defaulted = new HashSet<AddressFamily>();
        foreach (IpConfig ip in result.Ips)
        {
            ip.Interface = 2;
            if (ip.Gateway is null && config.IsGateway)
            {
                ip.Gateway = FirstAddress(ip.Address);
            }

            if (config.IsDefaultGateway && defaulted.Add(ip.Address.Address.AddressFamily))
            {
                IPAddress any = ip.Address.IsIPv4 ? IPAddress.Any : IPAddress.IPv6Any;
                if (!result.Routes.Any(r => r.Gateway is not null && r.Destination.PrefixLength == 0 && r.Destination.Address.Equals(any)))
                {
                    result.Routes.Add(new CniRoute { Destination = new IPCidr(any, 0), Gateway = ip.Gateway });
                }
            }

            if (config.IsGateway && ip.Gateway is not null)
            {
                var gw = new IPCidr(ip.Gateway, ip.Address.PrefixLength);
                if (!gateways.Contains(gw))
                {
                    gateways.Add(gw);
                }
            }
        }

        return gateways;
    }

    private static IPAddress FirstAddress(IPCidr cidr)
    {
        byte[] bytes = IPCidr.Mask(cidr.Address, cidr.PrefixLength).GetAddressBytes();
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            if (++bytes[i] != 0)
            {
                break;
            }
        }

        return new IPAddress(bytes);
    }
}
