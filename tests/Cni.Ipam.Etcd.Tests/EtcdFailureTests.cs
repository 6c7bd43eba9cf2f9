using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cni.Spec;
using Cni.Tests.Etcd;

namespace Cni.Ipam.Etcd.Tests;

/// <summary>Quorum loss, a leader killed in a burst, and TLS: each test with its own cluster.</summary>
public sealed class EtcdFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void WithoutQuorumAnAddFailsInTimeWithTryAgainLaterAndWritesNothing()
    {
        using EtcdCluster cluster = EtcdCluster.Start(3);
        string network = StoreFactory.NewNetwork("quorum");
        RangeSet[] sets = [StoreFactory.Range("10.20.0.0", 24)];
        using var store = new EtcdIpamStore(StoreFactory.Options(cluster, "node-a"), network);
        var ipam = new HostLocalIpam(store, sets);
        ipam.Allocate("before", "eth0");

        int leader = cluster.Leader();
        int[] others = [.. Enumerable.Range(0, 3).Where(i => i != leader)];
        cluster.StopMember(others[0]);
        cluster.StopMember(others[1]);

        var clock = Stopwatch.StartNew();
        CniException e = Assert.Throws<CniException>(() => ipam.Allocate("during", "eth0"));
        TimeSpan took = clock.Elapsed;
        output.WriteLine($"ADD without quorum failed after {took.TotalMilliseconds:F0} ms: {e.Message}");
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.InRange(took, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
        Assert.Equal(CniErrorCode.PluginNotAvailable, Assert.Throws<CniException>(ipam.CheckStatus).Code);

        cluster.StartMember(others[0]);
        cluster.StartMember(others[1]);
        cluster.WaitHealthy(TimeSpan.FromSeconds(30));
        Assert.Empty(store.FindByOwner("during", "eth0"));
        Assert.Equal("10.20.0.3/24", Assert.Single(ipam.Allocate("after", "eth0")).ToString());
        Dictionary<string, string> keys = StoreFactory.Keys(cluster, network);
        StoreFactory.AssertConsistent(keys);
        Assert.Equal(["ips/10.20.0.2", "ips/10.20.0.3"], keys.Keys.Where(k => k.StartsWith("ips/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        ipam.CheckStatus();
    }

    [Fact]
    public void KillingTheLeaderInABurstGrantsNoAddressTwiceAndLeavesNoOrphan()
    {
        using EtcdCluster cluster = EtcdCluster.Start(3);
        string network = StoreFactory.NewNetwork("burst");
        RangeSet[] sets = [StoreFactory.Range("10.21.0.0", 22)];
        const int Nodes = 3, PerNode = 100, ThreadsPerNode = 4;
        var granted = new ConcurrentBag<(string Owner, string Address)>();
        var failed = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<Exception>();
        int started = 0;
        var threads = new List<Thread>();
        for (int n = 0; n < Nodes; n++)
        {
            for (int t = 0; t < ThreadsPerNode; t++)
            {
                int node = n, thread = t;
                threads.Add(new Thread(() =>
                {
                    using var store = new EtcdIpamStore(StoreFactory.Options(cluster, "node-" + node), network);
                    var ipam = new HostLocalIpam(store, sets);
                    for (int i = thread; i < PerNode; i += ThreadsPerNode)
                    {
                        string id = $"n{node}c{i}";
                        Interlocked.Increment(ref started);
                        try
                        {
                            granted.Add((id, ipam.Allocate(id, "eth0")[0].Address.ToString()));
                        }
                        catch (CniException e) when (e.Code == CniErrorCode.TryAgainLater)
                        {
                            failed.Add(id);
                        }
                        catch (Exception e)
                        {
                            unexpected.Add(e);
                        }
                    }
                }));
            }
        }

        threads.ForEach(t => t.Start());
        SpinWait.SpinUntil(() => Volatile.Read(ref started) >= Nodes * PerNode / 3, TimeSpan.FromSeconds(60));
        int killed = cluster.KillLeader();
        threads.ForEach(t => t.Join());
        output.WriteLine($"leader m{killed} killed after {Nodes * PerNode / 3} ADDs started: {granted.Count} succeeded, {failed.Count} failed with code 11");
        Assert.Empty(unexpected);
        Assert.Equal(Nodes * PerNode, granted.Count + failed.Count);

        // The failed ones left nothing behind them, without any release, and retried, succeed.
        using var retry = new EtcdIpamStore(StoreFactory.Options(cluster, "node-0"), network);
        var retryIpam = new HostLocalIpam(retry, sets);
        Dictionary<string, string> before = StoreFactory.Keys(cluster, network);
        foreach (string id in failed)
        {
            string[] left = [.. before.Where(kv => kv.Key.Contains($"/{id}/", StringComparison.Ordinal) || kv.Value.Contains($"\"{id}\"", StringComparison.Ordinal)).Select(kv => kv.Key)];
            Assert.True(left.Length == 0, $"the failed reservation of {id} left {string.Join(", ", left)}");
        }

        foreach (string id in failed)
        {
            granted.Add((id, retryIpam.Allocate(id, "eth0")[0].Address.ToString()));
        }

        Assert.Equal(Nodes * PerNode, granted.Count);
        Assert.Equal(granted.Count, granted.Select(g => g.Address).Distinct().Count());
        Dictionary<string, string> keys = StoreFactory.Keys(cluster, network);
        StoreFactory.AssertConsistent(keys);
        Assert.Equal(Nodes * PerNode, keys.Count(k => k.Key.StartsWith("ips/", StringComparison.Ordinal)));

        cluster.StartMember(killed);
        Parallel.ForEach(granted, new ParallelOptions { MaxDegreeOfParallelism = 6 }, g => Assert.Single(retry.ReleaseByOwner(g.Owner, "eth0")));
        Assert.Equal(["last_reserved_ip/0"], StoreFactory.Keys(cluster, network).Keys);
    }

    [Fact]
    public void TlsWithClientCertificatesWorksAndAWrongCaOrMissingFileIsRefusedNamingTheFile()
    {
        using EtcdCluster cluster = EtcdCluster.Start(1, tls: true);
        EtcdTls tls = cluster.Tls!;
        string network = StoreFactory.NewNetwork("tls");
        RangeSet[] sets = [StoreFactory.Range("10.22.0.0", 24)];

        using (var store = new EtcdIpamStore(StoreFactory.Options(cluster, "node-a", TimeSpan.FromSeconds(20)), network))
        {
            Assert.Equal("10.22.0.2/24", Assert.Single(new HostLocalIpam(store, sets).Allocate("c1", "eth0")).ToString());
            store.CheckUsable();
        }

        // A generous timeout: a TLS handshake on this loaded machine can take a second, and the point here is
        // that a wrong CA fails at once with code 7, not after the deadline with 11.
        EtcdStoreOptions wrongCa = StoreFactory.Options(cluster, "node-a", TimeSpan.FromSeconds(20));
        wrongCa.CaFile = tls.WrongCaFile;
        using (var store = new EtcdIpamStore(wrongCa, network))
        {
            var clock = Stopwatch.StartNew();
            CniException e = Assert.Throws<CniException>(() => new HostLocalIpam(store, sets).Allocate("c2", "eth0"));
            output.WriteLine($"wrong CA after {clock.ElapsedMilliseconds} ms: {e.Message}");
            Assert.True(e.Code == CniErrorCode.InvalidNetworkConfig, e.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "a wrong CA must not be retried until the deadline");
            Assert.Contains(tls.WrongCaFile, e.Message, StringComparison.Ordinal);
            Assert.Contains("not signed by the CA", e.Message, StringComparison.Ordinal);
        }

        EtcdStoreOptions missing = StoreFactory.Options(cluster, "node-a");
        missing.CertFile = Path.Combine(tls.Directory, "nonexistent.pem");
        CniException refused = Assert.Throws<CniException>(() => new EtcdIpamStore(missing, network));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, refused.Code);
        Assert.Contains(missing.CertFile, refused.Message, StringComparison.Ordinal);

        EtcdStoreOptions notPem = StoreFactory.Options(cluster, "node-a", TimeSpan.FromSeconds(20));
        notPem.CaFile = tls.ServerKeyFile;
        using (var store = new EtcdIpamStore(notPem, network))
        {
            CniException e = Assert.Throws<CniException>(() => store.GetLastReserved(0));
            Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
            Assert.Contains(tls.ServerKeyFile, e.Message, StringComparison.Ordinal);
        }

        // A client certificate from another CA: the server refuses the handshake; nothing is written.
        EtcdStoreOptions wrongClient = StoreFactory.Options(cluster, "node-a", TimeSpan.FromMilliseconds(600));
        wrongClient.CertFile = tls.WrongClientCertFile;
        wrongClient.KeyFile = tls.WrongClientKeyFile;
        using (var store = new EtcdIpamStore(wrongClient, network))
        {
            CniException e = Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.22.0.9"), new LeaseOwner("c3", "eth0"), 0));
            output.WriteLine("wrong client certificate: " + e.Message);
            Assert.Contains(tls.WrongClientCertFile, e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(["ips/10.22.0.2", "last_reserved_ip/0", "nodes/node-a/c1/eth0/0", "owners/c1/eth0/0"], StoreFactory.Keys(cluster, network).Keys.Order(StringComparer.Ordinal));
    }
}
