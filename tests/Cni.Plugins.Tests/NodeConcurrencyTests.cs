using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// One node, one /24, more pods than addresses: 260 bridge ADDs (published binaries, our host-local as
/// IPAM) released at once onto a bridge that does not exist yet, each into its own pod namespace, inside a
/// test node namespace; then 260 DELs the same way.
/// </summary>
public class NodeConcurrencyTests
{
    private const int Pods = 260;

    /// <summary>10.99.0.0/24 less the network, broadcast and gateway addresses.</summary>
    private const int Addresses = 253;

    /// <summary>
    /// How many plugin processes run at one time. All calls are released together and contend for these
    /// slots (the machine has two cores); each slot's ADD still races the others for the bridge, the
    /// gateway address and host-local's lock.
    /// </summary>
    private const int FanOut = 64;

    private const string Bridge = "cniconc0";

    [Fact]
    public void Pods_beyond_the_subnet_fail_cleanly_and_the_bridge_and_gateway_are_made_once()
    {
        Requires.Root();
        using var node = new BridgeNode("conc", RepoPaths.OurPlugin("host-local"));
        string bridge = RepoPaths.OurPlugin("bridge");
        string config = node.Config(extra: $"\"bridge\":\"{Bridge}\",\"isGateway\":true", ranges: "[[{\"subnet\":\"10.99.0.0/24\"}]]", name: "concnet");
        TestNamespace[] pods = MakePods(node);
        Assert.Null(BridgeNode.Link(node.Node, Bridge));

        var clock = Stopwatch.StartNew();
        ProcessResult[] adds = RunAll(i => node.Run(bridge, "ADD", pods[i].Path, config, containerId: Id(i)));
        TimeSpan addTime = clock.Elapsed;

        // 253 successes with unique addresses of the subnet, other than the gateway; 7 exhaustion errors.
        int[] ok = [.. Enumerable.Range(0, Pods).Where(i => adds[i].ExitCode == 0)];
        int[] failed = [.. Enumerable.Range(0, Pods).Where(i => adds[i].ExitCode != 0)];
        Assert.True(ok.Length == Addresses, $"{ok.Length} ADDs succeeded, expected {Addresses}; first failure: {(failed.Length > 0 ? adds[failed[0]] : null)}");
        var addressOf = new Dictionary<int, string>();
        foreach (int i in ok)
        {
            CniResult r = CniResult.Parse(adds[i].Stdout, CniVersion.V1_0_0);
            IpConfig ip = Assert.Single(r.Ips);
            Assert.Equal("10.99.0.1", ip.Gateway?.ToString());
            addressOf[i] = ip.Address.ToString();
        }

        string[] all = [.. addressOf.Values];
        Assert.Equal(Addresses, all.Distinct().Count());
        Assert.All(all, a => Assert.Matches(@"^10\.99\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])/24$", a));
        foreach (int i in failed)
        {
            CniError e = PluginRunner.Error(adds[i]);
            Assert.True((int)e.Code == 999 && e.Message.Contains("no IP addresses available in range set: 10.99.0.1-10.99.0.254", StringComparison.Ordinal), $"pod {i}: {adds[i]}");
            Assert.DoesNotContain("Unhandled", adds[i].Stderr, StringComparison.Ordinal);
        }

        // The bridge once, its gateway address once, a host veth on it for each success and nothing else.
        JsonArray links = BridgeNode.Links(node.Node);
        JsonNode bridgeLink = Assert.Single(links, l => (string?)l!["linkinfo"]?["info_kind"] == "bridge")!;
        Assert.Equal(Bridge, (string?)bridgeLink["ifname"]);
        Assert.Equal(["10.99.0.1/24"], BridgeNode.Addresses(node.Node, Bridge));
        JsonNode[] veths = [.. links.Where(l => (string?)l!["linkinfo"]?["info_kind"] == "veth").Select(l => l!)];
        Assert.Equal(Addresses, veths.Length);
        Assert.All(veths, v => Assert.Equal(Bridge, (string?)v["master"]));
        Assert.Equal(2, links.Count - veths.Length); // lo and the bridge

        // Each success holds its lease and its address in its pod; the failures hold neither.
        string[] leases = node.Leases("concnet");
        Assert.Equal(Addresses, leases.Length);
        Assert.Equal(all.Select(a => a.Split('/')[0]).Order(), leases.Order());
        foreach (int i in ok)
        {
            Assert.Equal([addressOf[i]], BridgeNode.Addresses(pods[i], "eth0"));
        }

        foreach (int i in failed)
        {
            Assert.Empty(BridgeNode.LinkNames(pods[i]));
        }

        string dataDir = Path.Combine(node.DataDir, "concnet");
        foreach (string lease in leases)
        {
            Assert.DoesNotContain(File.ReadAllText(Path.Combine(dataDir, lease)), failed.Select(Id));
        }

        clock.Restart();
        ProcessResult[] dels = RunAll(i => node.Run(bridge, "DEL", pods[i].Path, config, containerId: Id(i)));
        TimeSpan delTime = clock.Elapsed;
        Assert.All(dels, d => Assert.True(d.ExitCode == 0, d.ToString()));

        // After every DEL: no veth, no lease, the pods empty; the bridge stays, as the reference leaves it.
        Assert.DoesNotContain(BridgeNode.Links(node.Node), l => (string?)l!["linkinfo"]?["info_kind"] == "veth");
        Assert.Empty(node.Leases("concnet"));
        Assert.All(Directory.GetFiles(dataDir).Select(Path.GetFileName), f => Assert.True(f == "lock" || f!.StartsWith("last_reserved_ip.", StringComparison.Ordinal) || f.StartsWith('.'), f));
        Assert.All(pods, p => Assert.Empty(BridgeNode.LinkNames(p)));

        // The figures, in the test's output and in artifacts/ (which the test command keeps) for the closing note.
        string figures = $"{DateTime.UtcNow:u} {Pods} bridge ADDs into one /24 ({FanOut} processes at a time, {Environment.ProcessorCount} cores): {addTime.TotalSeconds:F1} s; {Pods} DELs: {delTime.TotalSeconds:F1} s";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        File.AppendAllText(Path.Combine(RepoPaths.Root, "artifacts", "node-concurrency.txt"), figures + "\n");
    }

    private static string Id(int i) => $"conc{i:D3}";

    private static TestNamespace[] MakePods(BridgeNode node)
    {
        var pods = new TestNamespace[Pods];
        for (int i = 0; i < Pods; i++)
        {
            pods[i] = node.Pod("c" + i);
        }

        return pods;
    }

    /// <summary>Releases all calls at once; <see cref="FanOut"/> of them run at any one time.</summary>
    private static ProcessResult[] RunAll(Func<int, ProcessResult> call)
    {
        using var slots = new SemaphoreSlim(FanOut);
        using var start = new ManualResetEventSlim();
        var threads = new Thread[Pods];
        var results = new ProcessResult[Pods];
        for (int i = 0; i < Pods; i++)
        {
            int n = i;
            threads[i] = new Thread(() =>
            {
                start.Wait();
                slots.Wait();
                try
                {
                    results[n] = call(n);
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    results[n] = new ProcessResult(-1, "", "the call could not run: " + e);
                }
                finally
                {
                    slots.Release();
                }
            }, maxStackSize: 256 * 1024);
            threads[i].Start();
        }

        start.Set();
        foreach (Thread t in threads)
        {
            t.Join();
        }

        return results;
    }
}
