using System.Net;
using System.Net.Sockets;
using Cni.Netlink;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>What ADD does inside the container's namespace: sysctls, addresses and routes from the IPAM result.</summary>
internal static class PodSide
{
    private static readonly TimeSpan DadSettleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Configures the container interface: <c>arp_notify</c> and the IPv6 DAD sysctls, IPv6 enabled on
    /// <c>lo</c> and the interface when an IPv6 address is coming, the interface up, its addresses (no DAD
    /// unless <c>enabledad</c>), then its routes; a route without a gateway goes via the family's gateway.
    /// </summary>
    public static void Configure(NetworkNamespace pod, RtnlSocket podLinks, int index, string ifName, CniResult result, BridgeConfig config)
    {
        bool hasV6 = result.Ips.Any(ip => ip.Address.Address.AddressFamily == AddressFamily.InterNetworkV6);

        // Sysctls are per namespace through /proc/sys: one short-lived thread inside the container's namespace.
        pod.Run(() =>
        {
            if (config.EnableDad)
            {
                NodeSide.TryWriteSysctl(Sysctl.IPv6Conf(ifName, "enhanced_dad"), "1");
                NodeSide.TryWriteSysctl(Sysctl.IPv6Conf(ifName, "accept_dad"), "1");
            }
            else
            {
                NodeSide.TryWriteSysctl(Sysctl.IPv6Conf(ifName, "accept_dad"), "0");
            }

            NodeSide.TryWriteSysctl(Sysctl.IPv4Conf(ifName, "arp_notify"), "1");
            if (hasV6)
            {
                foreach (string name in (string[])["lo", ifName])
                {
                    string key = Sysctl.IPv6Conf(name, "disable_ipv6");
                    string value;
                    try
                    {
                        value = Sysctl.Read(key);
                    }
                    catch (NetlinkException)
                    {
                        continue;
                    }

                    if (value != "0")
                    {
                        try
                        {
                            Sysctl.Write(key, "0");
                        }
                        catch (NetlinkException e)
                        {
                            throw new CniException(CniErrorCode.Internal, $"failed to enable IPv6 for interface \"{name}\" ({key}={value}): {e.Message}");
                        }
                    }
                }

                // Keep the addresses if the interface is taken down and up again.
                NodeSide.TryWriteSysctl(Sysctl.IPv6Conf(ifName, "keep_addr_on_down"), "1");
            }
        });

        try
        {
            podLinks.SetLinkUp(index);
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to set \"{ifName}\" UP: {e.Message}");
        }

        IPAddress? v4Gateway = null, v6Gateway = null;
        foreach (IpConfig ip in result.Ips)
        {
            bool v6 = ip.Address.Address.AddressFamily == AddressFamily.InterNetworkV6;
            try
            {
                podLinks.AddAddress(index, ip.Address.Address, ip.Address.PrefixLength, new AddressOptions { NoDad = v6 && !config.EnableDad });
            }
            catch (NetlinkException e)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to add IP addr {ip.Address} to \"{ifName}\": {e.Message}");
            }

            if (ip.Gateway is IPAddress gw)
            {
                if (gw.AddressFamily == AddressFamily.InterNetwork)
                {
                    v4Gateway ??= gw;
                }
                else
                {
                    v6Gateway ??= gw;
                }
            }
        }

        if (v6Gateway is not null && config.EnableDad)
        {
            SettleAddresses(podLinks, index, ifName);
        }

        foreach (CniRoute r in result.Routes)
        {
            bool v4 = r.Destination.Address.AddressFamily == AddressFamily.InterNetwork;
            IPAddress? gw = r.Gateway ?? (v4 ? v4Gateway : v6Gateway);
            try
            {
                podLinks.AddRouteEcmp(ToKernel(r, gw, index));
            }
            catch (Exception e) when (e is NetlinkException or ArgumentException)
            {
                throw new CniException(CniErrorCode.Internal, $"failed to add route '{r.Destination} via {gw?.ToString() ?? "<nil>"} dev {ifName}': {e.Message}");
            }
        }
    }

    /// <summary>The kernel route for a result route (1.1.0 fields included).</summary>
    public static Route ToKernel(CniRoute r, IPAddress? gateway, int index) => new()
    {
        Destination = IPCidr.Mask(r.Destination.Address, r.Destination.PrefixLength),
        DestinationPrefixLength = r.Destination.PrefixLength,
        Gateway = gateway,
        OutputInterface = index,
        Priority = (uint)(r.Priority ?? 0),
        Table = (uint)(r.Table ?? 0),
        Scope = r.Scope is int scope ? (RouteScope)scope : null,
        Mtu = (uint)(r.Mtu ?? 0),
        AdvertisedMss = (uint)(r.AdvMss ?? 0),
    };

    /// <summary>With DAD on, waits until no IPv6 address of the interface is tentative (at most 5 s); a failed DAD is an error.</summary>
    private static void SettleAddresses(RtnlSocket podLinks, int index, string ifName)
    {
        DateTime deadline = DateTime.UtcNow + DadSettleTimeout;
        while (true)
        {
            bool tentative = false;
            foreach (LinkAddress a in podLinks.ListAddresses(index, NetlinkAddressFamily.Inet6))
            {
                if ((a.Flags & AddressFlags.DadFailed) != 0)
                {
                    throw new CniException(CniErrorCode.Internal, $"link {ifName} has address {a.Address}/{a.PrefixLength} in DADFAILED state");
                }

                tentative |= (a.Flags & AddressFlags.Tentative) != 0 && a.Scope != RouteScope.Link;
            }

            if (!tentative)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CniException(CniErrorCode.Internal, $"link {ifName} still has tentative addresses after {DadSettleTimeout.TotalSeconds} s");
            }

            Thread.Sleep(100);
        }
    }
}
