using Cni.Spec;
using Cni.Testing;

namespace StaticRoutes.Tests;

/// <summary>
/// static-routes as a runtime chains it, tested the two ways Cni.Testing offers: the plugin class in this
/// process through the real dispatcher, and the published NativeAOT binary as a child process (its path in
/// STATIC_ROUTES_PLUGIN; eng/sample-from-packages.sh publishes it and sets it). Each test makes a node and a
/// pod namespace joined by a veth pair, as the main plugin before this one would leave them, and reads the
/// pod's routes back from the kernel. Run as root; the namespaces are removed also when a test fails.
/// </summary>
public sealed class StaticRoutesPluginTests
{
    private const string Routes = """[{"dst":"10.99.0.0/16","gw":"10.22.0.1"},{"dst":"10.98.1.0/24"}]""";

    public static TheoryData<bool> BothWays => [false, true];

    /// <summary>Runs the plugin in-process or as the published binary.</summary>
    private static PluginRun Run(bool binary, string command, string? netns, string config)
    {
        Dictionary<string, string?> env = PluginHarness.Environment(command, netns);
        return binary
            ? PluginHarness.RunBinary(PublishedPlugin(), env, config)
            : PluginHarness.RunInProcess(new StaticRoutesPlugin(), env, config);
    }

    private static string PublishedPlugin()
    {
        string? path = Environment.GetEnvironmentVariable("STATIC_ROUTES_PLUGIN");
        Assert.True(path is { Length: > 0 } && File.Exists(path),
            $"STATIC_ROUTES_PLUGIN ({path ?? "unset"}) must name the published static-routes binary: run eng/sample-from-packages.sh, which publishes it and runs these tests");
        return path!;
    }

    /// <summary>The node and the pod, eth0 (10.22.0.5/24) in the pod and its peer (10.22.0.1/24) on the node, both up.</summary>
    private static NodeAndPod Attached(string tag)
    {
        NodeAndPod pair = NodeAndPod.Create(tag);
        try
        {
            pair.Node.Ip("link", "add", "veth-pod", "type", "veth", "peer", "name", "eth0", "netns", pair.Pod.Name);
            pair.Node.Ip("addr", "add", "10.22.0.1/24", "dev", "veth-pod");
            pair.Node.Ip("link", "set", "veth-pod", "up");
            pair.Pod.Ip("addr", "add", "10.22.0.5/24", "dev", "eth0");
            pair.Pod.Ip("link", "set", "eth0", "up");
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>The main plugin's result: eth0 in the pod with its address.</summary>
    private static string MainResult(TestNamespace pod) =>
        $$"""{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","sandbox":"{{pod.Path}}"}],"ips":[{"address":"10.22.0.5/24","gateway":"10.22.0.1","interface":0}]}""";

    private static string Config(string prevResult, string routes = Routes) =>
        $$"""{"cniVersion":"1.1.0","name":"chain","type":"static-routes","routes":{{routes}},"prevResult":{{prevResult}}}""";

    [Theory]
    [MemberData(nameof(BothWays))]
    public void Add_installs_and_reports_the_routes_check_verifies_them_and_del_removes_them(bool binary)
    {
        using NodeAndPod pair = Attached(binary ? "sr-bin" : "sr-inproc");
        TestNamespace pod = pair.Pod;

        PluginRun add = Run(binary, "ADD", pod.Path, Config(MainResult(pod)));
        CniResult result = add.Result();
        KernelState.AssertRoute(pod, "10.99.0.0/16", gateway: "10.22.0.1");
        KernelState.AssertRoute(pod, "10.98.1.0/24");
        KernelState.AssertInterface(pod, "eth0", "10.22.0.5/24");
        Assert.Contains(result.Routes, r => r.Destination.ToString() == "10.99.0.0/16" && r.Gateway?.ToString() == "10.22.0.1");
        Assert.Contains(result.Routes, r => r.Destination.ToString() == "10.98.1.0/24" && r.Gateway is null);

        string afterAdd = Config(add.Stdout);
        PluginRun check = Run(binary, "CHECK", pod.Path, afterAdd);
        Assert.True(check.Succeeded, check.ToString());

        pod.Ip("route", "del", "10.98.1.0/24");
        CniError missing = Run(binary, "CHECK", pod.Path, afterAdd).Error();
        Assert.Contains("10.98.1.0/24", missing.Message, StringComparison.Ordinal);

        PluginRun del = Run(binary, "DEL", pod.Path, afterAdd);
        Assert.True(del.Succeeded, del.ToString());
        KernelState.AssertNoRoute(pod, "10.99.0.0/16");
        KernelState.AssertNoRoute(pod, "10.98.1.0/24");
        KernelState.AssertRoute(pod, "10.22.0.0/24");

        // DEL is idempotent: again, and once the pod's namespace is gone.
        Assert.True(Run(binary, "DEL", pod.Path, afterAdd).Succeeded);
        string gone = pod.Path;
        pod.Dispose();
        PluginRun afterGone = Run(binary, "DEL", gone, afterAdd);
        Assert.True(afterGone.Succeeded, afterGone.ToString());
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void Add_without_a_previous_result_is_code_7_and_touches_nothing(bool binary)
    {
        using NodeAndPod pair = Attached(binary ? "sr-bin-np" : "sr-inproc-np");
        string config = """{"cniVersion":"1.1.0","name":"chain","type":"static-routes","routes":[{"dst":"10.99.0.0/16"}]}""";

        CniError error = Run(binary, "ADD", pair.Pod.Path, config).Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, error.Code);
        Assert.Contains("prevResult", error.Message, StringComparison.Ordinal);
        KernelState.AssertNoRoute(pair.Pod, "10.99.0.0/16");
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public void A_bad_route_is_code_7_naming_the_key_and_installs_no_route(bool binary)
    {
        using NodeAndPod pair = Attached(binary ? "sr-bin-bad" : "sr-inproc-bad");
        string config = Config(MainResult(pair.Pod), """[{"dst":"10.99.0.0/16"},{"dst":"10.98.1.0","gw":"10.22.0.1"}]""");

        CniError error = Run(binary, "ADD", pair.Pod.Path, config).Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, error.Code);
        Assert.Contains("routes[1].dst \"10.98.1.0\"", error.Message, StringComparison.Ordinal);
        KernelState.AssertNoRoute(pair.Pod, "10.99.0.0/16");
    }

    [Fact]
    public void The_binary_answers_version_with_every_version_up_to_1_1_0()
    {
        PluginRun version = PluginHarness.RunBinary(PublishedPlugin(), PluginHarness.Environment("VERSION", netns: null), """{"cniVersion":"1.1.0"}""");
        Assert.True(version.Succeeded, version.ToString());
        Assert.Contains("\"supportedVersions\"", version.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"1.1.0\"", version.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"0.1.0\"", version.Stdout, StringComparison.Ordinal);
    }
}
