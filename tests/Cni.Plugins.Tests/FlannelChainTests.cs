using System.Text;
using System.Text.Json.Nodes;
using Cni.Plugins.Bridge;
using Cni.Plugins.Flannel;
using Cni.Plugins.HostLocal;
using Cni.Skel;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The published flannel in real chains, in a fresh node namespace with a pod namespace: our flannel ->
/// our bridge -> our host-local, and our flannel -> the Go bridge -> the Go host-local; every version;
/// kernel state asserted; migration both ways through the saved file; a crash between saving and the
/// delegate's ADD; FLANNEL_IPMASQ=false.
/// </summary>
public class FlannelChainTests
{
    public static TheoryData<string, bool> Chains()
    {
        var data = new TheoryData<string, bool>();
        foreach (CniVersion v in CniVersion.All)
        {
            data.Add(v.ToString(), false);
            if (v <= CniVersion.V1_0_0)
            {
                data.Add(v.ToString(), true); // the Go bridge supports up to 1.0.0
            }
        }

        return data;
    }

    /// <summary>A node whose CNI_PATH has flannel (ours) and the chosen bridge and host-local.</summary>
    private static BridgeNode Node(string tag, bool go)
    {
        var node = new BridgeNode(tag, go ? Requires.ReferencePlugin("host-local") : RepoPaths.OurPlugin("host-local"));
        File.CreateSymbolicLink(Path.Combine(node.PluginPath, "bridge"), go ? Requires.ReferencePlugin("bridge") : RepoPaths.OurPlugin("bridge"));
        return node;
    }

    private static string Config(FlannelKit kit, BridgeNode node, string version = "1.0.0") =>
        kit.Config(version, $"\"ipam\":{{\"dataDir\":\"{node.DataDir}\"}}");

    /// <summary>The saved file for <see cref="Config"/> and the default subnet.env, written by hand as the Go plugin writes it.</summary>
    private static string GoSavedFile(BridgeNode node, string version = "1.0.0") =>
        $"{{\"cniVersion\":\"{version}\",\"ipMasq\":false,\"ipam\":{{\"dataDir\":\"{node.DataDir}\",\"ranges\":[[{{\"subnet\":\"10.244.1.0/24\"}}]],\"routes\":[{{\"dst\":\"10.244.0.0/16\"}}],\"type\":\"host-local\"}},\"isGateway\":true,\"mtu\":1450,\"name\":\"cbr0\",\"type\":\"bridge\"}}";

    private static JsonArray Routes(TestNamespace ns, string family = "-4") => JsonNode.Parse(ns.Ip(family, "-j", "route", "show"))!.AsArray();

