using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cni.Netlink;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A "node" for bridge tests: a fresh network namespace in which the bridge plugin runs (it creates the
/// bridge and host veths in the namespace it is started in), a private host-local data directory, and a
/// CNI_PATH directory holding only the IPAM plugin chosen. Pods are further namespaces. Nothing touches
/// the machine's own network namespace; everything is removed on dispose, even when a test fails.
/// </summary>
internal sealed partial class BridgeNode : IDisposable
{
    private readonly List<TestNamespace> _pods = [];

    public BridgeNode(string tag, string? ipamPlugin = null)
    {
        Node = TestNamespace.Create("br" + tag);
        Root = Directory.CreateTempSubdirectory("cnitest-bridge-").FullName;
        DataDir = Path.Combine(Root, "data");
        PluginPath = Path.Combine(Root, "bin");
        Directory.CreateDirectory(PluginPath);
        File.CreateSymbolicLink(Path.Combine(PluginPath, "host-local"), ipamPlugin ?? Path.Combine(Requires.ReferencePluginDir, "host-local"));
    }

    public TestNamespace Node { get; }

    /// <summary>A private temporary directory: host-local's dataDir and the CNI_PATH live here.</summary>
    public string Root { get; }

    public string DataDir { get; }

    /// <summary>The CNI_PATH directory: host-local (a link to the chosen binary) and whatever a test adds.</summary>
    public string PluginPath { get; }

    /// <summary>A new pod namespace, removed with the node.</summary>
    public TestNamespace Pod(string tag = "pod")
    {
        var pod = TestNamespace.Create("brp" + tag);
        _pods.Add(pod);
        return pod;
    }

    /// <summary>Runs a plugin inside the node namespace as a runtime would (<c>ip netns exec node plugin</c>).</summary>
    public ProcessResult Run(string plugin, string command, string? netns, string config, string containerId = "ctr1", string ifName = "eth0", string? cniArgs = null, string? cniPath = null)
    {
        Dictionary<string, string?> env = PluginRunner.Env(command, netns, containerId, ifName, cniPath ?? PluginPath);
        if (cniArgs is not null)
        {
            env["CNI_ARGS"] = cniArgs;
        }

        return Processes.Run("ip", env, config, ["netns", "exec", Node.Name, plugin]);
    }

    /// <summary>A bridge network configuration with host-local IPAM in this node's data directory.</summary>
    /// <param name="version">cniVersion.</param>
    /// <param name="extra">More top-level keys, as JSON members without braces (e.g. <c>"mtu":1400</c>).</param>
    /// <param name="ranges">host-local <c>ranges</c>, as JSON.</param>
    /// <param name="ipamExtra">More ipam keys, as JSON members.</param>
    /// <param name="name">The network name.</param>
    public string Config(string version = "1.0.0", string extra = "\"isGateway\":true", string ranges = "[[{\"subnet\":\"10.77.0.0/24\"}]]", string? ipamExtra = null, string name = "brtest")
    {
        string ipam = $"{{\"type\":\"host-local\",\"dataDir\":\"{DataDir}\",\"ranges\":{ranges}{(ipamExtra is null ? "" : "," + ipamExtra)}}}";
        return $"{{\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"type\":\"bridge\"{(extra.Length > 0 ? "," + extra : "")},\"ipam\":{ipam}}}";
    }

    /// <summary>A configuration with <c>prevResult</c> added.</summary>
    public static string WithPrevResult(string config, string result) => config[..config.LastIndexOf('}')] + ",\"prevResult\":" + result + "}";

    /// <summary>The leases host-local holds for a network in this node's data directory.</summary>
    public string[] Leases(string network = "brtest")
    {
        string dir = Path.Combine(DataDir, network);
        return Directory.Exists(dir)
            ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => f != "lock" && !f!.StartsWith("last_reserved_ip", StringComparison.Ordinal) && !f.StartsWith('.')).Order()!]
            : [];
    }

    /// <summary>The links of a namespace, from <c>ip -d -j link show</c>.</summary>
    public static JsonArray Links(TestNamespace ns) => JsonNode.Parse(ns.Ip("-d", "-j", "link", "show"))!.AsArray();

    public static JsonNode? Link(TestNamespace ns, string name) => Links(ns).FirstOrDefault(l => (string?)l!["ifname"] == name);

    /// <summary>The names of the links of a namespace other than lo.</summary>
    public static string[] LinkNames(TestNamespace ns) => [.. Links(ns).Select(l => (string)l!["ifname"]!).Where(n => n != "lo").Order()];

    /// <summary>The addresses (CIDR text) of a link, from <c>ip -j addr show</c>, link-local excluded.</summary>
    public static string[] Addresses(TestNamespace ns, string dev) =>
        [.. JsonNode.Parse(ns.Ip("-j", "addr", "show", "dev", dev))![0]!["addr_info"]!.AsArray()
            .Where(a => (string?)a!["scope"] != "link")
            .Select(a => $"{(string)a!["local"]!}/{(int)a["prefixlen"]!}").Order()];

    /// <summary>Reads a sysctl inside a namespace.</summary>
    public static string Sysctl(TestNamespace ns, string name) => ns.Exec("cat", "/proc/sys/" + name).Trim();

    /// <summary>Pings from inside a namespace with an ICMP socket made there (no ping binary needed).</summary>
    public static bool Ping(TestNamespace from, string address)
    {
        using NetworkNamespace ns = NetworkNamespace.Open(from.Path);
        return ns.Run(() =>
        {
            using var ping = new Ping();
            for (int i = 0; i < 3; i++)
            {
                if (ping.Send(IPAddress.Parse(address), 1000).Status == IPStatus.Success)
                {
                    return true;
                }
            }

            return false;
        });
    }

    /// <summary>
    /// A result reduced to what must be equal between our bridge and the reference: MACs dropped, the
    /// random host veth name and the (per-test) pod namespace path replaced, written as 1.0.0 JSON for a readable assertion message.
    /// </summary>
    public static string Comparable(string stdout, string version)
    {
        CniResult r = CniResult.Parse(stdout, CniVersion.Parse(version));
        foreach (CniInterface i in r.Interfaces)
        {
            i.Mac = null;
            i.Sandbox = i.Sandbox is null ? null : "<pod netns>";
            i.Name = VethName().Replace(i.Name, "vethXXXXXXXX");
        }

        return r.ToJsonString(r.CniVersion < CniVersion.V0_3_0 ? r.CniVersion : CniVersion.V1_0_0);
    }

    public void Dispose()
    {
        foreach (TestNamespace pod in _pods)
        {
            pod.Dispose();
        }

        Node.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("^veth[0-9a-f]{8}$")]
    private static partial Regex VethName();
}
