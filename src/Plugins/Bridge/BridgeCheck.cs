using System.Net;
using System.Net.Sockets;
using Cni.Netlink;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>CHECK: the bridge, the veth pair, MACs, promiscuous mode, addresses and routes against <c>prevResult</c>.</summary>
internal static class BridgeCheck
{
    public static void Run(RtnlSocket node, RtnlSocket podLinks, CniResult prev, BridgeConfig config, string ifName, string netns)
    {
        CniInterface bridgeEntry = prev.Interfaces.FirstOrDefault(i => i.Name == config.BridgeName)
            ?? throw Fail($"prevResult does not report the bridge \"{config.BridgeName}\"");
        CniInterface containerEntry = prev.Interfaces.FirstOrDefault(i => i.Name == ifName && i.Sandbox == netns)
            ?? throw Fail($"prevResult does not report interface \"{ifName}\" with sandbox {netns}");

        // The bridge, in the node's namespace.
        Link bridge = node.TryGetLink(config.BridgeName)
            ?? throw Fail($"CNI created bridge {config.BridgeName} in host namespace was not found");
        if (bridge.Kind != "bridge")
        {
            throw Fail($"interface {config.BridgeName} is a {bridge.Kind ?? "device without a kind"}, not a bridge");
        }

        ExpectMac("bridge " + config.BridgeName, bridgeEntry.Mac, bridge);
        if (bridge.IsPromiscuous != config.PromiscMode)
        {
            throw Fail($"bridge {config.BridgeName}: promiscMode is {Lower(config.PromiscMode)} in the configuration but the bridge's promiscuous mode is {(bridge.IsPromiscuous ? "on" : "off")}");
        }

        // The container end, in its namespace.
        Link container = podLinks.TryGetLink(ifName)
            ?? throw Fail($"CNI created interface in container {ifName} not found in {netns}");
        if (container.Kind != "veth")
        {
            throw Fail($"container interface {ifName} is a {container.Kind ?? "device without a kind"}, not a veth");
        }

        ExpectMac($"container interface {ifName}", containerEntry.Mac, container);

        // The host end: a reported veth whose peer is the container end and whose master is the bridge.
        bool hostFound = false;
        foreach (CniInterface entry in prev.Interfaces)
        {
            if (entry == bridgeEntry || entry == containerEntry || entry.Sandbox is { Length: > 0 })
            {
                continue;
            }

            if (node.TryGetLink(entry.Name) is not Link host || host.Kind != "veth")
            {
                continue;
            }

            if (host.ParentIndex != container.Index || container.ParentIndex != host.Index || host.MasterIndex != bridge.Index)
            {
                continue;
            }

            ExpectMac($"host veth {entry.Name}", entry.Mac, host);
            hostFound = true;
            break;
        }

        if (!hostFound)
        {
            throw Fail($"CNI veth created for bridge {config.BridgeName} was not found: no reported veth is attached to it with {ifName} in {netns} as its peer");
        }

        // Addresses and routes inside the container.
        IReadOnlyList<LinkAddress> addresses = podLinks.ListAddresses(container.Index);
        int containerPosition = prev.Interfaces.IndexOf(containerEntry);
        foreach (IpConfig ip in prev.Ips)
        {
            if (ip.Interface is int i && i != containerPosition)
            {
                continue;
            }

            if (!addresses.Any(a => a.Address.Equals(ip.Address.Address) && a.PrefixLength == ip.Address.PrefixLength))
            {
                throw Fail($"Failed to match addr {ip.Address} on interface {ifName}: the address from prevResult is missing in {netns}");
            }
        }

        IPAddress? v4Gateway = prev.Ips.Select(i => i.Gateway).FirstOrDefault(g => g?.AddressFamily == AddressFamily.InterNetwork);
        IPAddress? v6Gateway = prev.Ips.Select(i => i.Gateway).FirstOrDefault(g => g?.AddressFamily == AddressFamily.InterNetworkV6);
        foreach (CniRoute r in prev.Routes)
        {
            bool v4 = r.Destination.Address.AddressFamily == AddressFamily.InterNetwork;
            IPAddress? expectedGateway = r.Gateway ?? (v4 ? v4Gateway : v6Gateway);
            IPAddress destination = IPCidr.Mask(r.Destination.Address, r.Destination.PrefixLength);
            uint table = r.Table is int t ? (uint)t : RouteTable.Main;
            bool found = podLinks.ListRoutes(v4 ? NetlinkAddressFamily.Inet : NetlinkAddressFamily.Inet6, table).Any(k =>
                k.DestinationPrefixLength == r.Destination.PrefixLength
                && (k.Destination ?? (v4 ? IPAddress.Any : IPAddress.IPv6Any)).Equals(destination)
                && (expectedGateway is null || expectedGateway.Equals(k.Gateway)));
            if (!found)
            {
                throw Fail($"Expected route to {r.Destination} via {expectedGateway?.ToString() ?? "the link"} (from prevResult) not found in the routing table of {netns}");
            }
        }
    }

    private static void ExpectMac(string what, string? expected, Link link)
    {
        string? actual = BridgePlugin.Format(link.MacAddress);
        if (!string.IsNullOrEmpty(expected) && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail($"{what}: MAC {actual} does not match {expected} from prevResult");
        }
    }

    private static string Lower(bool value) => value ? "true" : "false";

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
