using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>Runs a plugin executable as a runtime would, and reads what it printed.</summary>
internal static class PluginRunner
{
    /// <summary>The environment of a typical call; entries set to null are removed.</summary>
    public static Dictionary<string, string?> Env(string command, string? netns, string containerId = "ctr1", string ifName = "eth0", string? cniPath = null) => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = containerId,
        ["CNI_NETNS"] = netns,
        ["CNI_IFNAME"] = ifName,
        ["CNI_PATH"] = cniPath ?? $"{RepoPaths.PluginDir}:{Requires.ReferencePluginDir}",
    };

    public static ProcessResult Run(string plugin, Dictionary<string, string?> env, string stdin) =>
        Processes.Run(plugin, env, stdin);

    /// <summary>The error object a failed call printed (asserting it failed).</summary>
    public static CniError Error(ProcessResult r)
    {
        Assert.True(r.ExitCode != 0, "expected failure, got success: " + r);
        return CniError.Parse(System.Text.Encoding.UTF8.GetBytes(r.Stdout));
    }

    /// <summary>The result a successful call printed (asserting it succeeded).</summary>
    public static CniResult Result(ProcessResult r, CniVersion? assumed = null)
    {
        Assert.True(r.ExitCode == 0, "expected success: " + r);
        return CniResult.Parse(r.Stdout, assumed);
    }

    /// <summary>Our plugin and the Go reference plugin of the same name.</summary>
    public static (string Ours, string Go) Pair(string name) => (RepoPaths.OurPlugin(name), Requires.ReferencePlugin(name));
}
