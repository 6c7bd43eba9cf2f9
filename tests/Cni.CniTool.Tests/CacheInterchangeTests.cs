using System.Text.Json;

namespace Cni.Tests;

/// <summary>
/// The result cache interchanged with libcni itself (tests/LibcniInterop over Debian's libcni 1.1.2),
/// both ways: a pod libcni added is checked and deleted by our cnitool, and a pod our cnitool added is
/// checked and deleted by libcni. CHECK needs the cached result (it is the prevResult), so a passing
/// CHECK proves the other side's entry was read. Nothing may be left: no veth, no lease, no cache file.
/// </summary>
public sealed class CacheInterchangeTests
{
    private const string Subnet = "10.90.0.0/24";

    [Theory]
    [InlineData(Plugins.Go)]
    [InlineData(Plugins.Ours)]
    public void A_pod_added_by_libcni_is_deleted_by_our_cnitool(Plugins plugins)
    {
        using Node node = Start("libcni2us", plugins, out TestNamespace pod, out string cniPath);
        Succeeds(node.Libcni("add", "podnet", pod.Path, cniPath));
        string entry = "podnet-" + Node.ContainerId(pod.Path) + "-eth0";
        Assert.Equal([entry], node.CacheEntries());
        Assert.Single(node.Leases("podnet"));

        Succeeds(node.CniTool("check", "podnet", pod.Path, cniPath));
        Succeeds(node.CniTool("del", "podnet", pod.Path, cniPath));
        AssertNothingLeft(node);
    }

    [Theory]
    [InlineData(Plugins.Go)]
    [InlineData(Plugins.Ours)]
    public void A_pod_added_by_our_cnitool_is_deleted_by_libcni(Plugins plugins)
    {
        using Node node = Start("us2libcni", plugins, out TestNamespace pod, out string cniPath);
        Succeeds(node.CniTool("add", "podnet", pod.Path, cniPath, env: new Dictionary<string, string?> { ["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAME=web" }));
        string entry = Path.Combine(node.CacheDir, "results", "podnet-" + Node.ContainerId(pod.Path) + "-eth0");
        Assert.Equal([Path.GetFileName(entry)], node.CacheEntries());
        AssertLibcniShape(entry, node, pod);

        Succeeds(node.Libcni("check", "podnet", pod.Path, cniPath));
        Succeeds(node.Libcni("del", "podnet", pod.Path, cniPath));
        AssertNothingLeft(node);
    }

    /// <summary>A node (root only) with the network podnet (1.0.0, <see cref="Subnet"/>) written, a pod in it, and the plugin directory to run.</summary>
    private static Node Start(string tag, Plugins plugins, out TestNamespace pod, out string cniPath)
    {
        Requires.Root();
        cniPath = Node.PluginPath(plugins);
        var node = new Node(tag);
        try
        {
            node.WriteNetworks("podnet", "1.0.0", Subnet);
            pod = node.Pod("pod");
            return node;
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    private static void Succeeds(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    /// <summary>After DEL: no veth, no lease, no cache file.</summary>
    private static void AssertNothingLeft(Node node)
    {
        Assert.Empty(node.NodeVeths());
        Assert.Empty(node.Leases("podnet"));
        Assert.Empty(node.CacheEntries());
    }

    /// <summary>The entry as libcni writes it: kind, IDs, the list's bytes in base64, the arguments, the result; mode 0600.</summary>
    private static void AssertLibcniShape(string path, Node node, TestNamespace pod)
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = doc.RootElement;
        Assert.Equal("cniCacheV1", root.GetProperty("kind").GetString());
        Assert.Equal(Node.ContainerId(pod.Path), root.GetProperty("containerId").GetString());
        Assert.Equal("eth0", root.GetProperty("ifName").GetString());
        Assert.Equal("podnet", root.GetProperty("networkName").GetString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(node.NetConf, "10-podnet.conflist")), root.GetProperty("config").GetBytesFromBase64());
        Assert.Equal("""[["IgnoreUnknown","1"],["K8S_POD_NAME","web"]]""", root.GetProperty("cniArgs").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("1.0.0", root.GetProperty("result").GetProperty("cniVersion").GetString());
    }
}
