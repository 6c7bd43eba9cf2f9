using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>Each configuration key of the bridge, checked in the kernel (and beside the Go bridge where it knows the key).</summary>
public class BridgeKeyTests
{
    private static string Ours => RepoPaths.OurPlugin("bridge");

    private static JsonNode SlaveData(TestNamespace node, string port) =>
        BridgeNode.Link(node, port)!["linkinfo"]!["info_slave_data"]!;

    private static string HostVeth(string stdout) => CniResult.Parse(stdout, null).Interfaces[1].Name;

    [Fact]
    public void Mtu_is_set_on_the_bridge_and_both_ends_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("mtu");
        using var nodeGo = new BridgeNode("mtugo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: "\"isGateway\":true,\"mtu\":1400"));
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: "\"isGateway\":true,\"mtu\":1400"));
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, "1.0.0"), BridgeNode.Comparable(a1.Stdout, "1.0.0"));
        Assert.Equal(1400, (int)BridgeNode.Link(nodeOurs.Node, "cni0")!["mtu"]!);
        Assert.Equal(1400, (int)BridgeNode.Link(nodeOurs.Node, HostVeth(a1.Stdout))!["mtu"]!);
        Assert.Equal(1400, (int)BridgeNode.Link(podOurs, "eth0")!["mtu"]!);
        Assert.Equal((int)BridgeNode.Link(podGo, "eth0")!["mtu"]!, (int)BridgeNode.Link(podOurs, "eth0")!["mtu"]!);
    }

    [Fact]
    public void HairpinMode_sets_the_port_flag_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("hp");
        using var nodeGo = new BridgeNode("hpgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: "\"hairpinMode\":true"));
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: "\"hairpinMode\":true"));
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True((bool)SlaveData(nodeOurs.Node, HostVeth(a1.Stdout))["hairpin"]!);
        Assert.True((bool)SlaveData(nodeGo.Node, HostVeth(a2.Stdout))["hairpin"]!);
        Assert.False((bool)SlaveData(nodeOurs.Node, HostVeth(a1.Stdout))["isolated"]!);

        // Without the key the port is not in hairpin mode.
        TestNamespace pod2 = nodeOurs.Pod("b");
        ProcessResult b = nodeOurs.Run(ours, "ADD", pod2.Path, nodeOurs.Config(), containerId: "ctr2");
        Assert.True(b.ExitCode == 0, b.ToString());
        Assert.False((bool)SlaveData(nodeOurs.Node, HostVeth(b.Stdout))["hairpin"]!);
    }

    [Fact]
    public void PortIsolation_sets_the_isolated_port_flag()
    {
        Requires.Root();
        using var node = new BridgeNode("iso");
        TestNamespace pod = node.Pod();
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, node.Config(extra: "\"isGateway\":true,\"portIsolation\":true"));
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True((bool)SlaveData(node.Node, HostVeth(a.Stdout))["isolated"]!);
        Assert.False((bool)SlaveData(node.Node, HostVeth(a.Stdout))["hairpin"]!);

        // Isolated ports still reach the gateway (the bridge itself is not a port).
        Assert.True(BridgeNode.Ping(pod, "10.77.0.1"));
    }

    [Fact]
    public void PromiscMode_makes_the_bridge_promiscuous_and_check_verifies_it()
    {
        Requires.Root();
        using var node = new BridgeNode("prom");
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: "\"isGateway\":true,\"isDefaultGateway\":true,\"promiscMode\":true");
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, cfg);
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True((int)BridgeNode.Link(node.Node, "cni0")!["promiscuity"]! > 0);
        Assert.Equal(0, node.Run(Ours, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, a.Stdout)).ExitCode);

        node.Node.Ip("link", "set", "cni0", "promisc", "off");
        CniError e = PluginRunner.Error(node.Run(Ours, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, a.Stdout)));
        Assert.Contains("promisc", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void HairpinMode_with_promiscMode_is_refused_like_the_reference_and_creates_nothing()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("hpprom");
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: "\"hairpinMode\":true,\"promiscMode\":true");
        CniError e1 = PluginRunner.Error(node.Run(ours, "ADD", pod.Path, cfg));
        CniError e2 = PluginRunner.Error(node.Run(go, "ADD", pod.Path, cfg));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e1.Code);
        Assert.Contains("hairpin", e2.Message, StringComparison.Ordinal);
        Assert.Contains("hairpin", e1.Message, StringComparison.Ordinal);
        Assert.Empty(BridgeNode.LinkNames(node.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
    }

    public static TheoryData<string, string, string> MacSources => new()
    {
        // CNI_ARGS go to the IPAM plugin too, and host-local knows no MAC: runtimes always add IgnoreUnknown.
        { "IgnoreUnknown=1;MAC=02:00:00:00:00:01", "", "02:00:00:00:00:01" },
        { "IgnoreUnknown=1;K8S_POD_NAME=p;MAC=02:00:00:00:00:01", "", "02:00:00:00:00:01" },
        { "IgnoreUnknown=1;MAC=02:00:00:00:00:01", ",\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\"}}", "02:00:00:00:00:02" },
        { "IgnoreUnknown=1;MAC=02:00:00:00:00:01", ",\"args\":{\"cni\":{\"mac\":\"02:00:00:00:00:02\"}},\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\"}", "02:00:00:00:00:03" },
        { "", ",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\"}", "02:00:00:00:00:03" },
    };

    [Theory]
    [MemberData(nameof(MacSources))]
    public void Container_mac_comes_from_cni_args_then_args_then_runtimeConfig_like_the_reference(string cniArgs, string keys, string expected)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("mac");
        using var nodeGo = new BridgeNode("macgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: "\"isGateway\":true" + keys), cniArgs: cniArgs);
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: "\"isGateway\":true" + keys), cniArgs: cniArgs);
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(a2.ExitCode == 0, a2.ToString());
        Assert.Equal(expected, (string?)BridgeNode.Link(podOurs, "eth0")!["address"]);
        Assert.Equal(expected, (string?)BridgeNode.Link(podGo, "eth0")!["address"]);
        Assert.Equal(expected, CniResult.Parse(a1.Stdout, null).Interfaces[2].Mac);
    }

    [Theory]
    [InlineData("FOO=bar")]
    [InlineData("mac=02:00:00:00:00:01")]
    public void Unknown_cni_args_are_refused_unless_IgnoreUnknown_like_the_reference(string cniArgs)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("args");
        TestNamespace pod = node.Pod();
        ProcessResult r1 = node.Run(ours, "ADD", pod.Path, node.Config(), cniArgs: cniArgs);
        ProcessResult r2 = node.Run(go, "ADD", pod.Path, node.Config(), cniArgs: cniArgs);
        Assert.Equal(r2.ExitCode, r1.ExitCode);

        // The reference reports it as an untyped error (999); the key is an environment variable, so we say 4.
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, PluginRunner.Error(r1).Code);
        Assert.Contains(cniArgs.Split('=')[0], PluginRunner.Error(r1).Message, StringComparison.Ordinal);
        Assert.Empty(BridgeNode.LinkNames(pod));

        ProcessResult ok = node.Run(ours, "ADD", pod.Path, node.Config(), cniArgs: "IgnoreUnknown=1;" + cniArgs);
        Assert.True(ok.ExitCode == 0, ok.ToString());
    }

    [Fact]
    public void EnableDad_sets_the_dad_sysctls_and_waits_for_dad()
    {
        Requires.Root();
        using var node = new BridgeNode("dad");
        TestNamespace pod = node.Pod();
        string ranges = "[[{\"subnet\":\"10.77.0.0/24\"}],[{\"subnet\":\"fd77::/64\"}]]";
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, node.Config(extra: "\"isGateway\":true,\"enabledad\":true", ranges: ranges));
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Equal("1", BridgeNode.Sysctl(pod, "net/ipv6/conf/eth0/accept_dad"));
        Assert.Equal("1", BridgeNode.Sysctl(pod, "net/ipv6/conf/eth0/enhanced_dad"));
        Assert.Equal("1", BridgeNode.Sysctl(pod, "net/ipv4/conf/eth0/arp_notify"));

        // ADD returned only once DAD was done: the global address is no longer tentative.
        JsonNode v6 = JsonNode.Parse(pod.Ip("-j", "-6", "addr", "show", "dev", "eth0", "scope", "global"))![0]!["addr_info"]![0]!;
        Assert.Equal("fd77::2", (string?)v6["local"]);
        Assert.Null(v6["tentative"]);
    }

    [Fact]
    public void Without_isGateway_the_bridge_gets_no_address_and_forwarding_is_untouched()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("nogw");
        using var nodeGo = new BridgeNode("nogwgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: ""));
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: ""));
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, "1.0.0"), BridgeNode.Comparable(a1.Stdout, "1.0.0"));
        Assert.Empty(BridgeNode.Addresses(nodeOurs.Node, "cni0"));
        Assert.Equal("0", BridgeNode.Sysctl(nodeOurs.Node, "net/ipv4/ip_forward"));
        Assert.Equal(["10.77.0.2/24"], BridgeNode.Addresses(podOurs, "eth0"));
        Assert.DoesNotContain("default", podOurs.Ip("route", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public void IsDefaultGateway_does_not_duplicate_a_default_route_from_ipam_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("dgw");
        using var nodeGo = new BridgeNode("dgwgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        const string routes = "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.77.0.1\"},{\"dst\":\"10.200.0.0/16\",\"gw\":\"10.77.0.254\"}]";
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: "\"isDefaultGateway\":true", ipamExtra: routes));
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: "\"isDefaultGateway\":true", ipamExtra: routes));
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, "1.0.0"), BridgeNode.Comparable(a1.Stdout, "1.0.0"));
        Assert.Equal(2, CniResult.Parse(a1.Stdout, null).Routes.Count);
        Assert.Equal(podGo.Ip("route", "show"), podOurs.Ip("route", "show"));
        Assert.Contains("10.200.0.0/16 via 10.77.0.254 dev eth0", podOurs.Ip("route", "show"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_address_on_the_bridge_fails_and_rolls_back_unless_forceAddress()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("force");
        TestNamespace pod = node.Pod();
        node.Node.Ip("link", "add", "cni0", "type", "bridge");
        node.Node.Ip("addr", "add", "10.55.0.1/24", "dev", "cni0");

        // Fails after IPAM ran: the lease is released and the veth removed (nothing left behind).
        ProcessResult r1 = node.Run(ours, "ADD", pod.Path, node.Config());
        ProcessResult r2 = node.Run(go, "ADD", pod.Path, node.Config(), containerId: "ctrgo", ifName: "eth1");
        CniError e1 = PluginRunner.Error(r1);
        Assert.Equal(PluginRunner.Error(r2).Code, e1.Code);
        Assert.Contains("\"cni0\" already has an IP address different from 10.77.0.1/24", e1.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eth0", BridgeNode.LinkNames(pod));
        Assert.DoesNotContain(node.Leases(), l => l == "10.77.0.2");
        Assert.Equal(["10.55.0.1/24"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.Equal(1, BridgeNode.LinkNames(node.Node).Count(n => n.StartsWith("veth", StringComparison.Ordinal)));

        // With forceAddress the old address is replaced.
        ProcessResult ok = node.Run(ours, "ADD", pod.Path, node.Config(extra: "\"isGateway\":true,\"forceAddress\":true"));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal(["10.77.0.1/24"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.True(BridgeNode.Ping(pod, "10.77.0.1"));
    }

    [Fact]
    public void Dns_from_the_config_overrides_ipam_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("dns");
        using var nodeGo = new BridgeNode("dnsgo");
        string resolv = Path.Combine(nodeOurs.Root, "resolv.conf");
        File.WriteAllText(resolv, "nameserver 192.0.2.53\nsearch ipam.example\n");
        string keys = "\"isGateway\":true,\"dns\":{\"nameservers\":[\"198.51.100.1\"],\"search\":[\"conf.example\"],\"options\":[\"ndots:2\"]}";
        string ipamExtra = $"\"resolvConf\":\"{resolv}\"";
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", nodeOurs.Pod().Path, nodeOurs.Config(extra: keys, ipamExtra: ipamExtra));
        ProcessResult a2 = nodeGo.Run(go, "ADD", nodeGo.Pod().Path, nodeGo.Config(extra: keys, ipamExtra: ipamExtra));
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, "1.0.0"), BridgeNode.Comparable(a1.Stdout, "1.0.0"));
        DnsConfig dns = CniResult.Parse(a1.Stdout, null).Dns;
        Assert.Equal(["198.51.100.1"], dns.Nameservers);
        Assert.Equal(["conf.example"], dns.Search);

        // Without dns in the config, IPAM's stays.
        ProcessResult b = nodeOurs.Run(ours, "ADD", nodeOurs.Pod("b").Path, nodeOurs.Config(ipamExtra: ipamExtra), containerId: "ctr2");
        Assert.Equal(["192.0.2.53"], CniResult.Parse(b.Stdout, null).Dns.Nameservers);
    }

    [Fact]
    public void A_device_of_the_bridge_name_that_is_not_a_bridge_is_an_error_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("notbr");
        TestNamespace pod = node.Pod();
        node.Node.Ip("link", "add", "cni0", "type", "veth", "peer", "name", "cni0p");
        CniError e1 = PluginRunner.Error(node.Run(ours, "ADD", pod.Path, node.Config()));
        CniError e2 = PluginRunner.Error(node.Run(go, "ADD", pod.Path, node.Config()));
        Assert.Equal(e2.Code, e1.Code);
        Assert.Contains("already exists but is not a bridge", e1.Message, StringComparison.Ordinal);
        Assert.Equal(["cni0", "cni0p"], BridgeNode.LinkNames(node.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(node.Leases());
    }

    [Fact]
    public void An_existing_bridge_is_used_and_another_bridge_name_works()
    {
        Requires.Root();
        using var node = new BridgeNode("exist");
        node.Node.Ip("link", "add", "mybr0", "type", "bridge");
        TestNamespace pod = node.Pod();
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, node.Config(extra: "\"bridge\":\"mybr0\",\"isGateway\":true"));
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.Equal("mybr0", CniResult.Parse(a.Stdout, null).Interfaces[0].Name);
        Assert.Contains("UP", BridgeNode.Link(node.Node, "mybr0")!["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("mybr0", (string?)BridgeNode.Link(node.Node, HostVeth(a.Stdout))!["master"]);
        Assert.Null(BridgeNode.Link(node.Node, "cni0"));
        Assert.True(BridgeNode.Ping(pod, "10.77.0.1"));
    }

    [Theory]
    [InlineData("0.3.1")]
    [InlineData("1.0.0")]
    public void Without_ipam_type_the_network_is_layer_2_only_like_the_reference(string version)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("l2");
        using var nodeGo = new BridgeNode("l2go");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        string cfg = $"{{\"cniVersion\":\"{version}\",\"name\":\"l2\",\"type\":\"bridge\",\"ipam\":{{}}}}";
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, cfg);
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, cfg);
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.Equal(BridgeNode.Comparable(a2.Stdout, version), BridgeNode.Comparable(a1.Stdout, version));
        Assert.Empty(CniResult.Parse(a1.Stdout, null).Ips);
        Assert.Empty(BridgeNode.Addresses(podOurs, "eth0"));
        Assert.Contains("UP", BridgeNode.Link(podOurs, "eth0")!["flags"]!.AsArray().Select(f => (string?)f));
        Assert.Empty(BridgeNode.Addresses(nodeOurs.Node, "cni0"));
        Assert.Equal(0, nodeOurs.Run(ours, "DEL", podOurs.Path, cfg).ExitCode);
        Assert.Empty(BridgeNode.LinkNames(podOurs));
    }

    [Fact]
    public void Layer_2_in_a_0_2_0_config_fails_before_creating_anything()
    {
        Requires.Root();
        using var node = new BridgeNode("l2old");
        TestNamespace pod = node.Pod();
        CniError e = PluginRunner.Error(node.Run(Ours, "ADD", pod.Path, "{\"cniVersion\":\"0.2.0\",\"name\":\"l2\",\"type\":\"bridge\"}"));
        Assert.Contains("no valid IP addresses", e.Message, StringComparison.Ordinal);
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(BridgeNode.LinkNames(node.Node));
    }

    [Fact]
    public void DisableContainerInterface_leaves_the_container_end_down_and_refuses_ipam()
    {
        Requires.Root();
        using var node = new BridgeNode("dci");
        TestNamespace pod = node.Pod();
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, "{\"cniVersion\":\"1.0.0\",\"name\":\"l2\",\"type\":\"bridge\",\"disableContainerInterface\":true}");
        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.DoesNotContain("UP", BridgeNode.Link(pod, "eth0")!["flags"]!.AsArray().Select(f => (string?)f));

        CniError e = PluginRunner.Error(node.Run(Ours, "ADD", node.Pod("b").Path, node.Config(extra: "\"disableContainerInterface\":true"), containerId: "c2"));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("disableContainerInterface", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ipMasq")]
    [InlineData("macspoofchk")]
    public void IpMasq_and_macspoofchk_off_make_no_netfilter_object_and_del_with_them_on_still_succeeds(string key)
    {
        Requires.Root();
        using var node = new BridgeNode("nfoff");
        TestNamespace pod = node.Pod();

        // false is the default: no table at all in the node (the tests of the keys on are BridgeMasqueradeTests and BridgeSpoofCheckTests).
        ProcessResult add = node.Run(Ours, "ADD", pod.Path, node.Config(extra: $"\"isGateway\":true,\"{key}\":false"));
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal("", node.Node.Exec("nft", "list", "ruleset"));

        // A DEL whose configuration has the key on finds nothing of its own to remove, and that is success.
        Assert.Equal(0, node.Run(Ours, "DEL", pod.Path, node.Config(extra: $"\"{key}\":true")).ExitCode);
        Assert.Empty(node.Leases());
        Assert.Equal("", node.Node.Exec("nft", "list", "ruleset"));
        Assert.Empty(BridgeNode.LinkNames(pod));
    }

    [Theory]
    [InlineData("\"vlan\":-1")]
    [InlineData("\"vlan\":4095")]
    [InlineData("\"vlanTrunk\":[{\"id\":0}]")]
    [InlineData("\"vlanTrunk\":[{\"id\":4095}]")]
    [InlineData("\"vlanTrunk\":[{\"minID\":10,\"maxID\":5}]")]
    [InlineData("\"vlanTrunk\":[{\"minID\":0,\"maxID\":5}]")]
    [InlineData("\"vlanTrunk\":[{\"minID\":5,\"maxID\":4095}]")]
    [InlineData("\"vlanTrunk\":[{\"minID\":5}]")]
    [InlineData("\"vlanTrunk\":[{\"maxID\":5}]")]
    [InlineData("\"vlan\":10,\"vlanTrunk\":[{\"id\":20}]")]
    [InlineData("\"mtu\":-1")]
    [InlineData("\"bridge\":\"a/b\"")]
    public void Invalid_keys_are_refused_before_anything_is_made(string keys)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("inval");
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: keys);
        CniError e = PluginRunner.Error(node.Run(ours, "ADD", pod.Path, cfg));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Empty(BridgeNode.LinkNames(node.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(node.Leases());

        // The reference refuses a bad vlan too (as an untyped error, code 999); the Debian build (1.1.1)
        // predates vlanTrunk and ignores it, and it does not validate mtu or the bridge name itself.
        if (keys.StartsWith("\"vlan\"", StringComparison.Ordinal))
        {
            Assert.NotEqual(0, node.Run(go, "ADD", pod.Path, cfg).ExitCode);
        }
    }

    [Theory]
    [InlineData("\"vlan\":100")]
    [InlineData("\"vlan\":4094,\"preserveDefaultVlan\":false")]
    public void Vlan_config_does_what_the_reference_does_on_this_kernel(string keys)
    {
        Requires.Root();
        bool filtering = KernelProbes.BridgeVlanFiltering().Present;

        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("vlno");
        using var nodeGo = new BridgeNode("vlnogo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        ProcessResult r1 = nodeOurs.Run(ours, "ADD", podOurs.Path, nodeOurs.Config(extra: keys));
        ProcessResult r2 = nodeGo.Run(go, "ADD", podGo.Path, nodeGo.Config(extra: keys));
        if (filtering)
        {
            // A kernel with VLAN filtering: both succeed (the dump itself is checked by the test below).
            Assert.True(r1.ExitCode == 0, r1.ToString());
            Assert.True(r2.ExitCode == 0, r2.ToString());
            return;
        }

        // This machine's kernel: both refuse with the same code, and ours leaves nothing behind.
        CniError e1 = PluginRunner.Error(r1);
        CniError e2 = PluginRunner.Error(r2);
        Assert.Equal(e2.Code, e1.Code);
        Assert.Contains("not supported", e1.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(BridgeNode.LinkNames(nodeOurs.Node));
        Assert.Empty(BridgeNode.LinkNames(podOurs));
        Assert.Empty(nodeOurs.Leases());
    }

    public static TheoryData<string, int[], int?> VlanCases => new()
    {
        { "\"vlan\":100,\"preserveDefaultVlan\":false", [100], 100 },
        { "\"vlan\":100", [1, 100], 100 },
        { "\"vlanTrunk\":[{\"id\":101},{\"minID\":200,\"maxID\":202}],\"preserveDefaultVlan\":false", [101, 200, 201, 202], null },
    };

    [Theory]
    [MemberData(nameof(VlanCases))]
    public void Vlans_are_set_on_the_port_as_the_kernel_dump_shows(string keys, int[] vids, int? pvid)
    {
        Requires.Root();
        Requires.KernelFeature("bridge VLAN filtering", KernelProbes.BridgeVlanFiltering);

        using var node = new BridgeNode("vlan");
        TestNamespace pod = node.Pod();
        ProcessResult a = node.Run(Ours, "ADD", pod.Path, node.Config(extra: keys));
        Assert.True(a.ExitCode == 0, a.ToString());
        string port = HostVeth(a.Stdout);
        JsonArray dump = JsonNode.Parse(node.Node.Exec("bridge", "-j", "vlan", "show", "dev", port))!.AsArray();
        JsonArray entries = dump[0]!["vlans"]!.AsArray();
        int[] actual = [.. entries.SelectMany(v => Enumerable.Range((int)v!["vlan"]!, ((int?)v["vlanEnd"] ?? (int)v["vlan"]!) - (int)v["vlan"]! + 1)).Order()];
        Assert.Equal(vids, actual);
        if (pvid is int p)
        {
            JsonNode entry = entries.First(v => (int)v!["vlan"]! == p)!;
            Assert.Contains("PVID", entry["flags"]!.AsArray().Select(f => (string?)f));
            Assert.Contains("Egress Untagged", entry["flags"]!.AsArray().Select(f => (string?)f));
        }
    }
}
