using System.Text.Json;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Runtime.Tests;

/// <summary>
/// The runtime driving real plugins in fresh namespaces: the Go reference plugins (spec up to 1.0.0) for 0.3.1,
/// 0.4.0 and 1.0.0 lists, ours for 1.1.0 (with GC and STATUS), a chain mixing both, a rolled-back ADD, and 50
/// pods added at once. Pods get addresses and reach each other; nothing is left after DEL.
/// </summary>
public class RealPluginTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public async Task Go_bridge_host_local_and_tuning_add_check_and_delete(string version)
    {
        using var node = new RuntimeNode("go" + version.Replace(".", "", StringComparison.Ordinal));
        node.Go("bridge", "host-local", "tuning");
        CniRuntime rt = node.Runtime();
        CniNetwork net = RuntimeNode.List(version, "gonet", node.Bridge(), """{"type":"tuning","mtu":1400}""");
        TestNamespace pod1 = node.Pod("a");
        TestNamespace pod2 = node.Pod("b");

        await AddTwoPodsThatReachEachOther(rt, net, pod1, pod2, CniVersion.Parse(version));
        Assert.Contains("mtu 1400", pod1.Ip("link", "show", "eth0"), StringComparison.Ordinal);
        Assert.Equal(2, node.Leases("gonet").Length);

        if (CniVersion.Parse(version) >= CniVersion.V0_4_0)
        {
            await rt.CheckNetworkListAsync(net, RuntimeNode.Attach(pod1, "ctr-a"), Ct);
            await rt.CheckNetworkListAsync(net, RuntimeNode.Attach(pod2, "ctr-b"), Ct);
        }

        await DeleteTwoPodsAndAssertNothingLeft(node, rt, net, pod1, pod2);
    }

    [Fact]
    public async Task Go_portmap_gets_its_port_mappings_from_the_capability_arguments()
    {
        using var node = new RuntimeNode("pm");
        node.Go("bridge", "host-local", "portmap");
        CniRuntime rt = node.Runtime();
        CniNetwork net = RuntimeNode.List("1.0.0", "pmnet", node.Bridge(), """{"type":"portmap","capabilities":{"portMappings":true}}""");
        TestNamespace pod = node.Pod("pm");
        var attach = new AttachmentParameters
        {
            ContainerId = "ctr-pm",
            NetNs = pod.Path,
            IfName = "eth0",
            CapabilityArgs = new Dictionary<string, JsonElement> { ["portMappings"] = JsonDocument.Parse("""[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]""").RootElement },
        };
        await rt.AddNetworkListAsync(net, attach, Ct);
        string rules = node.Node.Exec("iptables-save", "-t", "nat") + node.Node.Exec("nft", "list", "ruleset");
        Assert.Contains("18080", rules, StringComparison.Ordinal);
        await rt.DeleteNetworkListAsync(net, attach, Ct);
        string after = node.Node.Exec("iptables-save", "-t", "nat") + node.Node.Exec("nft", "list", "ruleset");
        Assert.DoesNotContain("18080", after, StringComparison.Ordinal);
        Assert.Empty(node.Leases("pmnet"));
    }

    [Fact]
    public async Task Go_loopback_from_a_single_conf_file()
    {
        using var node = new RuntimeNode("lo");
        node.Go("loopback");
        using var dir = new TempDir("loconf");
        dir.Write("99-loopback.conf", """{"cniVersion":"1.0.0","name":"lo","type":"loopback"}""");
        CniNetwork net = CniConfigLoader.LoadNetwork(dir.Path, "lo");
        CniRuntime rt = node.Runtime();
        TestNamespace pod = node.Pod("lo");
        await rt.AddNetworkListAsync(net, new AttachmentParameters { ContainerId = "ctr-lo", NetNs = pod.Path, IfName = "lo" }, Ct);
        Assert.Contains("UP", pod.Ip("link", "show", "lo"), StringComparison.Ordinal);
        await rt.CheckNetworkListAsync(net, new AttachmentParameters { ContainerId = "ctr-lo", NetNs = pod.Path, IfName = "lo" }, Ct);
        await rt.DeleteNetworkListAsync(net, new AttachmentParameters { ContainerId = "ctr-lo", NetNs = pod.Path, IfName = "lo" }, Ct);
    }

    [Fact]
    public async Task Our_plugins_at_1_1_0_add_check_status_gc_and_delete()
    {
        using var node = new RuntimeNode("ours");
        node.Ours("bridge", "host-local");
        CniRuntime rt = node.Runtime();
        CniNetwork net = RuntimeNode.List("1.1.0", "ournet", node.Bridge("10.89.0.0/24", "cnirt1"));
        TestNamespace pod1 = node.Pod("a");
        TestNamespace pod2 = node.Pod("b");

        await rt.GetStatusAsync(net, Ct);
        (CniResult r1, CniResult r2) = await AddTwoPodsThatReachEachOther(rt, net, pod1, pod2, CniVersion.V1_1_0);
        await rt.CheckNetworkListAsync(net, RuntimeNode.Attach(pod1, "ctr-a"), Ct);

        // The runtime forgets pod2 (its cache entry goes): GC with the cache as the valid set releases pod2's lease only.
        string lease2 = r2.Ips.Single().Address.Address.ToString();
        Assert.Contains(lease2, node.Leases("ournet"));
        rt.Cache.Delete("ournet", "ctr-b", "eth0");
        await rt.GarbageCollectAsync(net, null, Ct);
        Assert.Equal([r1.Ips.Single().Address.Address.ToString()], node.Leases("ournet"));

        await DeleteTwoPodsAndAssertNothingLeft(node, rt, net, pod1, pod2);
    }

    [Fact]
    public async Task A_chain_of_our_1_1_0_bridge_and_go_tuning_runs_each_at_its_version()
    {
        using var node = new RuntimeNode("mixed");
        node.Ours("bridge", "host-local");
        node.Go("tuning");
        CniRuntime rt = node.Runtime();
        CniNetwork net = CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"cniVersion":"1.1.0","cniVersions":["1.0.0","1.1.0"],"name":"mixnet","plugins":[{{node.Bridge("10.90.0.0/24", "cnirt2")}},{"type":"tuning","mtu":1300}]}"""));
        TestNamespace pod = node.Pod("mix");
        CniResult result = await rt.AddNetworkListAsync(net, RuntimeNode.Attach(pod, "ctr-mix"), Ct);
        Assert.Equal(CniVersion.V1_1_0, result.CniVersion);
        Assert.Equal([result.Ips.Single().Address.ToString()], RuntimeNode.PodAddresses(pod));
        Assert.Contains("mtu 1300", pod.Ip("link", "show", "eth0"), StringComparison.Ordinal);
        Assert.Contains(result.Interfaces, i => i.Name == "eth0" && i.Sandbox == pod.Path);
        await rt.CheckNetworkListAsync(net, RuntimeNode.Attach(pod, "ctr-mix"), Ct);
        await rt.DeleteNetworkListAsync(net, RuntimeNode.Attach(pod, "ctr-mix"), Ct);
        Assert.Empty(node.Leases("mixnet"));
        Assert.Empty(node.NodeVeths());
    }

    [Fact]
    public async Task An_add_failing_at_the_third_plugin_leaves_no_veth_and_no_lease()
    {
        using var node = new RuntimeNode("rb");
        node.Go("bridge", "host-local", "tuning");
        node.Script("refuse", """
            if [ "$CNI_COMMAND" = VERSION ]; then echo '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"]}'; exit 0; fi
            cat > /dev/null
            if [ "$CNI_COMMAND" = ADD ]; then printf '{"code":7,"msg":"refused by test"}'; exit 1; fi
            exit 0
            """);
        CniRuntime rt = node.Runtime();
        CniNetwork net = RuntimeNode.List("1.0.0", "rbnet", node.Bridge("10.91.0.0/24", "cnirt3"), """{"type":"tuning"}""", """{"type":"refuse"}""");
        TestNamespace pod = node.Pod("rb");
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => rt.AddNetworkListAsync(net, RuntimeNode.Attach(pod, "ctr-rb"), Ct));
        Assert.Equal("refuse", e.PluginType);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Empty(node.Leases("rbnet"));
        Assert.Empty(node.NodeVeths());
        Assert.DoesNotContain("eth0", pod.Ip("-o", "link", "show"), StringComparison.Ordinal);
        Assert.Empty(rt.Cache.List());
    }

    [Fact]
    public async Task Fifty_concurrent_adds_of_different_pods_through_one_runtime()
    {
        using var node = new RuntimeNode("fifty");
        node.Go("bridge", "host-local");
        CniRuntime rt = node.Runtime();
        CniNetwork net = RuntimeNode.List("1.0.0", "fiftynet", node.Bridge("10.92.0.0/24", "cnirt4"));
        TestNamespace[] pods = Enumerable.Range(0, 50).Select(i => node.Pod("f" + i)).ToArray();

        CniResult[] results = await Task.WhenAll(pods.Select((pod, i) => rt.AddNetworkListAsync(net, RuntimeNode.Attach(pod, $"ctr-{i}"), Ct)));
        Assert.Equal(50, results.Select(r => r.Ips.Single().Address.ToString()).Distinct().Count());
        for (int i = 0; i < 50; i++)
        {
            CachedAttachment entry = rt.Cache.Read("fiftynet", $"ctr-{i}", "eth0")!;
            Assert.Equal(pods[i].Path, entry.NetNs);
            string address = entry.Result!.Ips.Single().Address.ToString();
            Assert.Equal(results[i].Ips.Single().Address.ToString(), address);
            Assert.Equal([address], RuntimeNode.PodAddresses(pods[i]));
        }

        Assert.Equal(50, node.Leases("fiftynet").Length);
        await Task.WhenAll(pods.Select((pod, i) => rt.DeleteNetworkListAsync(net, RuntimeNode.Attach(pod, $"ctr-{i}"), Ct)));
        Assert.Empty(node.Leases("fiftynet"));
        Assert.Empty(node.NodeVeths());
        Assert.Empty(rt.Cache.List());
    }

    /// <summary>Adds <paramref name="pod1"/> as ctr-a and <paramref name="pod2"/> as ctr-b: results in <paramref name="version"/>, each pod holds its address, and pod1 reaches pod2.</summary>
    private static async Task<(CniResult A, CniResult B)> AddTwoPodsThatReachEachOther(CniRuntime rt, CniNetwork net, TestNamespace pod1, TestNamespace pod2, CniVersion version)
    {
        CniResult r1 = await rt.AddNetworkListAsync(net, RuntimeNode.Attach(pod1, "ctr-a"), Ct);
        CniResult r2 = await rt.AddNetworkListAsync(net, RuntimeNode.Attach(pod2, "ctr-b"), Ct);
        Assert.Equal(version, r1.CniVersion);
        Assert.Equal(version, r2.CniVersion);
        Assert.Equal([r1.Ips.Single().Address.ToString()], RuntimeNode.PodAddresses(pod1));
        Assert.Equal([r2.Ips.Single().Address.ToString()], RuntimeNode.PodAddresses(pod2));
        pod1.Exec("ping", "-c", "1", "-W", "5", r2.Ips.Single().Address.Address.ToString());
        return (r1, r2);
    }

    /// <summary>Deletes ctr-a and ctr-b, and ctr-b once more (DEL is idempotent); then the network leaves no lease, no veth and no cache entry.</summary>
    private static async Task DeleteTwoPodsAndAssertNothingLeft(RuntimeNode node, CniRuntime rt, CniNetwork net, TestNamespace pod1, TestNamespace pod2)
    {
        await rt.DeleteNetworkListAsync(net, RuntimeNode.Attach(pod1, "ctr-a"), Ct);
        await rt.DeleteNetworkListAsync(net, RuntimeNode.Attach(pod2, "ctr-b"), Ct);
        await rt.DeleteNetworkListAsync(net, RuntimeNode.Attach(pod2, "ctr-b"), Ct);
        Assert.Empty(node.Leases(net.Name));
        Assert.Empty(node.NodeVeths());
        Assert.Empty(rt.Cache.List());
    }
}
