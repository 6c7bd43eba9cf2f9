using Cni.Spec;
using Cni.Tests;
using Cni.Tests.Etcd;
using static Cni.Plugins.Tests.ClusterLocal.ClusterLocalKit;

namespace Cni.Plugins.Tests.ClusterLocal;

/// <summary>One etcd member for the tests of this class; each test keeps its keys under a prefix of its own.</summary>
public sealed class SingleEtcd : IDisposable
{
    public SingleEtcd() => Cluster = EtcdCluster.Start(1);

    internal EtcdCluster Cluster { get; }

    public void Dispose() => Cluster.Dispose();
}

/// <summary>
/// The published cluster-local against one real etcd member: host-local's results for host-local's
/// configuration, the verbs, several "nodes" (node names) sharing the address space, and the keys it leaves.
/// </summary>
public class ClusterLocalTests(SingleEtcd etcd) : IClassFixture<SingleEtcd>
{
    private IReadOnlyList<string> Endpoints => EndpointsOf(etcd.Cluster);

    [Fact]
    public void The_same_configuration_gives_the_same_results_as_host_local()
    {
        string prefix = NewPrefix("same");
        string dataDir = Directory.CreateTempSubdirectory("cnitest-cl-hl-").FullName;
        string resolv = Path.Combine(dataDir, "resolv.conf");
        File.WriteAllText(resolv, "nameserver 10.0.0.53\nsearch example.test\noptions ndots:2\n");
        try
        {
            const string ranges = "[[{\"subnet\":\"10.91.0.0/28\",\"rangeStart\":\"10.91.0.3\",\"gateway\":\"10.91.0.1\"}],[{\"subnet\":\"fd00:91::/120\"}]]";
            string extra = $"\"routes\":[{{\"dst\":\"0.0.0.0/0\"}},{{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.91.0.1\"}}],\"resolvConf\":\"{resolv}\"";
            string ours = Config(Endpoints, prefix, "node-a", ranges, ipamExtra: extra);
            string hostLocal = $"{{\"cniVersion\":\"1.1.0\",\"name\":\"cltest\",\"type\":\"host-local\",\"ipam\":{{\"type\":\"host-local\",\"dataDir\":\"{dataDir}\",\"ranges\":{ranges},{extra}}}}}";
            string hostLocalBinary = RepoPaths.OurPlugin("host-local");
            (string Command, string Container, string? Args)[] steps =
            [
                ("ADD", "c1", null), ("ADD", "c2", null), ("DEL", "c1", null), ("ADD", "c3", null),
                ("ADD", "c4", "IP=10.91.0.9"), ("ADD", "c5", "IP=10.91.0.9"), ("ADD", "c3", null),
                ("CHECK", "c2", null), ("CHECK", "c1", null), ("DEL", "c9", null), ("ADD", "c6", null),
            ];
            foreach ((string command, string container, string? args) in steps)
            {
                Dictionary<string, string?> env = PluginRunner.Env(command, "/var/run/netns/cnitest-none", container);
                if (args is not null)
                {
                    env["CNI_ARGS"] = args;
                }

                ProcessResult expected = Processes.Run(hostLocalBinary, env, hostLocal);
                ProcessResult actual = Processes.Run(Binary, env, ours);
                string where = $"{command} {container} {args}\nhost-local: {expected}\ncluster-local: {actual}";
                Assert.True(expected.ExitCode == actual.ExitCode, where);
                if (expected.ExitCode == 0)
                {
                    Assert.True(expected.Stdout == actual.Stdout, where);
                }
                else if (command != "CHECK")
                {
                    CniError e = PluginRunner.Error(expected), a = PluginRunner.Error(actual);
                    Assert.True(e.Code == a.Code && e.Message == a.Message, where);
                }
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Two_nodes_asking_for_the_same_address_one_gets_it()
    {
        string prefix = NewPrefix("req");
        string a = Config(Endpoints, prefix, "node-a"), b = Config(Endpoints, prefix, "node-b");
        for (int i = 0; i < 8; i++)
        {
            string wanted = $"10.90.1.{10 + i}";
            int n = i;
            Task<ProcessResult> ra = Task.Run(() => Run("ADD", a, $"a{n}", cniArgs: "IP=" + wanted), TestContext.Current.CancellationToken);
            Task<ProcessResult> rb = Task.Run(() => Run("ADD", b, $"b{n}", cniArgs: "IP=" + wanted), TestContext.Current.CancellationToken);
            ProcessResult[] both = await Task.WhenAll(ra, rb);
            Assert.True(both.Count(r => r.ExitCode == 0) == 1, $"{wanted}: {both[0]}\n{both[1]}");
            ProcessResult winner = both.Single(r => r.ExitCode == 0), loser = both.Single(r => r.ExitCode != 0);
            Assert.Equal([wanted], Addresses(winner));
            CniError error = PluginRunner.Error(loser);
            Assert.Equal(999, (int)error.Code);
            Assert.Contains($"requested IP address {wanted} is not available", error.Message, StringComparison.Ordinal);
        }

        // Each address is held once, by the winner's node.
        Assert.Equal(8, Leases(Keys(etcd.Cluster, prefix)).Count);
    }

    [Fact]
    public void Exhaustion_across_nodes_then_status_then_release()
    {
        string prefix = NewPrefix("full");
        const string ranges = "[[{\"subnet\":\"10.92.0.0/24\",\"rangeStart\":\"10.92.0.10\",\"rangeEnd\":\"10.92.0.13\"}]]";
        string a = Config(Endpoints, prefix, "node-a", ranges), b = Config(Endpoints, prefix, "node-b", ranges);
        AssertOk(Run("STATUS", a));
        var got = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            got.AddRange(Addresses(Run("ADD", i % 2 == 0 ? a : b, $"c{i}")));
        }

        Assert.Equal(["10.92.0.10", "10.92.0.11", "10.92.0.12", "10.92.0.13"], got.Order(StringComparer.Ordinal));
        CniError full = PluginRunner.Error(Run("ADD", b, "c9"));
        Assert.Equal(999, (int)full.Code);
        Assert.Contains("no IP addresses available in range set", full.Message, StringComparison.Ordinal);

        CniError status = PluginRunner.Error(Run("STATUS", a));
        Assert.Equal(50, (int)status.Code);
        Assert.Contains("range set 0", status.Message, StringComparison.Ordinal);

        // A DEL on either node frees the address for both.
        AssertOk(Run("DEL", a, "c1"));
        AssertOk(Run("STATUS", b));
        Assert.Equal(["10.92.0.11"], Addresses(Run("ADD", b, "c9")));
    }

    [Fact]
    public void Dual_stack_gives_one_address_per_family_and_del_frees_both()
    {
        string prefix = NewPrefix("dual");
        const string ranges = "[[{\"subnet\":\"10.93.0.0/24\"}],[{\"subnet\":\"fd00:93::/64\"}]]";
        string a = Config(Endpoints, prefix, "node-a", ranges), b = Config(Endpoints, prefix, "node-b", ranges);
        CniResult ra = PluginRunner.Result(Run("ADD", a, "x"));
        CniResult rb = PluginRunner.Result(Run("ADD", b, "y"));
        Assert.Equal(["10.93.0.2/24", "fd00:93::2/64"], ra.Ips.Select(i => i.Address.ToString()));
        Assert.Equal(["10.93.0.3/24", "fd00:93::3/64"], rb.Ips.Select(i => i.Address.ToString()));
        Assert.Equal(["10.93.0.1", "fd00:93::1"], ra.Ips.Select(i => i.Gateway!.ToString()));
        Assert.Equal(4, Leases(Keys(etcd.Cluster, prefix)).Count);
        AssertOk(Run("CHECK", a, "x"));

        AssertOk(Run("DEL", b, "x")); // a DEL from another node frees it too
        AssertOk(Run("DEL", b, "x")); // and again: idempotent
        Assert.Equal(["10.93.0.3", "fd00:93::3"], Leases(Keys(etcd.Cluster, prefix)).Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(0, Run("CHECK", a, "x").ExitCode);
    }

    [Fact]
    public void Gc_on_a_node_frees_only_that_nodes_stale_leases()
    {
        string prefix = NewPrefix("gc");
        string a = Config(Endpoints, prefix, "node-a"), b = Config(Endpoints, prefix, "node-b");
        foreach (string c in new[] { "a1", "a2", "a3" })
        {
            AssertOk(Run("ADD", a, c));
        }

        foreach (string c in new[] { "b1", "b2" })
        {
            AssertOk(Run("ADD", b, c));
        }

        // node-a knows only a1 is alive: a2 and a3 go, node-b's leases stay though node-a does not list them.
        ProcessResult gc = Gc(a, ("a1", "eth0"));
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Equal(["a1", "b1", "b2"], Owners(Keys(etcd.Cluster, prefix)));

        // node-b with no valid attachment: its own leases go, node-a's stays.
        gc = Gc(b);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Equal(["a1"], Owners(Keys(etcd.Cluster, prefix)));
        AssertOk(Run("CHECK", a, "a1"));
    }

    [Fact]
    public void Unreachable_etcd_fails_add_with_11_and_status_with_50()
    {
        string dead = "http://127.0.0.1:" + FreePort();
        string config = Config([dead], NewPrefix("dead"), "node-a", timeout: "500ms");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        CniError add = PluginRunner.Error(Run("ADD", config, "c1"));
        Assert.Equal(11, (int)add.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"ADD took {watch.Elapsed}");
        CniError status = PluginRunner.Error(Run("STATUS", config));
        Assert.Equal(50, (int)status.Code);

        // The second endpoint answers: endpoints are tried in order.
        AssertOk(Run("ADD", Config([dead, .. Endpoints], NewPrefix("dead"), "node-a"), "c1"));
    }

    [Theory]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.endpoints")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":\"http://127.0.0.1:1\"},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 6, "ipam.etcd.endpoints")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"ftp://127.0.0.1:1\"]},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.endpoints[0]")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"],\"timout\":\"2s\"},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.timout")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"],\"timeout\":\"soon\"},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.timeout")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"],\"timeout\":true},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 6, "ipam.etcd.timeout")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"],\"prefix\":7},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 6, "ipam.etcd.prefix")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"https://127.0.0.1:1\"]},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.tls.caFile")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"https://127.0.0.1:1\"],\"tls\":{\"caFile\":\"/nonexistent/ca.pem\"}},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "/nonexistent/ca.pem")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"https://127.0.0.1:1\"],\"tls\":{\"caFile\":\"/etc/hostname\",\"certFile\":\"/etc/hostname\"}},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.tls.keyFile")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"https://127.0.0.1:1\"],\"tls\":{\"ca\":\"/etc/hostname\"}},\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.etcd.tls.ca")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"]},\"nodeName\":\"a b\",\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}]]}", 7, "ipam.nodeName")]
    [InlineData("\"ipam\":{\"type\":\"cluster-local\",\"etcd\":{\"endpoints\":[\"http://127.0.0.1:1\"]},\"ranges\":[[{\"subnet\":\"10.0.0.0/33\"}]]}", 7, "invalid CIDR address: 10.0.0.0/33")]
    public void A_bad_key_is_refused_with_its_name(string ipam, int code, string named)
    {
        ProcessResult r = Run("ADD", $"{{\"cniVersion\":\"1.0.0\",\"name\":\"bad\",\"type\":\"cluster-local\",{ipam}}}");
        CniError error = PluginRunner.Error(r);
        Assert.True((int)error.Code == code, r.ToString());
        Assert.True(error.Message.Contains(named, StringComparison.Ordinal), r.ToString());
    }
}
