using System.Text.Json.Nodes;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Bridge GC (spec 1.1.0; the reference has none), black-box with the published binaries in namespaces:
/// ADD marks each host veth with its attachment (the link's alias); GC removes our marked veths, and the
/// masquerade and spoof-check rules, of every attachment not in <c>cni.dev/valid-attachments</c>, then
/// delegates to host-local; links it did not make — unmarked, another format's mark, another network's —
/// survive.
/// </summary>
public sealed class BridgeGcTests
{
    private const string Extra = "\"isGateway\":true,\"ipMasq\":true,\"macspoofchk\":true";

    private static string Gc(string config, params string[] validIds) =>
        config[..config.LastIndexOf('}')] + ",\"cni.dev/valid-attachments\":["
        + string.Join(",", validIds.Select(id => $"{{\"containerID\":\"{id}\",\"ifname\":\"eth0\"}}")) + "]}";

    private static string HostVeth(string addStdout) => (string)JsonNode.Parse(addStdout)!["interfaces"]![1]!["name"]!;

    private static string? Alias(TestNamespace ns, string link) => (string?)BridgeNode.Link(ns, link)?["ifalias"];

    [Fact]
    public void Gc_removes_the_veths_rules_and_leases_of_invalid_attachments_and_nothing_else()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("gc", RepoPaths.OurPlugin("host-local"));
        string config = node.Config(version: "1.1.0", extra: Extra);
        TestNamespace podA = node.Pod("a"), podB = node.Pod("b"), podC = node.Pod("c");
        ProcessResult a = node.Run(bridge, "ADD", podA.Path, config, "ctr-a");
        ProcessResult b = node.Run(bridge, "ADD", podB.Path, config, "ctr-b");
        ProcessResult c = node.Run(bridge, "ADD", podC.Path, config, "ctr-c");
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0 && c.ExitCode == 0, $"{a}\n{b}\n{c}");
        string vethA = HostVeth(a.Stdout), vethB = HostVeth(b.Stdout);

        // The mark: tag, H(network), ifname, container id.
        Assert.Equal($"cni-bridge1 {MasqNode.Hash("brtest")} eth0 ctr-a", Alias(node.Node, vethA));

        // Links on the same bridge that are not ours: no alias, another format's mark, our format for another network.
        node.Node.Ip("link", "add", "vforeign0", "type", "veth", "peer", "name", "vforeign0p");
        node.Node.Ip("link", "add", "vforeign1", "type", "veth", "peer", "name", "vforeign1p");
        node.Node.Ip("link", "add", "vforeign2", "type", "veth", "peer", "name", "vforeign2p");
        node.Node.Ip("link", "set", "vforeign1", "alias", "cni-bridge0 ctr-b eth0");
        node.Node.Ip("link", "set", "vforeign2", "alias", $"cni-bridge1 {MasqNode.Hash("other-net")} eth0 ctr-b");
        foreach (string foreign in new[] { "vforeign0", "vforeign1", "vforeign2" })
        {
            node.Node.Ip("link", "set", foreign, "master", "cni0");
        }

        // C's sandbox goes without a DEL: its veth goes with it, its rules and lease stay behind.
        podC.Dispose();
        Assert.Contains("macspoofchk-ctr-c-eth0", MasqNode.BridgeNatText(node.Node), StringComparison.Ordinal);

        ProcessResult gc = node.Run(bridge, "GC", null, Gc(config, "ctr-a"));
        Assert.True(gc.ExitCode == 0, gc.ToString());

        // B and C are gone entirely: veth, rules, lease.
        Assert.Null(BridgeNode.Link(node.Node, vethB));
        Assert.Equal(["lo"], [.. BridgeNode.Links(podB).Select(l => (string)l!["ifname"]!)]);
        MasqNode.AssertNoRulesOf(node.Node, "brtest", "ctr-b");
        MasqNode.AssertNoRulesOf(node.Node, "brtest", "ctr-c");
        Assert.Single(node.Leases());

        // A, and every link that is not ours, stay as they were.
        Assert.Equal("cni0", (string?)BridgeNode.Link(node.Node, vethA)?["master"]);
        Assert.Contains(MasqNode.MasqComment("brtest", "eth0", "ctr-a"), MasqNode.MasqComments(node.Node));
        Assert.Contains("macspoofchk-ctr-a-eth0", MasqNode.BridgeNatText(node.Node), StringComparison.Ordinal);
        foreach (string foreign in new[] { "vforeign0", "vforeign1", "vforeign2" })
        {
            Assert.Equal("cni0", (string?)BridgeNode.Link(node.Node, foreign)?["master"]);
        }

        Assert.Equal(0, node.Run(bridge, "CHECK", podA.Path, BridgeNode.WithPrevResult(config, a.Stdout), "ctr-a").ExitCode);

        // Nothing valid: A goes too; the foreign links still stay.
        gc = node.Run(bridge, "GC", null, Gc(config));
        Assert.True(gc.ExitCode == 0, gc.ToString());
        ChaosKit.AssertClean(node, podA, "after GC with no valid attachment", "brtest", "vforeign0", "vforeign0p", "vforeign1", "vforeign1p", "vforeign2", "vforeign2p");

        // DEL after GC is still fine (idempotent).
        Assert.Equal(0, node.Run(bridge, "DEL", podA.Path, config, "ctr-a").ExitCode);
    }

    [Fact]
    public void Gc_of_one_network_leaves_another_networks_attachments_on_the_same_bridge()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("gcnet", RepoPaths.OurPlugin("host-local"));
        string one = node.Config(version: "1.1.0", extra: Extra, name: "net-one");
        string two = node.Config(version: "1.1.0", extra: Extra, name: "net-two", ranges: "[[{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.100\"}]]");
        TestNamespace p1 = node.Pod("one"), p2 = node.Pod("two");
        ProcessResult r1 = node.Run(bridge, "ADD", p1.Path, one, "ctr-1");
        ProcessResult r2 = node.Run(bridge, "ADD", p2.Path, two, "ctr-2");
        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0, $"{r1}\n{r2}");

        Assert.Equal(0, node.Run(bridge, "GC", null, Gc(one)).ExitCode);
        Assert.Null(BridgeNode.Link(node.Node, HostVeth(r1.Stdout)));
        Assert.Empty(node.Leases("net-one"));
        Assert.NotNull(BridgeNode.Link(node.Node, HostVeth(r2.Stdout)));
        Assert.Single(node.Leases("net-two"));
        Assert.Contains(MasqNode.MasqComment("net-two", "eth0", "ctr-2"), MasqNode.MasqComments(node.Node));
        Assert.Contains("macspoofchk-ctr-2-eth0", MasqNode.BridgeNatText(node.Node), StringComparison.Ordinal);
        Assert.Equal(0, node.Run(bridge, "DEL", p2.Path, two, "ctr-2").ExitCode);
    }

    [Fact]
    public void A_container_id_too_long_for_the_alias_gets_the_short_mark_and_gc_still_removes_it()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("gclong", RepoPaths.OurPlugin("host-local"));
        string config = node.Config(version: "1.1.0", extra: "\"isGateway\":true,\"ipMasq\":true");
        string id = new('x', 240);
        TestNamespace pod = node.Pod();
        ProcessResult add = node.Run(bridge, "ADD", pod.Path, config, id);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal($"cni-bridge1 {MasqNode.InstancePrefix("brtest", "eth0", id)}", Alias(node.Node, HostVeth(add.Stdout)));
        Assert.Equal(0, node.Run(bridge, "GC", null, Gc(config)).ExitCode);
        ChaosKit.AssertClean(node, pod, "after GC");
    }
}
