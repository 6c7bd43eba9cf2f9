using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cni.Ipam.Etcd.Transport;
using Cni.Spec;
using Cni.Tests.Etcd;

namespace Cni.Ipam.Etcd.Tests;

/// <summary>One single-member cluster shared by the tests of a class; each test uses its own network name.</summary>
public sealed class SingleMemberCluster : IDisposable
{
    private readonly Lazy<EtcdCluster> _cluster = new(() => EtcdCluster.Start(1));

    internal EtcdCluster Cluster => _cluster.Value;

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
        {
            _cluster.Value.Dispose();
        }
    }
}

/// <summary>Helpers shared by the store tests.</summary>
internal static class StoreFactory
{
    private static int s_network;

    public static string NewNetwork(string tag) => $"{tag}-{Interlocked.Increment(ref s_network)}-{Environment.ProcessId}";

    public static EtcdStoreOptions Options(EtcdCluster cluster, string node, TimeSpan? timeout = null)
    {
        var options = new EtcdStoreOptions { NodeName = node, Prefix = "/cnitest", Timeout = timeout ?? EtcdStoreOptions.DefaultTimeout };
        foreach (Uri url in cluster.ClientUrls)
        {
            options.Endpoints.Add(url);
        }

        if (cluster.Tls is { } tls)
        {
            options.CaFile = tls.CaFile;
            options.CertFile = tls.ClientCertFile;
            options.KeyFile = tls.ClientKeyFile;
        }

        return options;
    }

    public static RangeSet Range(string subnet, int prefix) => new(IpRange.Create(IPAddress.Parse(subnet), prefix));

    /// <summary>Every key of a network with its value, without the network prefix.</summary>
    public static Dictionary<string, string> Keys(EtcdCluster cluster, string network) =>
        cluster.Range($"/cnitest/{network}/").ToDictionary(kv => kv.Key[$"/cnitest/{network}/".Length..], kv => kv.Value);

    /// <summary>Asserts the invariant of the layout: every address key has its owner key and the reverse, nothing else but hints.</summary>
    public static void AssertConsistent(Dictionary<string, string> keys)
    {
        var ips = keys.Where(k => k.Key.StartsWith("ips/", StringComparison.Ordinal)).ToList();
        var owners = keys.Where(k => k.Key.StartsWith("owners/", StringComparison.Ordinal)).ToList();
        Assert.All(keys.Keys, k => Assert.True(k.StartsWith("ips/", StringComparison.Ordinal) || k.StartsWith("owners/", StringComparison.Ordinal) || k.StartsWith("last_reserved_ip/", StringComparison.Ordinal), "unexpected key " + k));
        Assert.Equal(ips.Count, owners.Count);
        foreach (var owner in owners)
        {
            string[] parts = owner.Key.Split('/');
            Assert.True(keys.TryGetValue("ips/" + owner.Value, out string? record), $"orphan owner key {owner.Key} -> {owner.Value}");
            Assert.Contains($"\"containerId\":\"{parts[1]}\",\"ifName\":\"{parts[2]}\"", record, StringComparison.Ordinal);
            Assert.Contains($"\"rangeSet\":{parts[3]}", record, StringComparison.Ordinal);
        }
    }
}

/// <summary>The store's semantics against a real single-member etcd.</summary>
public sealed class EtcdStoreTests(SingleMemberCluster fixture) : IClassFixture<SingleMemberCluster>
{
    private EtcdCluster Cluster => fixture.Cluster;

