using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Mixed chains both ways (our bridge with the Go host-local, the Go bridge with our host-local, the Go
/// portmap and tuning chained after our bridge), STATUS and GC delegation, and concurrent ADDs.
/// </summary>
public class BridgeChainTests
{
    [Fact]
    public void Our_bridge_delegates_to_the_reference_host_local()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("oursgo", Requires.ReferencePlugin("host-local"));
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true");
        ProcessResult a = node.Run(ours, "ADD", pod.Path, cfg);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Equal(["10.77.0.2"], node.Leases());
        Assert.Equal($"ctr1\r\neth0", File.ReadAllText(Path.Combine(node.DataDir, "brtest", "10.77.0.2")));
        Assert.Equal(0, node.Run(ours, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, a.Stdout)).ExitCode);
        Assert.Equal(0, node.Run(ours, "DEL", pod.Path, cfg).ExitCode);
        Assert.Empty(node.Leases());
    }

    [Fact]
    public void The_reference_bridge_delegates_to_our_host_local()
    {
        Requires.Root();
        string go = Requires.ReferencePlugin("bridge");
        using var node = new BridgeNode("goours", RepoPaths.OurPlugin("host-local"));
        TestNamespace pod1 = node.Pod("a"), pod2 = node.Pod("b");
        string cfg = node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true", ranges: "[[{\"subnet\":\"10.77.0.0/24\"}],[{\"subnet\":\"fd77::/64\"}]]");
        ProcessResult a1 = node.Run(go, "ADD", pod1.Path, cfg, containerId: "one");
        ProcessResult a2 = node.Run(go, "ADD", pod2.Path, cfg, containerId: "two");
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(a2.ExitCode == 0, a2.ToString());
        Assert.Equal(["10.77.0.2", "10.77.0.3", "fd77::2", "fd77::3"], node.Leases());
        Assert.Equal(["10.77.0.2/24", "fd77::2/64"], BridgeNode.Addresses(pod1, "eth0"));
        Assert.True(BridgeNode.Ping(pod1, "10.77.0.3"));
        Assert.Equal(0, node.Run(go, "CHECK", pod1.Path, BridgeNode.WithPrevResult(cfg, a1.Stdout), containerId: "one").ExitCode);
        Assert.Equal(0, node.Run(go, "DEL", pod1.Path, cfg, containerId: "one").ExitCode);
        Assert.Equal(["10.77.0.3", "fd77::3"], node.Leases());
    }

    [Fact]
    public void Reference_portmap_chained_after_our_bridge_consumes_our_prevResult()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        string portmap = Requires.ReferencePlugin("portmap");
        using var node = new BridgeNode("portmap");
        TestNamespace pod = node.Pod();
        ProcessResult a = node.Run(ours, "ADD", pod.Path, node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true"));
        Assert.True(a.ExitCode == 0, a.ToString());

        string pm = "{\"cniVersion\":\"1.0.0\",\"name\":\"brtest\",\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},"
            + "\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"}]},\"prevResult\":" + a.Stdout + "}";
        ProcessResult p = node.Run(portmap, "ADD", pod.Path, pm);
        Assert.True(p.ExitCode == 0, p.ToString());

        // portmap passes our result on and has written its DNAT for the pod's address in the node's namespace.
        Assert.Equal(BridgeNode.Comparable(a.Stdout, "1.0.0"), BridgeNode.Comparable(p.Stdout, "1.0.0"));
        string nat = node.Node.Exec("iptables", "-t", "nat", "-S");
        Assert.Contains("--dport 18080", nat, StringComparison.Ordinal);
        Assert.Contains("10.77.0.2:80", nat, StringComparison.Ordinal);

        // (No portmap CHECK: the Debian portmap 1.1.1 looks for its IPv4 rules in the IPv6 table and fails
        // whatever plugin came before it.)
        Assert.Equal(0, node.Run(portmap, "DEL", pod.Path, pm).ExitCode);
        Assert.DoesNotContain("--dport 18080", node.Node.Exec("iptables", "-t", "nat", "-S"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_tuning_chained_after_our_bridge_consumes_our_prevResult()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        string tuning = Requires.ReferencePlugin("tuning");
        using var node = new BridgeNode("tuning");
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true");
        ProcessResult a = node.Run(ours, "ADD", pod.Path, cfg);
        Assert.True(a.ExitCode == 0, a.ToString());

        string tu = "{\"cniVersion\":\"1.0.0\",\"name\":\"brtest\",\"type\":\"tuning\",\"mtu\":1280,\"promisc\":true,"
            + "\"sysctl\":{\"net.ipv4.conf.eth0.rp_filter\":\"2\"},\"prevResult\":" + a.Stdout + "}";
        ProcessResult t = node.Run(tuning, "ADD", pod.Path, tu);
        Assert.True(t.ExitCode == 0, t.ToString());
        Assert.Equal(BridgeNode.Comparable(a.Stdout, "1.0.0"), BridgeNode.Comparable(t.Stdout, "1.0.0"));
        JsonNode eth0 = BridgeNode.Link(pod, "eth0")!;
        Assert.Equal(1280, (int)eth0["mtu"]!);
        Assert.True((int)eth0["promiscuity"]! > 0);
        Assert.Equal("2", BridgeNode.Sysctl(pod, "net/ipv4/conf/eth0/rp_filter"));

        // Our CHECK tolerates what a later plugin changed, as the spec asks, and still sees our work.
        Assert.Equal(0, node.Run(ours, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, t.Stdout)).ExitCode);
        Assert.Equal(0, node.Run(tuning, "DEL", pod.Path, tu).ExitCode);
        Assert.Equal(0, node.Run(ours, "DEL", pod.Path, cfg).ExitCode);
        Assert.Empty(BridgeNode.LinkNames(pod));
    }

    [Fact]
    public void Status_and_gc_are_delegated_to_the_ipam_plugin()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("status");
        string log = Path.Combine(node.Root, "calls");
        string fake = Path.Combine(node.PluginPath, "fake-ipam");
        File.WriteAllText(fake, $"#!/bin/sh\ncat >/dev/null\necho \"$CNI_COMMAND\" >> {log}\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0b111_101_101);
        const string cfg = "{\"cniVersion\":\"1.1.0\",\"name\":\"brtest\",\"type\":\"bridge\",\"ipam\":{\"type\":\"fake-ipam\"}";

        ProcessResult s = node.Run(ours, "STATUS", null, cfg + "}");
        Assert.True(s.ExitCode == 0, s.ToString());
        ProcessResult g = node.Run(ours, "GC", null, cfg + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]}");
        Assert.True(g.ExitCode == 0, g.ToString());
        Assert.Equal(["STATUS", "GC"], File.ReadAllLines(log));

        // An IPAM plugin that reports itself unavailable makes STATUS fail with its code.
        File.WriteAllText(fake, "#!/bin/sh\ncat >/dev/null\necho '{\"cniVersion\":\"1.1.0\",\"code\":50,\"msg\":\"pool not ready\"}'\nexit 1\n");
        CniError e = PluginRunner.Error(node.Run(ours, "STATUS", null, cfg + "}"));
        Assert.Equal(CniErrorCode.PluginNotAvailable, e.Code);

        // Without IPAM there is nothing to ask.
        Assert.Equal(0, node.Run(ours, "STATUS", null, "{\"cniVersion\":\"1.1.0\",\"name\":\"brtest\",\"type\":\"bridge\"}").ExitCode);
    }

    [Fact]
    public void Twenty_concurrent_adds_on_one_bridge_get_distinct_addresses()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("conc");
        TestNamespace[] pods = [.. Enumerable.Range(0, 20).Select(i => node.Pod("c" + i))];
        string cfg = node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true");
        ProcessResult[] results = new ProcessResult[pods.Length];
        Parallel.For(0, pods.Length, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
            results[i] = node.Run(ours, "ADD", pods[i].Path, cfg, containerId: "pod" + i));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        string[] addresses = [.. results.Select(r => CniResult.Parse(r.Stdout, null).Ips[0].Address.ToString())];
        Assert.Equal(20, addresses.Distinct().Count());
        Assert.Equal(20, node.Leases().Length);
        Assert.Equal(["10.77.0.1/24"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.Equal(21, BridgeNode.LinkNames(node.Node).Length);
        Assert.True(BridgeNode.Ping(pods[0], addresses[19].Split('/')[0]));
    }
}
