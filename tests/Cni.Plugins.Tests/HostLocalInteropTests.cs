using System.Text.Json.Nodes;
using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// Our host-local and the reference sharing one data directory (a node switching binaries either way), and
/// the reference bridge delegating to our host-local in real namespaces.
/// </summary>
public class HostLocalInteropTests
{
    private static string Cfg(string dir) => Config("1.0.0", dir, Ranges(Set("10.41.0.0/24"), Set("fd00:41::/120")), name: "mig");

    private static string V4Of(ProcessResult r) => Addresses(r, "1.0.0")[0];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_node_switches_binaries_without_duplicates_and_frees_the_other_binarys_leases(bool goFirst)
    {
        Requires.Root();
        (string first, string second) = goFirst ? (Go, Ours) : (Ours, Go);
        using var dir = new HostLocalDataDir(goFirst ? "mig-go-ours" : "mig-ours-go");
        string net = dir.Network("mig");
        var held = new Dictionary<string, string>();
        for (int i = 0; i < 5; i++)
        {
            held["a" + i] = V4Of(Run(first, "ADD", Cfg(dir.Path), "a" + i));
        }

        // The first binary frees one in the middle; the second continues round robin after the last reservation.
        Assert.Equal(0, Run(first, "DEL", Cfg(dir.Path), "a2").ExitCode);
        held.Remove("a2");
        for (int i = 0; i < 5; i++)
        {
            held["b" + i] = V4Of(Run(second, "ADD", Cfg(dir.Path), "b" + i));
        }

        Assert.Equal(held.Count, held.Values.Distinct().Count());
        Assert.Equal(["10.41.0.7/24", "10.41.0.8/24", "10.41.0.9/24", "10.41.0.10/24", "10.41.0.11/24"], [.. Enumerable.Range(0, 5).Select(i => held["b" + i])]);
        Assert.Equal(9 * 2, Leases(net).Count);

        // The duplicate check of each binary sees the other's leases.
        Assert.Contains("duplicate allocation is not allowed", ErrorOf(Run(second, "ADD", Cfg(dir.Path), "a0")).Msg, StringComparison.Ordinal);
        Assert.Contains("duplicate allocation is not allowed", ErrorOf(Run(first, "ADD", Cfg(dir.Path), "b0")).Msg, StringComparison.Ordinal);

        // CHECK by the other binary, then each frees the other's leases.
        foreach (string id in new[] { "a0", "a1", "a3", "a4" })
        {
            Assert.Equal(0, Run(second, "CHECK", Cfg(dir.Path), id).ExitCode);
            Assert.Equal(0, Run(second, "DEL", Cfg(dir.Path), id).ExitCode);
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(0, Run(first, "CHECK", Cfg(dir.Path), "b" + i).ExitCode);
            Assert.Equal(0, Run(first, "DEL", Cfg(dir.Path), "b" + i).ExitCode);
        }

        Assert.Empty(Leases(net));

        // And the second binary still allocates correctly after the first changed everything behind its index.
        Assert.Equal("10.41.0.12/24", V4Of(Run(second, "ADD", Cfg(dir.Path), "c0")));
        Assert.Equal(0, Run(first, "DEL", Cfg(dir.Path), "c0").ExitCode);
        Assert.Empty(Leases(net));
        Assert.Equal([IndexFile, "last_reserved_ip.0", "last_reserved_ip.1", "lock"], Directory.GetFiles(net).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void The_reference_bridge_delegates_to_our_host_local(string version)
    {
        Requires.Root();
        string bridge = Requires.ReferencePlugin("bridge");
        string ours = Ours;
        using var node = TestNamespace.Create("hl-node");
        using var pod = TestNamespace.Create("hl-pod");
        using var dir = new HostLocalDataDir("chain");
        string config = $$$"""
            {"cniVersion":"{{{version}}}","name":"hlchain","type":"bridge","bridge":"cnihl0","isGateway":true,"ipMasq":false,
             "ipam":{"type":"host-local","dataDir":"{{{dir.Path}}}","ranges":[[{"subnet":"10.42.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}}
            """;

        // Our binaries come first on CNI_PATH; the bridge runs inside the "node" namespace, never the machine's.
        ProcessResult Bridge(string command, string cfg) => Processes.Run("ip",
            new Dictionary<string, string?>
            {
                ["CNI_COMMAND"] = command,
                ["CNI_CONTAINERID"] = "chainctr",
                ["CNI_NETNS"] = pod.Path,
                ["CNI_IFNAME"] = "eth0",
                ["CNI_PATH"] = $"{Path.GetDirectoryName(ours)}:{Requires.ReferencePluginDir}",
            },
            cfg, ["netns", "exec", node.Name, bridge]);

        ProcessResult add = Bridge("ADD", config);
        Assert.True(add.ExitCode == 0, add.ToString());
        JsonNode result = JsonNode.Parse(add.Stdout)!;
        Assert.Equal("10.42.0.2/24", result["ips"]![0]!["address"]!.GetValue<string>());

        // The lease is ours: our owner index exists in the network directory (the reference keeps none).
        Assert.Equal("chainctr\r\neth0", File.ReadAllText(Path.Combine(dir.Network("hlchain"), "10.42.0.2")));
        Assert.True(File.Exists(Path.Combine(dir.Network("hlchain"), IndexFile)), "our host-local served the delegation");

        // The kernel's view: the pod has the address, the node's bridge the gateway.
        string podAddrs = pod.Ip("-j", "addr", "show", "eth0");
        Assert.Contains("\"local\":\"10.42.0.2\"", podAddrs, StringComparison.Ordinal);
        Assert.Contains("\"local\":\"10.42.0.1\"", node.Ip("-j", "addr", "show", "cnihl0"), StringComparison.Ordinal);

        string withPrev = config.TrimEnd()[..^1] + ",\"prevResult\":" + add.Stdout + "}";
        ProcessResult check = Bridge("CHECK", withPrev);
        Assert.True(check.ExitCode == 0, check.ToString());

        ProcessResult del = Bridge("DEL", withPrev);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Empty(Leases(dir.Network("hlchain")));

        // CHECK after DEL now fails inside our host-local, and the bridge reports it.
        ProcessResult recheck = Bridge("CHECK", withPrev);
        Assert.NotEqual(0, recheck.ExitCode);
    }
}
