using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Our NativeAOT bridge beside the Go reference bridge, each running inside its own fresh "node"
/// namespace with host-local (the Go binary unless a test says otherwise) and pods of its own,
/// in every version; the kernel's state is read back with <c>ip -j</c> and checked with pings.
/// </summary>
public class BridgeTests
{
    /// <summary>The versions the Debian Go bridge (1.1.1) supports.</summary>
    public static TheoryData<string> GoVersions => new("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0");

    private const string GatewayKeys = "\"isGateway\":true,\"isDefaultGateway\":true";

    private static string Ranges(string version) => CniVersion.Parse(version) >= CniVersion.V0_3_0
        ? "[[{\"subnet\":\"10.77.0.0/24\"}],[{\"subnet\":\"fd77::/64\"}]]"
        : "[[{\"subnet\":\"10.77.0.0/24\"}]]";

    [Theory]
    [MemberData(nameof(GoVersions))]
    public void Add_check_del_match_the_reference(string version)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("ours");
        using var nodeGo = new BridgeNode("go");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        string cfgOurs = nodeOurs.Config(version, GatewayKeys, Ranges(version));
        string cfgGo = nodeGo.Config(version, GatewayKeys, Ranges(version));

        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, cfgOurs);
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, cfgGo);
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(a2.ExitCode == 0, a2.ToString());
        Assert.Equal(version, CniResult.Parse(a1.Stdout, null).CniVersion.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, version), BridgeNode.Comparable(a1.Stdout, version));

        // The kernel: the bridge with the gateway, the port, the pod's address and routes; both sides alike.
        AssertWired(nodeOurs, podOurs, a1.Stdout, version);
        Assert.Equal(BridgeNode.Addresses(podGo, "eth0"), BridgeNode.Addresses(podOurs, "eth0"));
        Assert.Equal(BridgeNode.Addresses(nodeGo.Node, "cni0"), BridgeNode.Addresses(nodeOurs.Node, "cni0"));
        Assert.Equal(podGo.Ip("route", "show"), podOurs.Ip("route", "show"));
        Assert.Equal(podGo.Ip("-6", "route", "show"), podOurs.Ip("-6", "route", "show"));
        Assert.True(BridgeNode.Ping(podOurs, "10.77.0.1"), "pod to gateway");

        if (CniVersion.Parse(version) >= CniVersion.V0_4_0)
        {
            ProcessResult c1 = nodeOurs.Run(ours, "CHECK", podOurs.Path, BridgeNode.WithPrevResult(cfgOurs, a1.Stdout));
            ProcessResult c2 = nodeGo.Run(go, "CHECK", podGo.Path, BridgeNode.WithPrevResult(cfgGo, a2.Stdout));
            Assert.True(c1.ExitCode == 0, c1.ToString());
            Assert.True(c2.ExitCode == 0, c2.ToString());
        }

        ProcessResult d1 = nodeOurs.Run(ours, "DEL", podOurs.Path, cfgOurs);
        ProcessResult d2 = nodeGo.Run(go, "DEL", podGo.Path, cfgGo);
        Assert.True(d1.ExitCode == 0, d1.ToString());
        Assert.Equal(d2.ExitCode, d1.ExitCode);
        Assert.Equal("", d1.Stdout);
        Assert.Empty(BridgeNode.LinkNames(podOurs));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(nodeOurs.Node));
        Assert.Empty(nodeOurs.Leases());
        Assert.Equal(BridgeNode.LinkNames(nodeGo.Node), BridgeNode.LinkNames(nodeOurs.Node));

        // DEL is idempotent.
        Assert.Equal(0, nodeOurs.Run(ours, "DEL", podOurs.Path, cfgOurs).ExitCode);
    }

    [Fact]
    public void Version_1_1_0_add_check_del()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("v11");
        TestNamespace pod = node.Pod();

        // The Go host-local supports 1.0.0 at most: this IPAM call goes through a 1.0.0 copy of the config.
        string cfg = node.Config("1.1.0", GatewayKeys, Ranges("1.1.0"));
        string shim = Path.Combine(node.PluginPath, "host-local-1.0");
        File.WriteAllText(shim, $"#!/bin/sh\nsed 's/\"cniVersion\":\"1.1.0\"/\"cniVersion\":\"1.0.0\"/' | {Requires.ReferencePluginDir}/host-local | sed 's/\"cniVersion\": \"1.0.0\"/\"cniVersion\": \"1.1.0\"/'\n");
        File.SetUnixFileMode(shim, (UnixFileMode)0b111_101_101);
        cfg = cfg.Replace("\"type\":\"host-local\"", "\"type\":\"host-local-1.0\"", StringComparison.Ordinal);

        ProcessResult a = node.Run(ours, "ADD", pod.Path, cfg);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Equal("1.1.0", CniResult.Parse(a.Stdout, null).CniVersion.ToString());
        AssertWired(node, pod, a.Stdout, "1.1.0");
        Assert.Equal(0, node.Run(ours, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, a.Stdout)).ExitCode);
        Assert.Equal(0, node.Run(ours, "DEL", pod.Path, cfg).ExitCode);
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(node.Leases());
    }

    [Fact]
    public void Two_pods_reach_each_other_and_the_gateway_over_both_families()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("2pod");
        TestNamespace pod1 = node.Pod("a"), pod2 = node.Pod("b");
        string cfg = node.Config("1.0.0", GatewayKeys, Ranges("1.0.0"));
        ProcessResult a1 = node.Run(ours, "ADD", pod1.Path, cfg, containerId: "pod1");
        ProcessResult a2 = node.Run(ours, "ADD", pod2.Path, cfg, containerId: "pod2");
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(a2.ExitCode == 0, a2.ToString());
        Assert.Equal(["10.77.0.2/24", "fd77::2/64"], BridgeNode.Addresses(pod1, "eth0"));
        Assert.Equal(["10.77.0.3/24", "fd77::3/64"], BridgeNode.Addresses(pod2, "eth0"));
        Assert.Equal(["10.77.0.1/24", "fd77::1/64"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.True(BridgeNode.Ping(pod1, "10.77.0.3"), "pod1 -> pod2 over IPv4");
        Assert.True(BridgeNode.Ping(pod2, "10.77.0.2"), "pod2 -> pod1 over IPv4");
        Assert.True(BridgeNode.Ping(pod1, "fd77::3"), "pod1 -> pod2 over IPv6");
        Assert.True(BridgeNode.Ping(pod1, "10.77.0.1"), "pod1 -> gateway");
        Assert.True(BridgeNode.Ping(pod2, "fd77::1"), "pod2 -> IPv6 gateway");

        // IPv6 in the pod: enabled on lo and the interface, addresses kept on down, no DAD by default.
        Assert.Equal("0", BridgeNode.Sysctl(pod1, "net/ipv6/conf/eth0/disable_ipv6"));
        Assert.Equal("0", BridgeNode.Sysctl(pod1, "net/ipv6/conf/lo/disable_ipv6"));
        Assert.Equal("1", BridgeNode.Sysctl(pod1, "net/ipv6/conf/eth0/keep_addr_on_down"));
        Assert.Equal("0", BridgeNode.Sysctl(pod1, "net/ipv6/conf/eth0/accept_dad"));
        Assert.Equal("1", BridgeNode.Sysctl(pod1, "net/ipv4/conf/eth0/arp_notify"));

        // The node: forwarding on for both families (in the node namespace only), no RAs on the bridge.
        Assert.Equal("1", BridgeNode.Sysctl(node.Node, "net/ipv4/ip_forward"));
        Assert.Equal("1", BridgeNode.Sysctl(node.Node, "net/ipv6/conf/all/forwarding"));
        Assert.Equal("0", BridgeNode.Sysctl(node.Node, "net/ipv6/conf/cni0/accept_ra"));
    }

    /// <summary>What a successful ADD must have done, read from the kernel.</summary>
    internal static void AssertWired(BridgeNode node, TestNamespace pod, string stdout, string version)
    {
        JsonNode bridge = BridgeNode.Link(node.Node, "cni0") ?? throw new Xunit.Sdk.XunitException("no cni0 in the node namespace");
        Assert.Equal("bridge", (string?)bridge["linkinfo"]!["info_kind"]);
        Assert.Contains("UP", bridge["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Contains("10.77.0.1/24", BridgeNode.Addresses(node.Node, "cni0"));
        JsonNode eth0 = BridgeNode.Link(pod, "eth0") ?? throw new Xunit.Sdk.XunitException("no eth0 in the pod namespace");
        Assert.Equal("veth", (string?)eth0["linkinfo"]!["info_kind"]);
        Assert.Contains("10.77.0.2/24", BridgeNode.Addresses(pod, "eth0"));
        Assert.Contains("default via 10.77.0.1 dev eth0", pod.Ip("route", "show"), StringComparison.Ordinal);

        // The host end: a port of cni0, up, peer of the pod's eth0.
        string[] hostVeths = [.. BridgeNode.LinkNames(node.Node).Where(n => n != "cni0")];
        string host = Assert.Single(hostVeths);
        JsonNode port = BridgeNode.Link(node.Node, host)!;
        Assert.Equal("cni0", (string?)port["master"]);
        Assert.Equal("UP", (string?)port["operstate"]);
        Assert.Equal((int)eth0["ifindex"]!, (int)port["link_index"]!);

        if (CniVersion.Parse(version) >= CniVersion.V0_3_0)
        {
            CniResult r = CniResult.Parse(stdout, null);
            Assert.Equal(["cni0", host, "eth0"], r.Interfaces.Select(i => i.Name));
            Assert.Equal(pod.Path, r.Interfaces[2].Sandbox);
            Assert.Equal((string?)eth0["address"], r.Interfaces[2].Mac);
            Assert.Equal((string?)port["address"], r.Interfaces[1].Mac);
            Assert.Equal((string?)BridgeNode.Link(node.Node, "cni0")!["address"], r.Interfaces[0].Mac);
            Assert.All(r.Ips, ip => Assert.Equal(2, ip.Interface));
        }
    }
}
