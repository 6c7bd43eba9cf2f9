using System.Text.Json.Nodes;
using Cni.Plugins.Bridge;
using Cni.Plugins.HostLocal;
using Cni.Skel;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The bridge plugin in-process (its library's <see cref="BridgePlugin"/> through the dispatcher) on a
/// thread inside a test-made node namespace, attaching test-made pod namespaces: with host-local as our
/// published binary (the process executor), as an in-process plugin object, and as a fake that fails.
/// The kernel is checked with <c>ip</c>, outside the plugin.
/// </summary>
public sealed class BridgeInProcessTests
{
    private const string Gateway = "\"isGateway\":true,\"isDefaultGateway\":true";

    private static ProcessResult Bridge(BridgeNode node, string command, TestNamespace pod, string config, IPluginExecutor? executor = null) =>
        PluginHarness.RunInProcess(new BridgePlugin(), PluginRunner.Env(command, pod.Path, cniPath: node.PluginPath), config, node.Node, executor).AsProcessResult();

    /// <summary>ADD, CHECK and DEL, asserting what each left in the kernel and in host-local's data directory.</summary>
    private static void AddCheckDel(BridgeNode node, IPluginExecutor? executor)
    {
        TestNamespace pod = node.Pod();
        string config = node.Config(extra: Gateway);
        ProcessResult add = Bridge(node, "ADD", pod, config, executor);
        CniResult result = PluginRunner.Result(add, CniVersion.V1_0_0);

        // The pod: eth0 with the leased address and a default route via the bridge's address.
        Assert.Equal(["10.77.0.2/24"], BridgeNode.Addresses(pod, "eth0"));
        Assert.Contains("UP", BridgeNode.Link(pod, "eth0")!["flags"]!.AsArray().Select(f => (string?)f));
        JsonArray routes = JsonNode.Parse(pod.Ip("-j", "route", "show"))!.AsArray();
        Assert.Contains(routes, r => (string?)r!["dst"] == "default" && (string?)r["gateway"] == "10.77.0.1" && (string?)r["dev"] == "eth0");
        Assert.Contains(routes, r => (string?)r!["dst"] == "10.77.0.0/24" && (string?)r["dev"] == "eth0");

        // The node: the bridge with the gateway address, and the host end of the veth as its port.
        string hostVeth = result.Interfaces[1].Name;
        Assert.Equal(["cni0", hostVeth], BridgeNode.LinkNames(node.Node));
        Assert.Equal("cni0", (string?)BridgeNode.Link(node.Node, hostVeth)!["master"]);
        Assert.Equal(["10.77.0.1/24"], BridgeNode.Addresses(node.Node, "cni0"));
        Assert.Equal("1", BridgeNode.Sysctl(node.Node, "net/ipv4/ip_forward"));

        // host-local's lease.
        Assert.Equal(["10.77.0.2"], node.Leases());
        Assert.Equal("ctr1\r\neth0", File.ReadAllText(Path.Combine(node.DataDir, "brtest", "10.77.0.2")));
        Assert.True(BridgeNode.Ping(pod, "10.77.0.1"), "the pod reaches its gateway");

        ProcessResult check = Bridge(node, "CHECK", pod, BridgeNode.WithPrevResult(config, add.Stdout), executor);
        Assert.True(check.ExitCode == 0, check.ToString());

        ProcessResult del = Bridge(node, "DEL", pod, config, executor);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));
        Assert.Empty(node.Leases());

        // DEL again: everything is already gone, and that is success.
        Assert.Equal(0, Bridge(node, "DEL", pod, config, executor).ExitCode);
    }

    [Fact]
    public void Add_check_del_with_our_published_host_local_run_as_a_process()
    {
        Requires.Root();
        using var node = new BridgeNode("ipproc", RepoPaths.OurPlugin("host-local"));
        AddCheckDel(node, executor: null);
    }

    [Fact]
    public void Add_check_del_with_host_local_run_in_process_too()
    {
        Requires.Root();

        // CNI_PATH holds only a link to the Go host-local: the executor's record of the calls shows that
        // the delegate ran in-process instead.
        using var node = new BridgeNode("ipinproc");
        var executor = new InProcessPluginExecutor(new Dictionary<string, ICniPlugin> { ["host-local"] = new HostLocalPlugin() });
        AddCheckDel(node, executor);
        Assert.Equal(
            [("host-local", "ADD"), ("host-local", "CHECK"), ("host-local", "DEL"), ("host-local", "DEL")],
            executor.Calls);
    }

    [Fact]
    public void Ipam_failure_is_reported_with_its_code_and_leaves_no_veth()
    {
        Requires.Root();
        using var node = new BridgeNode("ipfail");
        TestNamespace pod = node.Pod();
        var executor = new FakePluginExecutor { Respond = _ => FakePluginExecutor.Failure(CniErrorCode.TryAgainLater, "no IP addresses available in range set: 10.77.0.1-10.77.0.254") };
        string config = node.Config(extra: Gateway);
        CniError e = PluginRunner.Error(Bridge(node, "ADD", pod, config, executor));
        Assert.Equal((CniErrorCode)11, e.Code);
        Assert.Contains("no IP addresses available", e.Message, StringComparison.Ordinal);

        // The delegate was asked once, with the bridge's own configuration; nothing was allocated, so no DEL.
        FakeExecution call = Assert.Single(executor.Calls);
        Assert.Equal(("/fake/host-local", "ADD", config), (call.Path, call.Command, call.StdinText));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));
    }

    [Fact]
    public void A_result_without_addresses_rolls_back_the_lease_and_the_veth()
    {
        Requires.Root();
        using var node = new BridgeNode("ipempty");
        TestNamespace pod = node.Pod();
        var executor = new FakePluginExecutor
        {
            Respond = c => FakePluginExecutor.Success(c.Command == "ADD" ? """{"cniVersion":"1.0.0","ips":[]}""" : ""),
        };
        string config = node.Config(extra: Gateway);
        CniError e = PluginRunner.Error(Bridge(node, "ADD", pod, config, executor));
        Assert.Equal(CniErrorCode.Internal, e.Code);

        // The delegate returned success, so the rollback gave its allocation back: ADD, then DEL of the same request.
        Assert.Equal(["ADD", "DEL"], executor.Calls.Select(c => c.Command));
        Assert.All(executor.Calls, c => Assert.Equal(config, c.StdinText));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));
    }
}
