using Cni.Netlink;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>CHECK: the bridge, the veth pair, MACs, promiscuous mode, addresses and routes against <c>prevResult</c>; returns the host end.</summary>
internal static class BridgeCheck
{
    public static Link Run(RtnlSocket node, NetworkNamespace pod, RtnlSocket podLinks, CniResult prev, BridgeConfig config, string ifName)
    {
        string netns = pod.Path;
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
            throw Fail($"bridge {config.BridgeName}: promiscMode is {(config.PromiscMode ? "true" : "false")} in the configuration but the bridge's promiscuous mode is {(bridge.IsPromiscuous ? "on" : "off")}");
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
        (CniInterface Entry, Link? Link) host = prev.Interfaces
            .Where(e => e != bridgeEntry && e != containerEntry && e.Sandbox is not { Length: > 0 })
            .Select(e => (Entry: e, Link: node.TryGetLink(e.Name)))
            .FirstOrDefault(h => h.Link is { Kind: "veth" } l && l.ParentIndex == container.Index && container.ParentIndex == l.Index && l.MasterIndex == bridge.Index);
        if (host.Link is null)
        {
            throw Fail($"CNI veth created for bridge {config.BridgeName} was not found: no reported veth is attached to it with {ifName} in {netns} as its peer");
        }

        ExpectMac($"host veth {host.Entry.Name}", host.Entry.Mac, host.Link);

        // Addresses and routes inside the container.
        PodInterface.Verify(pod, podLinks, container, prev);
        return host.Link;
    }

    private static void ExpectMac(string what, string? expected, Link link)
    {
        string? actual = MacText.Format(link.MacAddress);
        if (!string.IsNullOrEmpty(expected) && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw Fail($"{what}: MAC {actual} does not match {expected} from prevResult");
        }
    }

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
