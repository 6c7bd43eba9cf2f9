using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The bridge's <c>macspoofchk</c>, ours and the Go bridge's: a pod that changes its MAC loses its
/// traffic to the gateway and gets it back with its own MAC; a pod without the key keeps talking with
/// any MAC; the rules are the reference's (REFERENCE.md 8.2) and DEL removes them, also those the Go
/// bridge made.
/// </summary>
public class BridgeSpoofCheckTests
{
    private const string Spoof = "\"macspoofchk\":true";

    /// <summary>Sets a pod's MAC and forgets the neighbours on both sides, so the next packet is resolved afresh from that MAC.</summary>
    private static void SetMac(MasqNode world, TestNamespace pod, string mac)
    {
        pod.Ip("link", "set", "dev", "eth0", "address", mac);
        pod.Ip("neigh", "flush", "dev", "eth0");
        world.Node.Ip("neigh", "flush", "dev", "cni0");
    }

    [Theory]
    [InlineData("ours")]
    [InlineData("go")]
    public void A_pod_that_changes_its_mac_loses_its_traffic_until_it_restores_it(string impl)
    {
        Requires.Root();
        string plugin = impl == "ours" ? RepoPaths.OurPlugin("bridge") : Requires.ReferencePlugin("bridge");
        using var world = new MasqNode("spoof" + impl[0]);
        TestNamespace checkedPod = world.Pod("a"), freePod = world.Pod("b");
        string spoofCfg = world.Bridge.Config(extra: "\"isGateway\":true," + Spoof);
        string plainCfg = world.Bridge.Config(extra: "\"isGateway\":true");
        ProcessResult a = world.Run(plugin, "ADD", checkedPod.Path, spoofCfg, containerId: "spoofa");
        ProcessResult b = world.Run(plugin, "ADD", freePod.Path, plainCfg, containerId: "plainb");
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True(b.ExitCode == 0, b.ToString());
        CniResult result = CniResult.Parse(a.Stdout, null);
        string hostVeth = result.Interfaces[1].Name, mac = result.Interfaces[2].Mac!;

        // The reference's objects: PREROUTING (priority -300, which nft calls dstnat in the bridge family) jumps for the port to the attachment's chain, which lets its MAC through and drops the rest.
        (string comment, string ifaceChain, string macChain) = MasqNode.SpoofNames("spoofa", "eth0");
        string table = MasqNode.BridgeNatText(world.Node);
        Assert.Contains("type filter hook prerouting priority dstnat; policy accept;", table, StringComparison.Ordinal);
        Assert.Contains($"iifname \"{hostVeth}\" jump {ifaceChain} comment \"{comment}\"", table, StringComparison.Ordinal);
        Assert.Contains($"jump {macChain} comment \"{comment}\"", table, StringComparison.Ordinal);
        Assert.Contains($"ether saddr {mac} return comment \"{comment}\"", table, StringComparison.Ordinal);
        Assert.Contains($"drop comment \"{comment}\"", table, StringComparison.Ordinal);
        Assert.DoesNotContain("plainb", table, StringComparison.Ordinal);

        Assert.True(MasqNode.Ping(checkedPod, "10.77.0.1"), "the checked pod reaches the gateway with its own MAC");
        Assert.True(MasqNode.Ping(freePod, "10.77.0.1"), "the other pod reaches the gateway");

        // A new MAC: the checked pod is cut off, the other is not.
        SetMac(world, checkedPod, "02:00:00:00:be:ef");
        SetMac(world, freePod, "02:00:00:00:be:f0");
        Assert.False(MasqNode.Ping(checkedPod, "10.77.0.1", attempts: 2), "a pod with a changed MAC still reaches the gateway");
        Assert.False(MasqNode.Ping(checkedPod, "10.77.0.3", attempts: 1), "a pod with a changed MAC still reaches its neighbour");
        Assert.True(MasqNode.Ping(freePod, "10.77.0.1"), "without macspoofchk a changed MAC is fine");

        // Its own MAC again: back.
        SetMac(world, checkedPod, mac);
        Assert.True(MasqNode.Ping(checkedPod, "10.77.0.1"), "the restored MAC reaches the gateway again");

        // DEL removes the attachment's rules and chains; the table and base chain stay for others.
        ProcessResult del = world.Run(plugin, "DEL", checkedPod.Path, spoofCfg, containerId: "spoofa");
        Assert.True(del.ExitCode == 0, del.ToString());
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "spoofa");
        Assert.Equal(0, world.Run(plugin, "DEL", freePod.Path, plainCfg, containerId: "plainb").ExitCode);
    }

    [Fact]
    public void Our_del_removes_the_spoof_check_the_Go_bridge_made()
    {
        Requires.Root();
        using var world = new MasqNode("spoofgo");
        TestNamespace pod = world.Pod();
        string cfg = world.Bridge.Config(extra: "\"isGateway\":true," + Spoof);
        ProcessResult a = world.Run(Requires.ReferencePlugin("bridge"), "ADD", pod.Path, cfg, containerId: "fromgo");
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Contains(MasqNode.SpoofNames("fromgo", "eth0").MacChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);

        ProcessResult del = world.Run(RepoPaths.OurPlugin("bridge"), "DEL", pod.Path, cfg, containerId: "fromgo");
        Assert.True(del.ExitCode == 0, del.ToString());
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "fromgo");
        Assert.DoesNotContain("fromgo", MasqNode.NftRuleset(world.Node), StringComparison.Ordinal);
    }
}