    [Fact]
    public void ReservationWritesTheDocumentedKeysAndReleaseLeavesOnlyTheHint()
    {
        string network = StoreFactory.NewNetwork("layout");
        using var store = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-a"), network);
        Assert.Equal($"/cnitest/{network}/", store.KeyPrefix);
        var owner = new LeaseOwner("c1", "eth0");
        Assert.True(store.TryReserve(IPAddress.Parse("10.1.0.5"), owner, 0));

        Dictionary<string, string> keys = StoreFactory.Keys(Cluster, network);
        Assert.Equal(["ips/10.1.0.5", "last_reserved_ip/0", "owners/c1/eth0/0"], keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("{\"containerId\":\"c1\",\"ifName\":\"eth0\",\"node\":\"node-a\",\"rangeSet\":0}", keys["ips/10.1.0.5"]);
        Assert.Equal("10.1.0.5", keys["owners/c1/eth0/0"]);
        Assert.Equal("10.1.0.5", keys["last_reserved_ip/0"]);

        Assert.False(store.TryReserve(IPAddress.Parse("10.1.0.5"), new LeaseOwner("c2", "eth0"), 0));
        CniException duplicate = Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.1.0.6"), owner, 0));
        Assert.Equal(CniErrorCode.Internal, duplicate.Code);
        Assert.Contains("10.1.0.5 has been allocated to c1", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(3, StoreFactory.Keys(Cluster, network).Count);

        Assert.Equal(IPAddress.Parse("10.1.0.5"), store.GetLastReserved(0));
        Assert.Null(store.GetLastReserved(1));
        Assert.Equal(new Lease(IPAddress.Parse("10.1.0.5"), owner), Assert.Single(store.FindByOwner("c1", "eth0")));
        Assert.Empty(store.FindByOwner("c1", "eth1"));
        Assert.Empty(store.FindByOwner("c", "eth0"));

        Assert.Equal(new Lease(IPAddress.Parse("10.1.0.5"), owner), Assert.Single(store.ReleaseByOwner("c1", "eth0")));
        Assert.Empty(store.ReleaseByOwner("c1", "eth0"));
        Assert.Equal(["last_reserved_ip/0"], StoreFactory.Keys(Cluster, network).Keys);
    }

    [Fact]
    public void ReleaseOfOneAddressNeedsItsExactOwner()
    {
        string network = StoreFactory.NewNetwork("release");
        using var store = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-a"), network);
        var owner = new LeaseOwner("c1", "eth0");
        IPAddress v6 = IPAddress.Parse("fd00::7");
        Assert.True(store.TryReserve(v6, owner, 1));
        Assert.False(store.Release(v6, new LeaseOwner("c1", "eth1")));
        Assert.False(store.Release(v6, new LeaseOwner("c1", null)));
        Assert.False(store.Release(IPAddress.Parse("fd00::8"), owner));
        Assert.True(store.Release(IPAddress.Parse("fd00:0::7"), owner));
        Assert.False(store.Release(v6, owner));
        Assert.Equal(["last_reserved_ip/1"], StoreFactory.Keys(Cluster, network).Keys);
    }

    [Fact]
    public void HostLocalIpamOverTheStoreAllocatesRoundRobinFromTheSharedHint()
    {
        string network = StoreFactory.NewNetwork("hint");
        using var a = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-a"), network);
        using var b = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-b"), network);
        RangeSet[] sets = [StoreFactory.Range("10.2.0.0", 24), StoreFactory.Range("fd02::", 120)];
        var onA = new HostLocalIpam(a, sets);
        var onB = new HostLocalIpam(b, sets);

        IReadOnlyList<IpAllocation> first = onA.Allocate("c1", "eth0");
        Assert.Equal(["10.2.0.2/24", "fd02::2/120"], first.Select(x => x.ToString()));
        Assert.Equal(["10.2.0.3/24", "fd02::3/120"], onB.Allocate("c2", "eth0").Select(x => x.ToString()));
        Assert.Single(onA.Release("c1", "eth0"), l => l.Address.Equals(IPAddress.Parse("10.2.0.2")));
        Assert.Equal(["10.2.0.4/24", "fd02::4/120"], onA.Allocate("c3", "eth0").Select(x => x.ToString()));
        Assert.Equal(IPAddress.Parse("10.2.0.4"), b.GetLastReserved(0));
        Assert.Equal(IPAddress.Parse("fd02::4"), b.GetLastReserved(1));

        CniException again = Assert.Throws<CniException>(() => onB.Allocate("c3", "eth0"));
        Assert.Contains("duplicate allocation is not allowed", again.Message, StringComparison.Ordinal);
        Assert.Equal(2, onB.Find("c3", "eth0").Count);
        StoreFactory.AssertConsistent(StoreFactory.Keys(Cluster, network));
        onB.Release("c2", "eth0");
        onB.Release("c3", "eth0");
        Assert.Equal(["last_reserved_ip/0", "last_reserved_ip/1"], StoreFactory.Keys(Cluster, network).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GarbageCollectionOnOneNodeFreesOnlyThatNodesLeases()
    {
        string network = StoreFactory.NewNetwork("gc");
        using var a = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-a"), network);
        using var b = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-b"), network);
        RangeSet[] sets = [StoreFactory.Range("10.3.0.0", 24)];
        var onA = new HostLocalIpam(a, sets);
        var onB = new HostLocalIpam(b, sets);
        onA.Allocate("keep", "eth0");
        onA.Allocate("gone", "eth0");
        onB.Allocate("other", "eth0");

        IReadOnlyList<Lease> freed = onA.CollectGarbage([new LeaseOwner("keep", "eth0")]);
        Assert.Equal("gone", Assert.Single(freed).Owner.ContainerId);
        Assert.Equal(["keep", "other"], a.GetAllLeases().Select(l => l.Owner.ContainerId).Order(StringComparer.Ordinal));
        Assert.Equal(["node-a", "node-b"], a.GetAllLeases().OrderBy(l => l.Owner.ContainerId, StringComparer.Ordinal).Select(l => l.Node));

        // An empty valid list on node B frees B's only lease, never A's.
        Assert.Equal("other", Assert.Single(onB.CollectGarbage([])).Owner.ContainerId);
        Assert.Equal("keep", Assert.Single(b.GetAllLeases()).Owner.ContainerId);
        Assert.Empty(b.GetLeases());
        StoreFactory.AssertConsistent(StoreFactory.Keys(Cluster, network));
    }

    [Fact]
    public void ExhaustionAndStatusCountEveryNodesLeases()
    {
        string network = StoreFactory.NewNetwork("full");
        using var a = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-a"), network);
        using var b = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-b"), network);
        RangeSet[] sets = [StoreFactory.Range("10.4.0.0", 29)]; // .2 to .6: five addresses.
        var onA = new HostLocalIpam(a, sets);
        var onB = new HostLocalIpam(b, sets);
        for (int i = 0; i < 5; i++)
        {
            (i % 2 == 0 ? onA : onB).Allocate("c" + i, "eth0");
        }

        Assert.Equal([0], onA.GetStatus().ExhaustedRangeSets);
        CniException full = Assert.Throws<CniException>(() => onB.Allocate("c9", "eth0"));
        Assert.Contains("no IP addresses available in range set", full.Message, StringComparison.Ordinal);
        Assert.Equal(5, a.GetReservedAddresses().Distinct().Count());
        onA.Release("c2", "eth0");
        onB.CheckStatus();
        Assert.Equal("10.4.0.4/29", Assert.Single(onB.Allocate("c9", "eth0")).ToString());
    }

    [Fact]
    public void TwoNodesRequestingTheSameAddressAtOnceGetItExactlyOnce()
    {
        string network = StoreFactory.NewNetwork("requested");
        RangeSet[] sets = [StoreFactory.Range("10.5.0.0", 24)];
        for (int round = 0; round < 10; round++)
        {
            IPAddress wanted = IPAddress.Parse($"10.5.0.{10 + round}");
            int granted = 0;
            using var barrier = new Barrier(3);
            Thread[] threads = [.. Enumerable.Range(0, 3).Select(n => new Thread(() =>
            {
                using var store = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-" + n), network);
                var ipam = new HostLocalIpam(store, sets);
                barrier.SignalAndWait();
                try
                {
                    ipam.Allocate($"r{round}n{n}", "eth0", [wanted]);
                    Interlocked.Increment(ref granted);
                }
                catch (CniException e) when (e.Message.Contains("is not available", StringComparison.Ordinal))
                {
                    // Lost the race: the other node has it.
                }
            }))];
            Array.ForEach(threads, t => t.Start());
            Array.ForEach(threads, t => t.Join());
            Assert.Equal(1, granted);
        }

        StoreFactory.AssertConsistent(StoreFactory.Keys(Cluster, network));
        Assert.Equal(10, StoreFactory.Keys(Cluster, network).Count(k => k.Key.StartsWith("ips/", StringComparison.Ordinal)));
    }

    [Fact]
    public void ManyThreadsOnThreeNodesNeverGetTheSameAddress()
    {
        string network = StoreFactory.NewNetwork("parallel");
        RangeSet[] sets = [StoreFactory.Range("10.6.0.0", 22)];
        var got = new ConcurrentBag<(string Owner, string Address)>();
        var errors = new ConcurrentBag<Exception>();
        const int Threads = 12, Each = 15;
        using var barrier = new Barrier(Threads);
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            using var store = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-" + (t % 3)), network);
            var ipam = new HostLocalIpam(store, sets);
            barrier.SignalAndWait();
            for (int i = 0; i < Each; i++)
            {
                try
                {
                    got.Add(($"t{t}i{i}", ipam.Allocate($"t{t}i{i}", "eth0")[0].Address.ToString()));
                }
                catch (CniException e)
                {
                    errors.Add(e);
                }
            }
        }))];
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        Assert.Empty(errors);
        Assert.Equal(Threads * Each, got.Count);
        Assert.Equal(got.Count, got.Select(g => g.Address).Distinct().Count());
        Dictionary<string, string> keys = StoreFactory.Keys(Cluster, network);
        StoreFactory.AssertConsistent(keys);
        Assert.Equal(Threads * Each, keys.Count(k => k.Key.StartsWith("ips/", StringComparison.Ordinal)));

        using var cleaner = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-0"), network);
        Parallel.ForEach(got, new ParallelOptions { MaxDegreeOfParallelism = 6 }, g => Assert.Single(cleaner.ReleaseByOwner(g.Owner, "eth0")));
        Assert.Equal(["last_reserved_ip/0"], StoreFactory.Keys(Cluster, network).Keys);
    }

