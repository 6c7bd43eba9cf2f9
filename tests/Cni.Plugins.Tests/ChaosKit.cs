using System.Diagnostics;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// What chaos and fault tests share: a plugin started in the node the way a runtime starts it, in a process
/// group of its own so that one SIGKILL takes it and any IPAM child it has started; and the one check that
/// nothing of an attachment is left, read back from the kernel (ip, nft) and the IPAM store.
/// </summary>
internal static class ChaosKit
{
    /// <summary>Starts <c>setsid ip netns exec NODE plugin</c>: the plugin keeps the pid, which is also its group's id.</summary>
    public static PluginProcess Start(BridgeNode node, string plugin, string command, string netns, string config, string containerId, Dictionary<string, string?>? extraEnv = null)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "ip", "netns", "exec", node.Node.Name, plugin })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach ((string k, string? v) in PluginRunner.Env(command, netns, containerId, "eth0", node.PluginPath).Concat(extraEnv ?? []))
        {
            if (v is not null)
            {
                psi.Environment[k] = v;
            }
        }

        Process p = Process.Start(psi)!;
        var running = new PluginProcess(p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
        try
        {
            p.StandardInput.Write(config);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // Killed, or done, before it read its stdin.
        }

        return running;
    }

    /// <summary>SIGKILL to the plugin's process group (the plugin and its IPAM child) and to the plugin itself; true when it was still running.</summary>
    public static bool Kill(PluginProcess plugin)
    {
        Process p = plugin.Process;
        bool running = !p.HasExited;
        _ = Tmds.Linux.LibC.kill(-p.Id, Tmds.Linux.LibC.SIGKILL);
        _ = Tmds.Linux.LibC.kill(p.Id, Tmds.Linux.LibC.SIGKILL);
        if (!p.WaitForExit(30_000))
        {
            throw new TimeoutException($"plugin {p.Id} survived SIGKILL");
        }

        return running;
    }

    /// <summary>
    /// Nothing of any attachment is left: no link on the node but the bridge (and <paramref name="keepLinks"/>),
    /// no lease, no file in the IPAM store but <c>lock</c>, <c>last_reserved_ip.*</c> and the index, no
    /// masquerade rule and no spoof check (nft), and nothing but lo in the pod namespace (when it exists).
    /// </summary>
    public static void AssertClean(BridgeNode node, TestNamespace? pod, string context, string network = "brtest", params string[] keepLinks)
    {
        string[] links = BridgeNode.LinkNames(node.Node);
        string[] expected = [.. new[] { "cni0" }.Concat(keepLinks).Where(links.Contains).Order()];
        Assert.True(links.SequenceEqual(expected), $"{context}: links left on the node: {string.Join(", ", links)}");
        Assert.True(node.Leases(network).Length == 0, $"{context}: leases left: {string.Join(", ", node.Leases(network))}");
        string store = Path.Combine(node.DataDir, network);
        string[] files = Directory.Exists(store)
            ? [.. Directory.GetFileSystemEntries(store).Select(Path.GetFileName).Where(f => f is not ("lock" or ".cni-ipam-index") && !f!.StartsWith("last_reserved_ip.", StringComparison.Ordinal))!]
            : [];
        Assert.True(files.Length == 0, $"{context}: files left in the IPAM store {store}: {string.Join(", ", files)}");
        Assert.True(MasqNode.MasqComments(node.Node).Length == 0, $"{context}: masquerade rules left: {string.Join(", ", MasqNode.MasqComments(node.Node))}");
        string bridgeNat = MasqNode.BridgeNatText(node.Node);
        Assert.False(bridgeNat.Contains("macspoofchk", StringComparison.Ordinal) || bridgeNat.Contains("cni-br-iface", StringComparison.Ordinal), $"{context}: spoof checks left:\n{bridgeNat}");
        if (pod is not null && File.Exists(pod.Path))
        {
            string[] podLinks = BridgeNode.LinkNames(pod);
            Assert.True(podLinks.Length == 0, $"{context}: links left in the pod: {string.Join(", ", podLinks)}");
        }
    }
}

/// <summary>A plugin started by <see cref="ChaosKit.Start"/>, its output being read.</summary>
internal sealed record PluginProcess(Process Process, Task<string> Stdout, Task<string> Stderr) : IDisposable
{
    /// <summary>Waits for the exit (at most <paramref name="timeoutMs"/>) and returns what it printed.</summary>
    public ProcessResult Wait(int timeoutMs = 60_000)
    {
        if (!Process.WaitForExit(timeoutMs))
        {
            ChaosKit.Kill(this);
            throw new TimeoutException($"the plugin did not exit within {timeoutMs} ms");
        }

        Process.WaitForExit();
        return new ProcessResult(Process.ExitCode, Stdout.Result, Stderr.Result);
    }

    public void Dispose() => Process.Dispose();
}
