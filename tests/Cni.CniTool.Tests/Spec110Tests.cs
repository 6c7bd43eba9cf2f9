namespace Cni.Tests;

/// <summary>
/// Spec 1.1.0 through cnitool with our plugins (the Go plugins stop at 1.0.0): ADD, CHECK, STATUS,
/// GC and DEL. <c>cnitool gc</c> passes no valid attachments, as the reference does: every cached
/// attachment of the network is deleted, and the plugins collect whatever else the network still holds.
/// </summary>
public sealed class Spec110Tests
{
    private const string Subnet = "10.89.0.0/24";

    [Fact]
    public void Add_check_status_gc_and_del_with_our_plugins()
    {
        Requires.Root();
        string cniPath = Node.PluginPath(Plugins.Ours);
        using var node = new Node("v110");
        node.WriteNetworks("podnet", "1.1.0", Subnet);
        TestNamespace pod1 = node.Pod("pod1"), pod2 = node.Pod("pod2");

        foreach (string network in new[] { "lo", "podnet" })
        {
            ProcessResult status = node.CniTool("status", network, pod1.Path, cniPath);
            Assert.True(status.ExitCode == 0, $"STATUS {network}: {status}");
        }

        var addresses = new List<System.Net.IPAddress>();
        foreach (TestNamespace pod in new[] { pod1, pod2 })
        {
            Assert.Equal(0, node.CniTool("add", "lo", pod.Path, cniPath, ifName: "lo").ExitCode);
            ProcessResult add = node.CniTool("add", "podnet", pod.Path, cniPath);
            Assert.True(add.ExitCode == 0, add.ToString());
            addresses.Add(ChainTests.AddressOf(add.Stdout, "1.1.0"));
            ProcessResult check = node.CniTool("check", "podnet", pod.Path, cniPath);
            Assert.True(check.ExitCode == 0, check.ToString());
        }

        ChainTests.Ping(pod1, addresses[1]);
        Assert.Equal(2, node.Leases("podnet").Length);

        // pod2 is forgotten by the runtime (its cache entry lost): only GC can free its lease.
        File.Delete(Path.Combine(node.CacheDir, "results", "podnet-" + Node.ContainerId(pod2.Path) + "-eth0"));
        ProcessResult gc = node.CniTool("gc", "podnet", pod1.Path, cniPath);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Empty(node.Leases("podnet"));
        string[] loopbacks = ["lo-" + Node.ContainerId(pod1.Path) + "-lo", "lo-" + Node.ContainerId(pod2.Path) + "-lo"];
        Assert.Equal(loopbacks.Order(StringComparer.Ordinal), node.CacheEntries());

        // pod1 was DELeted by cnitool's gc (every cached attachment goes); pod2, which no valid attachment
        // names, lost its veth to the bridge's own GC (it marks each host veth with its attachment); both DELs
        // still succeed afterwards.
        Assert.Empty(node.NodeVeths());
        Assert.Throws<InvalidOperationException>(() => pod1.Ip("link", "show", "dev", "eth0"));
        Assert.Throws<InvalidOperationException>(() => pod2.Ip("link", "show", "dev", "eth0"));
        ProcessResult checkAfterGc = node.CniTool("check", "podnet", pod1.Path, cniPath);
        Assert.NotEqual(0, checkAfterGc.ExitCode);
        foreach (TestNamespace pod in new[] { pod1, pod2 })
        {
            ProcessResult del = node.CniTool("del", "podnet", pod.Path, cniPath);
            Assert.True(del.ExitCode == 0, del.ToString());
            Assert.Equal(0, node.CniTool("del", "lo", pod.Path, cniPath, ifName: "lo").ExitCode);
        }

        Assert.Empty(node.NodeVeths());
        Assert.Empty(node.CacheEntries());
        ProcessResult gcLo = node.CniTool("gc", "lo", pod1.Path, cniPath);
        Assert.True(gcLo.ExitCode == 0, gcLo.ToString());
    }

    [Fact]
    public void Status_fails_when_a_plugin_of_the_list_is_missing()
    {
        Requires.Root();
        string cniPath = Node.PluginPath(Plugins.Ours);
        using var node = new Node("v110st");
        node.WriteNetworks("podnet", "1.1.0", Subnet, """{"type":"no-such-plugin"}""");
        ProcessResult status = node.CniTool("status", "podnet", "/run/netns/none", cniPath);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("no-such-plugin", status.Stderr);
    }
}