    [Fact]
    public void ALostAnswerAfterTheTransactionWasAppliedCountsAsReserved()
    {
        string network = StoreFactory.NewNetwork("ambiguous");
        EtcdStoreOptions options = StoreFactory.Options(Cluster, "node-a");
        var lossy = new AnswerLosingTransport(new HttpEtcdTransport([.. options.Endpoints], null));
        using var store = new EtcdIpamStore(options, network, lossy);
        lossy.LoseNextTxnAnswer = true;
        Assert.True(store.TryReserve(IPAddress.Parse("10.7.0.9"), new LeaseOwner("c1", "eth0"), 0));
        Assert.Equal(2, lossy.TxnsSent);
        Assert.Equal("c1", Assert.Single(store.GetAllLeases()).Owner.ContainerId);

        // Without a lost answer, the same reservation again is a duplicate, not a success.
        Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.7.0.9"), new LeaseOwner("c1", "eth0"), 0));
        lossy.LoseNextTxnAnswer = true;
        Assert.Single(store.ReleaseByOwner("c1", "eth0"));
        Assert.Equal(["last_reserved_ip/0"], StoreFactory.Keys(Cluster, network).Keys);
    }

    [Fact]
    public void UnreachableEndpointsFailWithTryAgainLaterWithinTheTimeout()
    {
        string network = StoreFactory.NewNetwork("down");
        var options = new EtcdStoreOptions { NodeName = "n", Timeout = TimeSpan.FromMilliseconds(500) };
        options.Endpoints.Add(new Uri("http://127.0.0.1:1"));
        using var store = new EtcdIpamStore(options, network);
        var clock = Stopwatch.StartNew();
        CniException e = Assert.Throws<CniException>(() => new HostLocalIpam(store, [StoreFactory.Range("10.8.0.0", 24)]).Allocate("c1", "eth0"));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Contains("http://127.0.0.1:1", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(2));
        CniException status = Assert.Throws<CniException>(store.CheckUsable);
        Assert.Equal(CniErrorCode.PluginNotAvailable, status.Code);

        // A dead first endpoint passes the call to the next one.
        EtcdStoreOptions both = StoreFactory.Options(Cluster, "n");
        both.Endpoints.Insert(0, new Uri("http://127.0.0.1:1"));
        using var failover = new EtcdIpamStore(both, network);
        Assert.True(failover.TryReserve(IPAddress.Parse("10.8.0.2"), new LeaseOwner("c1", "eth0"), 0));
        failover.CheckUsable();
    }

