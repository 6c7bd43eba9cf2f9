using System.Text.Json.Nodes;
using Cni.Plugins.Loopback;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The loopback plugin in-process (its library's <see cref="LoopbackPlugin"/> through the dispatcher),
/// run from a test-made node namespace on a test-made pod namespace, with the same output as the
/// published binary.
/// </summary>
public sealed class LoopbackInProcessTests
{
    private const string Config = """{"cniVersion":"1.0.0","name":"lo-net","type":"loopback"}""";

    private static bool LoIsUp(TestNamespace ns) =>
        JsonNode.Parse(ns.Ip("-j", "link", "show", "lo"))![0]!["flags"]!.AsArray().Any(f => (string?)f == "UP");

    [Fact]
    public void Add_check_del_in_process_match_the_published_binary()
    {
        Requires.Root();
        string published = RepoPaths.OurPlugin("loopback");
        using var node = TestNamespace.Create("lo-node");
        using var pod = TestNamespace.Create("lo-inproc");
        using var other = TestNamespace.Create("lo-pub");

        PluginRun add = PluginHarness.RunInProcess(new LoopbackPlugin(), PluginRunner.Env("ADD", pod.Path, ifName: "lo"), Config, node);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(LoIsUp(pod), "ADD brought lo up in the pod");
        Assert.False(LoIsUp(node), "the node's lo was not touched");
        ProcessResult reference = Processes.Run(published, PluginRunner.Env("ADD", other.Path, ifName: "lo"), Config);
        Assert.Equal(reference.Stdout.Replace(other.Path, "<ns>", StringComparison.Ordinal), add.Stdout.Replace(pod.Path, "<ns>", StringComparison.Ordinal));

        PluginRun check = PluginHarness.RunInProcess(new LoopbackPlugin(), PluginRunner.Env("CHECK", pod.Path, ifName: "lo"), Config[..^1] + ",\"prevResult\":" + add.Stdout + "}", node);
        Assert.True(check.ExitCode == 0, check.ToString());

        PluginRun del = PluginHarness.RunInProcess(new LoopbackPlugin(), PluginRunner.Env("DEL", pod.Path, ifName: "lo"), Config, node);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.False(LoIsUp(pod), "DEL brought lo down");
    }
}
