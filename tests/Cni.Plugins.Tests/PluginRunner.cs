using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// This project's defaults for calling a plugin: its environment (our published plugins and the Go reference
/// ones on CNI_PATH) and the result or error of a call made as a process. Running a plugin is Cni.Testing's
/// (<see cref="PluginHarness"/>); reading what it printed is <see cref="PluginRun"/>'s.
/// </summary>
internal static class PluginRunner
{
    /// <summary>The environment of a typical call; entries set to null are removed.</summary>
    public static Dictionary<string, string?> Env(string command, string? netns, string containerId = "ctr1", string ifName = "eth0", string? cniPath = null) =>
        PluginHarness.Environment(command, netns, containerId, ifName, cniPath ?? $"{RepoPaths.PluginDir}:{Requires.ReferencePluginDir}");

    /// <summary>The error object a failed call printed (failing the test when it succeeded).</summary>
    public static CniError Error(ProcessResult r) => AsRun(r).Error();

    /// <summary>The result a successful call printed (failing the test when it failed).</summary>
    public static CniResult Result(ProcessResult r, CniVersion? assumed = null) => AsRun(r).Result(assumed);

    /// <summary>Our plugin and the Go reference plugin of the same name.</summary>
    public static (string Ours, string Go) Pair(string name) => (RepoPaths.OurPlugin(name), Requires.ReferencePlugin(name));

    /// <summary>An in-process call as a process's output, for the helpers that compare it with a published binary's.</summary>
    public static ProcessResult AsProcessResult(this PluginRun run) => new(run.ExitCode, run.Stdout, run.Stderr);

    private static PluginRun AsRun(ProcessResult r) => new(r.ExitCode, r.Stdout, r.Stderr);
}