    [Fact]
    public void BadOptionsAreRefusedWithTheReason()
    {
        var none = new EtcdStoreOptions();
        Assert.Contains("no etcd endpoint", Refused(none), StringComparison.Ordinal);
        var path = new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379/v3") } };
        Assert.Contains("invalid etcd endpoint", Refused(path), StringComparison.Ordinal);
        var noCa = new EtcdStoreOptions { Endpoints = { new Uri("https://127.0.0.1:2379") } };
        Assert.Contains("need a CA file", Refused(noCa), StringComparison.Ordinal);
        var certOnly = new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379") }, CertFile = "/etc/hostname" };
        Assert.Contains("without its key", Refused(certOnly), StringComparison.Ordinal);
        var missing = new EtcdStoreOptions { Endpoints = { new Uri("https://127.0.0.1:2379") }, CaFile = "/nonexistent/ca.pem" };
        Assert.Contains("/nonexistent/ca.pem does not exist", Refused(missing), StringComparison.Ordinal);
        var timeout = new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379") }, Timeout = TimeSpan.Zero };
        Assert.Contains("timeout", Refused(timeout), StringComparison.Ordinal);
        var node = new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379") }, NodeName = "a b" };
        Assert.Contains("node name", Refused(node), StringComparison.Ordinal);

        using var store = new EtcdIpamStore(new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379") } }, "net");
        Assert.Equal(Environment.MachineName, store.NodeName);
        Assert.Equal("/cni-ipam/net/", store.KeyPrefix);
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Loopback, new LeaseOwner("c", null), 0)).Code);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, Assert.Throws<CniException>(() => new EtcdIpamStore(new EtcdStoreOptions { Endpoints = { new Uri("http://127.0.0.1:2379") } }, "../x")).Code);

        static string Refused(EtcdStoreOptions options)
        {
            CniException e = Assert.Throws<CniException>(() => new EtcdIpamStore(options, "net"));
            Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
            return e.Message;
        }
    }

    /// <summary>Forwards to the real transport, but can drop the answer of a transaction after it was applied.</summary>
    private sealed class AnswerLosingTransport(IEtcdTransport inner) : IEtcdTransport
    {
        public bool LoseNextTxnAnswer { get; set; }

        public int TxnsSent { get; private set; }

        public int EndpointCount => inner.EndpointCount;

        public string Describe(int endpoint) => inner.Describe(endpoint);

        public EtcdHttpResponse Post(int endpoint, string path, ReadOnlySpan<byte> body, Deadline deadline)
        {
            EtcdHttpResponse response = inner.Post(endpoint, path, body, deadline);
            if (path == "/v3/kv/txn")
            {
                TxnsSent++;
                if (LoseNextTxnAnswer)
                {
                    LoseNextTxnAnswer = false;
                    throw new EtcdTransportException("answer lost (test)", requestSent: true);
                }
            }

            return response;
        }

        public void Dispose() => inner.Dispose();
    }
}
