using System.Text;
using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Runs a plugin as a runtime would, and reads what it printed: as the published executable (a child
/// process), or in-process as the plugin library's <see cref="ICniPlugin"/> through the dispatcher.
/// </summary>
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

    /// <summary>
    /// Runs a plugin object in this process through <see cref="CniPlugin.Run(ICniPlugin, CniInvocation)"/>,
    /// with the environment (entries set to null removed, PATH added as for a process) and stdin given,
    /// and returns what it printed as a process would have.
    /// </summary>
    /// <param name="plugin">The plugin, for example <c>new BridgePlugin()</c>.</param>
    /// <param name="env">The environment.</param>
    /// <param name="stdin">The configuration.</param>
    /// <param name="node">
    /// The namespace the plugin runs in, as <c>ip netns exec</c> would start it there: the call runs on a
    /// dedicated thread inside it (sockets it opens, /proc/sys/net it touches and children it starts are
    /// that namespace's). Required for any plugin that works in "its own" namespace, such as the bridge:
    /// never the machine's. Null runs on the calling thread, for plugins that touch no namespace (host-local).
    /// </param>
    /// <param name="executor">How the plugin delegates; null is the process executor.</param>
    public static ProcessResult RunInProcess(ICniPlugin plugin, Dictionary<string, string?> env, string stdin, TestNetns? node = null, IPluginExecutor? executor = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin",
        };
        foreach ((string k, string? v) in env)
        {
            if (v is null)
            {
                environment.Remove(k);
            }
            else
            {
                environment[k] = v;
            }
        }

        ProcessResult Call()
        {
            using var stdout = new MemoryStream();
            using var stderr = new StringWriter();
            int exit = CniPlugin.Run(plugin, new CniInvocation(environment, new MemoryStream(Encoding.UTF8.GetBytes(stdin)), stdout, stderr, executor));
            return new ProcessResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
        }

        if (node is null)
        {
            return Call();
        }

        using NetworkNamespace ns = NetworkNamespace.Open(node.Path);
        return ns.Run(() =>
        {
            // The guard that keeps the machine's own namespace out of reach: the plugin runs only once
            // this thread is provably inside the test's namespace.
            Assert.True(NetworkNamespace.IsCurrent(node.Path), $"the in-process plugin thread is not inside {node.Name}");
            return Call();
        });
    }

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