    private static void AssertClean(BridgeNode node, TestNamespace pod, FlannelKit kit, string containerId = "ctr1")
    {
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.All(BridgeNode.LinkNames(node.Node), name => Assert.Equal("cni0", name));
        Assert.Empty(node.Leases("cbr0"));
        Assert.False(File.Exists(kit.Saved(containerId)));
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void ADD_CHECK_DEL_through_the_chain(string version, bool go)
    {
        Requires.Root();
        string flannel = RepoPaths.OurPlugin("flannel");
        using BridgeNode node = Node("fl" + (go ? "g" : "o") + version.Replace(".", "", StringComparison.Ordinal), go);
        using var kit = new FlannelKit();
        TestNamespace pod = node.Pod();
        string cfg = Config(kit, node, version);

        ProcessResult add = node.Run(flannel, "ADD", pod.Path, cfg);
        CniResult result = PluginRunner.Result(add, CniVersion.Parse(version));
        Assert.Equal(version, result.CniVersion.ToString());
        Assert.Equal("10.244.1.2/24", Assert.Single(result.Ips).Address.ToString());
        Assert.Equal(["10.244.1.2/24"], BridgeNode.Addresses(pod, "eth0"));
        Assert.Equal(["10.244.1.1/24"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.Contains(Routes(pod), r => (string?)r!["dst"] == "10.244.0.0/16" && (string?)r["gateway"] == "10.244.1.1" && (string?)r["dev"] == "eth0");
        Assert.Equal(["10.244.1.2"], node.Leases("cbr0"));
        Assert.Equal(GoSavedFile(node, version), File.ReadAllText(kit.Saved()));
        Assert.True(BridgeNode.Ping(pod, "10.244.1.1"));

        if (CniVersion.Parse(version) >= CniVersion.V0_4_0)
        {
            ProcessResult check = node.Run(flannel, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, add.Stdout));
            if (go)
            {
                // Our CHECK reaches the delegate (the Go flannel's CHECK is a no-op), and the Go bridge's CHECK
                // rejects its own result: the cluster route has no gw (it was installed via the gateway).
                Assert.Contains("Expected Route {Dst:{IP:10.244.0.0 Mask:ffff0000} GW:<nil>} not found in routing table", PluginRunner.Error(check).Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(check.ExitCode == 0, check.ToString());
            }
        }

        if (CniVersion.Parse(version) >= CniVersion.V1_1_0)
        {
            ProcessResult status = node.Run(flannel, "STATUS", null, cfg);
            Assert.True(status.ExitCode == 0, status.ToString());
            File.WriteAllText(kit.Saved("stale"), GoSavedFile(node, version));
            string gc = cfg[..^1] + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"ctr1\",\"ifname\":\"eth0\"}]}";
            ProcessResult collected = node.Run(flannel, "GC", null, gc);
            Assert.True(collected.ExitCode == 0, collected.ToString());
            Assert.False(File.Exists(kit.Saved("stale")));
            Assert.True(File.Exists(kit.Saved()));
            Assert.Equal(["10.244.1.2"], node.Leases("cbr0"));
        }

        ProcessResult del = node.Run(flannel, "DEL", pod.Path, cfg);
        Assert.True(del.ExitCode == 0, del.ToString());
        AssertClean(node, pod, kit);
        Assert.Equal(0, node.Run(flannel, "DEL", pod.Path, cfg).ExitCode);
    }

    [Fact]
    public void Dual_stack_gives_the_pod_both_addresses_and_both_routes()
    {
        Requires.Root();
        string flannel = RepoPaths.OurPlugin("flannel");
        using BridgeNode node = Node("fldual", go: false);
        using var kit = new FlannelKit(
            "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPV6_NETWORK=fd00:10:244::/56\nFLANNEL_IPV6_SUBNET=fd00:10:244:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        TestNamespace pod = node.Pod();
        string cfg = Config(kit, node);
        ProcessResult add = node.Run(flannel, "ADD", pod.Path, cfg);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(["10.244.1.2/24", "fd00:10:244:1::2/64"], BridgeNode.Addresses(pod, "eth0"));
        Assert.Contains(Routes(pod), r => (string?)r!["dst"] == "10.244.0.0/16" && (string?)r["gateway"] == "10.244.1.1");
        Assert.Contains(Routes(pod, "-6"), r => (string?)r!["dst"] == "fd00:10:244::/56" && (string?)r["gateway"] == "fd00:10:244:1::1");
        Assert.Equal(0, node.Run(flannel, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, add.Stdout)).ExitCode);
        Assert.Equal(0, node.Run(flannel, "DEL", pod.Path, cfg).ExitCode);
        AssertClean(node, pod, kit);
    }

    [Fact]
    public void Our_DEL_undoes_an_ADD_the_go_flannel_made()
    {
        // What the Go plugin's ADD does: save the rendered file, then run the bridge with those bytes.
        Requires.Root();
        using BridgeNode node = Node("flmigin", go: true);
        using var kit = new FlannelKit();
        TestNamespace pod = node.Pod();
        Directory.CreateDirectory(kit.DataDir);
        File.WriteAllText(kit.Saved(), GoSavedFile(node));
        ProcessResult goAdd = node.Run(Requires.ReferencePlugin("bridge"), "ADD", pod.Path, GoSavedFile(node));
        Assert.True(goAdd.ExitCode == 0, goAdd.ToString());
        Assert.Equal(["10.244.1.2"], node.Leases("cbr0"));

        ProcessResult del = node.Run(RepoPaths.OurPlugin("flannel"), "DEL", pod.Path, Config(kit, node));
        Assert.True(del.ExitCode == 0, del.ToString());
        AssertClean(node, pod, kit);
    }

    [Fact]
    public void The_go_flannels_DEL_undoes_our_ADD_from_our_saved_file()
    {
        // What the Go plugin's DEL does: read the saved file and run its type's DEL with those bytes.
        Requires.Root();
        using BridgeNode node = Node("flmigout", go: true);
        using var kit = new FlannelKit();
        TestNamespace pod = node.Pod();
        ProcessResult add = node.Run(RepoPaths.OurPlugin("flannel"), "ADD", pod.Path, Config(kit, node));
        Assert.True(add.ExitCode == 0, add.ToString());
        byte[] saved = File.ReadAllBytes(kit.Saved());
        Assert.Equal(GoSavedFile(node), Encoding.UTF8.GetString(saved));

        ProcessResult goDel = node.Run(Requires.ReferencePlugin("bridge"), "DEL", pod.Path, Encoding.UTF8.GetString(saved));
        Assert.True(goDel.ExitCode == 0, goDel.ToString());
        File.Delete(kit.Saved());
        AssertClean(node, pod, kit);
    }

    [Fact]
    public void DEL_after_a_crash_between_saving_and_the_delegates_ADD_leaves_nothing()
    {
        Requires.Root();
        using BridgeNode node = Node("flcrash", go: false);
        using var kit = new FlannelKit();
        TestNamespace pod = node.Pod();
        Directory.CreateDirectory(kit.DataDir);
        File.WriteAllText(kit.Saved(), GoSavedFile(node));
        File.WriteAllText(Path.Combine(kit.DataDir, ".tmp-ctr1-0123456789abcdef"), "{\"cniVer"); // a torn temporary file
        ProcessResult del = node.Run(RepoPaths.OurPlugin("flannel"), "DEL", pod.Path, Config(kit, node));
        Assert.True(del.ExitCode == 0, del.ToString());
        AssertClean(node, pod, kit);
    }

    [Fact]
    public void FLANNEL_IPMASQ_false_asks_our_bridge_for_ipMasq_which_masquerades_the_pod()
    {
        Requires.Root();
        using BridgeNode node = Node("flmasq", go: false);
        using var kit = new FlannelKit(FlannelKit.DefaultEnv.Replace("FLANNEL_IPMASQ=true", "FLANNEL_IPMASQ=false", StringComparison.Ordinal));
        TestNamespace pod = node.Pod();
        string cfg = Config(kit, node);
        ProcessResult add = node.Run(RepoPaths.OurPlugin("flannel"), "ADD", pod.Path, cfg);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("\"ipMasq\":true", File.ReadAllText(kit.Saved()), StringComparison.Ordinal);

        // The bridge made the masquerade rule of the pod's address on the network flannel named (cbr0).
        string comment = MasqNode.MasqComment("cbr0", "eth0", "ctr1");
        Assert.Equal([comment], MasqNode.MasqComments(node.Node));
        Assert.Contains($"ip saddr 10.244.1.2 ip daddr != 10.244.1.0/24 masquerade comment \"{comment}\"", MasqNode.MasqTableText(node.Node), StringComparison.Ordinal);
        Assert.Equal(0, node.Run(RepoPaths.OurPlugin("flannel"), "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, add.Stdout)).ExitCode);

        ProcessResult del = node.Run(RepoPaths.OurPlugin("flannel"), "DEL", pod.Path, cfg);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Empty(MasqNode.MasqComments(node.Node));
        AssertClean(node, pod, kit);
    }

    [Fact]
    public void The_whole_chain_runs_in_process_through_the_delegation_seam()
    {
        Requires.Root();
        using var node = new BridgeNode("flinproc");
        using var kit = new FlannelKit();
        TestNamespace pod = node.Pod();
        var executor = new InProcessPluginExecutor(new Dictionary<string, ICniPlugin>
        {
            ["bridge"] = new BridgePlugin(),
            ["host-local"] = new HostLocalPlugin(),
        });
        string cfg = Config(kit, node);
        PluginRun add = PluginHarness.RunInProcess(new FlannelPlugin(), PluginRunner.Env("ADD", pod.Path), cfg, node.Node, executor);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(["10.244.1.2/24"], BridgeNode.Addresses(pod, "eth0"));
        PluginRun check = PluginHarness.RunInProcess(new FlannelPlugin(), PluginRunner.Env("CHECK", pod.Path), BridgeNode.WithPrevResult(cfg, add.Stdout), node.Node, executor);
        Assert.True(check.ExitCode == 0, check.ToString());
        PluginRun del = PluginHarness.RunInProcess(new FlannelPlugin(), PluginRunner.Env("DEL", pod.Path), cfg, node.Node, executor);
        Assert.True(del.ExitCode == 0, del.ToString());
        AssertClean(node, pod, kit);
        Assert.Equal(
            [("bridge", "ADD"), ("host-local", "ADD"), ("bridge", "CHECK"), ("host-local", "CHECK"), ("bridge", "DEL"), ("host-local", "DEL")],
            executor.Calls);
    }
}
