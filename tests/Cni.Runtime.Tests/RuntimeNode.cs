using System.Text.RegularExpressions;
using Cni.Netlink;
using Cni.Skel;
using Cni.Tests;

namespace Cni.Runtime.Tests;

/// <summary>
/// Runs plugins as child processes born inside a test "node" namespace (the bridge plugin makes its bridge
/// and host veths in the namespace it starts in): each call runs on a thread that has entered the node,
/// and spawns from there. The machine's own namespace is never touched.
/// </summary>
internal sealed class NodeExecutor(TestNamespace node, TimeSpan timeout) : IPluginExecutor
{
    private readonly ProcessPluginExecutor _inner = new(timeout);

    public string Find(string type, IReadOnlyList<string> paths) => _inner.Find(type, paths);

    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        using NetworkNamespace ns = NetworkNamespace.Open(node.Path);
        return ns.Run(() =>
        {
            Assert.True(NetworkNamespace.IsCurrent(node.Path), $"the plugin thread is not inside {node.Name}");
            return _inner.Execute(path, environment, stdin, log);
        });
    }
}

/// <summary>
/// A node for runtime tests: a fresh namespace the plugins run in, pod namespaces, a plugin directory of links
/// to the chosen binaries (Go's from /usr/lib/cni, ours from artifacts/cni-bin, or scripts), a host-local data
/// directory and a cache directory. Everything is removed on dispose.
/// </summary>
internal sealed partial class RuntimeNode : IDisposable
{
    private readonly List<TestNamespace> _pods = [];
    private readonly TempDir _root;

    public RuntimeNode(string tag)
    {
        Requires.Root();
        _root = new TempDir("node-" + tag);
        Node = TestNamespace.Create("rt" + tag);
        BinDir = Path.Combine(_root.Path, "bin");
        DataDir = Path.Combine(_root.Path, "data");
        CacheDir = Path.Combine(_root.Path, "cache");
        Directory.CreateDirectory(BinDir);
        Node.Ip("link", "set", "lo", "up");
    }

    public TestNamespace Node { get; }

    public string BinDir { get; }

    public string DataDir { get; }

    public string CacheDir { get; }

    public StringWriter Log { get; } = new();

    /// <summary>Links a Go reference plugin into the plugin directory.</summary>
    public void Go(params string[] names)
    {
        foreach (string name in names)
        {
            File.CreateSymbolicLink(Path.Combine(BinDir, name), Requires.ReferencePlugin(name));
        }
    }

    /// <summary>Links one of our published plugins into the plugin directory.</summary>
    public void Ours(params string[] names)
    {
        foreach (string name in names)
        {
            File.CreateSymbolicLink(Path.Combine(BinDir, name), RepoPaths.OurPlugin(name));
        }
    }

    /// <summary>Writes a script plugin into the plugin directory.</summary>
    public void Script(string name, string body)
    {
        string path = Path.Combine(BinDir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public CniRuntime Runtime(bool continueDelete = false) => new(new CniRuntimeOptions
    {
        PluginDirectories = [BinDir],
        CacheDirectory = CacheDir,
        Executor = new NodeExecutor(Node, TimeSpan.FromMinutes(2)),
        PluginTimeout = TimeSpan.FromMinutes(2),
        ContinueDeleteOnError = continueDelete,
        Log = Log,
    });

    public TestNamespace Pod(string tag = "pod")
    {
        var pod = TestNamespace.Create("rtp" + tag);
        _pods.Add(pod);
        return pod;
    }

    public static AttachmentParameters Attach(TestNamespace pod, string containerId) =>
        new() { ContainerId = containerId, NetNs = pod.Path, IfName = "eth0" };

    /// <summary>The bridge plugin's configuration with host-local IPAM in this node's data directory.</summary>
    public string Bridge(string subnet = "10.88.0.0/24", string bridge = "cnirt0") =>
        $$$"""{"type":"bridge","bridge":"{{{bridge}}}","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","dataDir":"{{{DataDir}}}","ranges":[[{"subnet":"{{{subnet}}}"}]],"routes":[{"dst":"0.0.0.0/0"}]}}""";

    public static CniNetwork List(string version, string name, params string[] plugins) =>
        CniNetwork.Parse(System.Text.Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"plugins\":[{string.Join(",", plugins)}]}}"));

    /// <summary>The addresses host-local holds for a network (lease files named by address).</summary>
    public string[] Leases(string network)
    {
        string dir = Path.Combine(DataDir, network);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n is not null && LeaseName().IsMatch(n)).Select(n => n!).ToArray()
            : [];
    }

    /// <summary>The veth interfaces in the node namespace.</summary>
    public string[] NodeVeths() =>
        Node.Ip("-o", "link", "show", "type", "veth").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The IPv4 addresses of a pod's eth0, with prefix.</summary>
    public static string[] PodAddresses(TestNamespace pod) =>
        PodAddress().Matches(pod.Ip("-4", "-o", "addr", "show", "dev", "eth0")).Select(m => m.Groups[1].Value).ToArray();

    public void Dispose()
    {
        foreach (TestNamespace pod in _pods)
        {
            pod.Dispose();
        }

        Node.Dispose();
        _root.Dispose();
    }

    [GeneratedRegex(@"^[0-9a-f.:]+$")]
    private static partial Regex LeaseName();

    [GeneratedRegex(@"inet (\S+)")]
    private static partial Regex PodAddress();
}
