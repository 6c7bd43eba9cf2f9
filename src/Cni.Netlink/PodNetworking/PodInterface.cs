using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Netlink;

/// <summary>
/// An interface inside a pod's namespace as a CNI result describes it: <see cref="Configure"/> applies the result's
/// addresses and routes on ADD, <see cref="Verify"/> checks them on CHECK.
/// </summary>
/// <remarks>
/// The result's <c>ips</c> that belong to the interface are those without an <c>interface</c> index and those whose
/// index points at an <c>interfaces</c> entry of the interface's name; every route of the result goes out of the
/// interface, via its own gateway or else the gateway of its family's first address that has one.
/// </remarks>
/// <example>
/// <code>
/// CniResult ipam = request.Delegate.Add(request.Config.Ipam!.Type!);
/// using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
/// using RtnlSocket podRtnl = RtnlSocket.OpenIn(pod);
/// Link eth0 = podRtnl.GetLink(request.IfName);
/// PodInterface.Configure(pod, podRtnl, eth0, ipam);
/// // and on CHECK:
/// PodInterface.Verify(pod, podRtnl, eth0, request.PrevResult!);
/// </code>
/// </example>
public static class PodInterface
{
    /// <summary>How long <see cref="Configure"/> with DAD waits for the IPv6 addresses to leave the tentative state.</summary>
    public static readonly TimeSpan DadSettleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Configures the interface from a result: <c>arp_notify</c> and the IPv6 DAD sysctls, IPv6 enabled on <c>lo</c> and
    /// the interface when an IPv6 address is coming (and <c>keep_addr_on_down</c>), the interface up, its addresses
    /// (IPv6 without DAD unless <paramref name="enableDad"/>, which then waits for them to settle), then the routes.
    /// </summary>
    /// <remarks>
    /// Equivalent to: <c>sysctl -w net.ipv4.conf.eth0.arp_notify=1 ...; ip link set eth0 up;
    /// ip addr add 10.22.0.5/16 dev eth0 [nodad]; ip route add 0.0.0.0/0 via 10.22.0.1 dev eth0</c> inside the pod.
    /// Routes are added with <c>NLM_F_APPEND</c>, so a second route to the same destination becomes another path.
    /// </remarks>
    /// <param name="pod">The pod's namespace: its sysctls are written on a short-lived thread inside it.</param>
    /// <param name="podRtnl">A socket inside <paramref name="pod"/>.</param>
    /// <param name="link">The interface, inside <paramref name="pod"/>.</param>
    /// <param name="result">The result whose addresses and routes to apply.</param>
    /// <param name="enableDad">Run IPv6 duplicate address detection (the bridge plugin's <c>enabledad</c>).</param>
    /// <exception cref="CniException">Code <see cref="CniErrorCode.Internal"/> naming the step, the address or route, and the kernel's reason.</exception>
    public static void Configure(NetworkNamespace pod, RtnlSocket podRtnl, Link link, CniResult result, bool enableDad = false)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(podRtnl);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(result);
        string ifName = link.Name;
        List<IpConfig> ips = IpsOf(result, ifName);
        bool hasV6 = ips.Any(ip => ip.Address.Address.AddressFamily == AddressFamily.InterNetworkV6);

        // Sysctls are per namespace through /proc/sys: one short-lived thread inside the pod's namespace.
        pod.Run(() => WriteSysctls(ifName, hasV6, enableDad));

