using System.Security.Cryptography;
using System.Text;

namespace Cni.Tests;

/// <summary>Which plugins a network list runs: ours (artifacts/cni-bin) or Go's (/usr/lib/cni).</summary>
public enum Plugins
{
    /// <summary>Our NativeAOT plugins.</summary>
    Ours,

    /// <summary>Debian's Go reference plugins.</summary>
    Go,
}

/// <summary>
/// A node for cnitool: a namespace that plays the node (the bridge plugin makes cni0 and the host
/// veths in the namespace it runs in, so cnitool runs in there), pods as namespaces of their own, and a
/// directory with the network configuration (NETCONFPATH), the result cache and host-local's leases.
/// Everything is removed in <see cref="Dispose"/>, also when the test fails.
/// </summary>
internal sealed class Node : IDisposable
{
    private readonly List<TestNamespace> _pods = [];

    public Node(string tag)
    {
        Tag = tag;
        NodeNs = TestNamespace.Create(tag + "-node");
        Work = Directory.CreateTempSubdirectory("cnitool-" + tag + "-").FullName;
        Directory.CreateDirectory(NetConf);
    }

    public string Tag { get; }

    public TestNamespace NodeNs { get; }

    /// <summary>The scratch directory; removed at the end.</summary>
    public string Work { get; }

    /// <summary>NETCONFPATH.</summary>
    public string NetConf => Path.Combine(Work, "net.d");

    /// <summary>The result cache's directory (results under <c>results/</c>).</summary>
    public string CacheDir => Path.Combine(Work, "cache");

    /// <summary>host-local's dataDir.</summary>
    public string DataDir => Path.Combine(Work, "leases");

    /// <summary>Makes a pod: a namespace of its own.</summary>
    public TestNamespace Pod(string name)
    {
        var pod = TestNamespace.Create(Tag + "-" + name);
        _pods.Add(pod);
        return pod;
    }

    /// <summary>Writes <c>&lt;file&gt;</c> into NETCONFPATH.</summary>
    public void Write(string file, string json) => File.WriteAllText(Path.Combine(NetConf, file), json);

    /// <summary>
    /// Writes the two networks of a pod: <c>lo</c> (loopback, for CNI_IFNAME=lo) and <paramref name="network"/>
    /// (bridge cni0 with host-local on <paramref name="subnet"/>, then <paramref name="more"/> plugins).
    /// </summary>
    public void WriteNetworks(string network, string version, string subnet, params string[] more)
    {
        Write("00-lo.conflist", $$"""{"cniVersion":"{{version}}","name":"lo","plugins":[{"type":"loopback"}]}""");
        string bridge = $$$"""{"type":"bridge","bridge":"cni0","isGateway":true,"ipam":{"type":"host-local","dataDir":"{{{DataDir}}}","ranges":[[{"subnet":"{{{subnet}}}"}]]}}""";
        Write("10-" + network + ".conflist", $$$"""{"cniVersion":"{{{version}}}","name":"{{{network}}}","plugins":[{{{string.Join(",", [bridge, .. more])}}}]}""");
    }

    /// <summary>The plugin directory (CNI_PATH) for a set of plugins, after checking that ours are current.</summary>
    public static string PluginPath(Plugins plugins)
    {
        if (plugins == Plugins.Go)
        {
            Requires.ReferencePlugin("bridge");
            return Requires.ReferencePluginDir;
        }

        foreach (string p in new[] { "bridge", "host-local", "loopback" })
        {
            RepoPaths.OurPlugin(p);
        }

        return RepoPaths.PluginDir;
    }

    /// <summary>Runs our cnitool in the node namespace: <c>cnitool verb network netns</c>.</summary>
    public ProcessResult CniTool(string verb, string network, string netns, string cniPath, string ifName = "eth0", IReadOnlyDictionary<string, string?>? env = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["NETCONFPATH"] = NetConf,
            ["CNI_PATH"] = cniPath,
            ["CNI_IFNAME"] = ifName,
            ["CNITOOL_CACHE_DIR"] = CacheDir,
        };
        foreach ((string k, string? v) in env ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        return Processes.Run("ip", all, args: ["netns", "exec", NodeNs.Name, CniToolBinary.Location, verb, network, netns]);
    }

    /// <summary>Runs tests/LibcniInterop (libcni itself) in the node namespace on the same files and cache.</summary>
    public ProcessResult Libcni(string verb, string network, string netns, string cniPath, string ifName = "eth0", string? capArgs = null)
    {
        var args = new List<string> { "netns", "exec", NodeNs.Name, LibcniInterop.Location, "-netconf", NetConf, "-path", cniPath, "-cache-dir", CacheDir, "-ifname", ifName };
        if (capArgs is not null)
        {
            args.AddRange(["-cap-args", capArgs]);
        }

        args.AddRange([verb, network, netns]);
        return Processes.Run("ip", new Dictionary<string, string?>(), args: args);
    }

    /// <summary>cnitool's container ID for a namespace path, computed here independently of the tool.</summary>
    public static string ContainerId(string netns) =>
        "cnitool-" + Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(netns)))[..20];

    /// <summary>The cache entries (file names under <c>results/</c>).</summary>
    public string[] CacheEntries() =>
        Directory.Exists(Path.Combine(CacheDir, "results"))
            ? Directory.GetFiles(Path.Combine(CacheDir, "results")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>host-local's leases of a network (one file per address; not the lock or the last-reserved marks).</summary>
    public string[] Leases(string network)
    {
        string dir = Path.Combine(DataDir, network);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()
                .Where(f => f != "lock" && !f.StartsWith("last_reserved_ip", StringComparison.Ordinal) && !f.StartsWith('.'))
                .Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    /// <summary>The veths left in the node namespace.</summary>
    public string[] NodeVeths() =>
        NodeNs.Ip("-o", "link", "show", "type", "veth").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToArray();

    public void Dispose()
    {
        foreach (TestNamespace pod in _pods)
        {
            pod.Dispose();
        }

        NodeNs.Dispose();
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }
}
