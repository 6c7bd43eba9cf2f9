using Cni.Spec;
using Cni.Testing;
using MyCniPlugin;

namespace MyCniPlugin.Tests;

/// <summary>The plugin against a real network namespace per test (run as root), through the real dispatcher.</summary>
public sealed class MyCniPluginPluginTests
{
    private const string Config = """{"cniVersion":"1.1.0","name":"test","type":"my-cni-plugin"}""";

    private static TestNamespace PodWithEth0()
    {
        TestNamespace pod = TestNamespace.Create("plugin");
        pod.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
        return pod;
    }

    [Fact]
    public void Add_sets_the_interface_up_and_check_passes()
    {
        using TestNamespace pod = PodWithEth0();
        PluginRun add = PluginHarness.RunInProcess(new MyCniPluginPlugin(), PluginHarness.Environment("ADD", pod.Path), Config);
        Assert.True(add.Succeeded, add.ToString());
        KernelState.AssertInterface(pod, "eth0");

        string withPrev = """{"cniVersion":"1.1.0","name":"test","type":"my-cni-plugin","prevResult":""" + add.Stdout + "}";
        PluginRun check = PluginHarness.RunInProcess(new MyCniPluginPlugin(), PluginHarness.Environment("CHECK", pod.Path), withPrev);
        Assert.True(check.Succeeded, check.ToString());
    }

    [Fact]
    public void Add_without_the_interface_fails_with_a_clear_error()
    {
        using TestNamespace pod = TestNamespace.Create("plugin");
        PluginRun add = PluginHarness.RunInProcess(new MyCniPluginPlugin(), PluginHarness.Environment("ADD", pod.Path), Config);
        CniError error = add.Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, error.Code);
        Assert.Contains("eth0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Del_succeeds_twice_and_after_the_namespace_is_gone()
    {
        TestNamespace pod = PodWithEth0();
        string path = pod.Path;
        Assert.True(PluginHarness.RunInProcess(new MyCniPluginPlugin(), PluginHarness.Environment("DEL", path), Config).Succeeded);
        pod.Dispose();
        PluginRun again = PluginHarness.RunInProcess(new MyCniPluginPlugin(), PluginHarness.Environment("DEL", path), Config);
        Assert.True(again.Succeeded, again.ToString());
    }
}