        try
        {
            podRtnl.SetLinkUp(link.Index);
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to set \"{ifName}\" UP: {e.Message}");
        }

        foreach (IpConfig ip in ips)
        {
            bool v6 = ip.Address.Address.AddressFamily == AddressFamily.InterNetworkV6;
            try
            {
                podRtnl.AddAddress(link.Index, ip.Address.Address, ip.Address.PrefixLength, new AddressOptions { NoDad = v6 && !enableDad });
            }
            catch (NetlinkException e)
            {
                throw Fail($"failed to add IP addr {ip.Address} to \"{ifName}\": {e.Message}");
            }
        }

        (IPAddress? v4Gateway, IPAddress? v6Gateway) = Gateways(ips);
        if (v6Gateway is not null && enableDad)
        {
            SettleAddresses(podRtnl, link.Index, ifName);
        }

        foreach (CniRoute r in result.Routes)
        {
            Route route = r.ToKernelRoute(link.Index, r.Destination.Address.AddressFamily == AddressFamily.InterNetwork ? v4Gateway : v6Gateway);
            try
            {
                podRtnl.AddRouteEcmp(route);
            }
            catch (Exception e) when (e is NetlinkException or ArgumentException)
            {
                throw Fail($"failed to add route '{r.Destination} via {route.Gateway?.ToString() ?? "<nil>"} dev {ifName}': {e.Message}");
            }
        }
    }

    /// <summary>
    /// CHECK: every address of <paramref name="prevResult"/> that belongs to the interface is on it, and every route of
    /// <paramref name="prevResult"/> is in the pod's routing table (its table, <c>main</c> by default) with the expected gateway.
    /// </summary>
    /// <remarks>Equivalent to: <c>ip addr show dev eth0; ip route show table all</c> inside the pod, compared with the result.</remarks>
    /// <param name="pod">The pod's namespace (named in the messages).</param>
    /// <param name="podRtnl">A socket inside <paramref name="pod"/>.</param>
    /// <param name="link">The interface, inside <paramref name="pod"/>.</param>
    /// <param name="prevResult">The result ADD returned.</param>
    /// <exception cref="CniException">Code <see cref="CniErrorCode.Internal"/> naming the first address or route that is missing.</exception>
    public static void Verify(NetworkNamespace pod, RtnlSocket podRtnl, Link link, CniResult prevResult)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(podRtnl);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(prevResult);
        List<IpConfig> ips = IpsOf(prevResult, link.Name);
        IReadOnlyList<LinkAddress> addresses = podRtnl.ListAddresses(link.Index);
        foreach (IpConfig ip in ips)
        {
            if (!addresses.Any(a => a.Address.Equals(ip.Address.Address) && a.PrefixLength == ip.Address.PrefixLength))
            {
                throw Fail($"Failed to match addr {ip.Address} on interface {link.Name}: the address from prevResult is missing in {pod.Path}");
            }
        }

        (IPAddress? v4Gateway, IPAddress? v6Gateway) = Gateways(ips);
        foreach (CniRoute r in prevResult.Routes)
        {
            bool v4 = r.Destination.Address.AddressFamily == AddressFamily.InterNetwork;
            IPAddress? gateway = r.Gateway ?? (v4 ? v4Gateway : v6Gateway);
            IPAddress destination = IPCidr.Mask(r.Destination.Address, r.Destination.PrefixLength);
            uint table = r.Table is int t ? (uint)t : RouteTable.Main;
            bool found = podRtnl.ListRoutes(v4 ? NetlinkAddressFamily.Inet : NetlinkAddressFamily.Inet6, table).Any(k =>
                k.DestinationPrefixLength == r.Destination.PrefixLength
                && (k.Destination ?? (v4 ? IPAddress.Any : IPAddress.IPv6Any)).Equals(destination)
                && (gateway is null || gateway.Equals(k.Gateway)));
            if (!found)
            {
                throw Fail($"Expected route to {r.Destination} via {gateway?.ToString() ?? "the link"} (from prevResult) not found in the routing table of {pod.Path}");
            }
        }
    }

    private static List<IpConfig> IpsOf(CniResult result, string ifName) =>
        [.. result.Ips.Where(ip => ip.Interface is not int i || (i >= 0 && i < result.Interfaces.Count && result.Interfaces[i].Name == ifName))];

    private static (IPAddress? V4, IPAddress? V6) Gateways(IEnumerable<IpConfig> ips) => (
        ips.Select(i => i.Gateway).FirstOrDefault(g => g?.AddressFamily == AddressFamily.InterNetwork),
        ips.Select(i => i.Gateway).FirstOrDefault(g => g?.AddressFamily == AddressFamily.InterNetworkV6));

    private static void WriteSysctls(string ifName, bool hasV6, bool enableDad)
    {
        if (enableDad)
        {
            TryWrite(Sysctl.IPv6Conf(ifName, "enhanced_dad"), "1");
        }

        TryWrite(Sysctl.IPv6Conf(ifName, "accept_dad"), enableDad ? "1" : "0");
        TryWrite(Sysctl.IPv4Conf(ifName, "arp_notify"), "1");
        if (!hasV6)
        {
            return;
        }

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
                    throw Fail($"failed to enable IPv6 for interface \"{name}\" ({key}={value}): {e.Message}");
                }
            }
        }

        // Keep the addresses if the interface is taken down and up again.
        TryWrite(Sysctl.IPv6Conf(ifName, "keep_addr_on_down"), "1");
    }

    /// <summary>With DAD on, waits until no IPv6 address of the interface is tentative; a failed DAD is an error.</summary>
    private static void SettleAddresses(RtnlSocket podRtnl, int index, string ifName)
    {
        DateTime deadline = DateTime.UtcNow + DadSettleTimeout;
        while (true)
        {
            bool tentative = false;
            foreach (LinkAddress a in podRtnl.ListAddresses(index, NetlinkAddressFamily.Inet6))
            {
                if ((a.Flags & AddressFlags.DadFailed) != 0)
                {
                    throw Fail($"link {ifName} has address {a.Address}/{a.PrefixLength} in DADFAILED state");
                }

                tentative |= (a.Flags & AddressFlags.Tentative) != 0 && a.Scope != RouteScope.Link;
            }

            if (!tentative)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw Fail($"link {ifName} still has tentative addresses after {DadSettleTimeout.TotalSeconds} s");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Best effort, as the reference: a setting can be missing (no IPv6 in the namespace).</summary>
    private static void TryWrite(string name, string value)
    {
        try
        {
            Sysctl.Write(name, value);
        }
        catch (NetlinkException)
        {
        }
    }

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
