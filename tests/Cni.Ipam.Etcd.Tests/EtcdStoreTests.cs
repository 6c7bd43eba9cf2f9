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

    /// <summary>
    /// Asserts the invariant of the layout: every address key has its owner key and its node key, and the reverse;
    /// nothing else but hints.
    /// </summary>
    public static void AssertConsistent(Dictionary<string, string> keys)
    {
        static bool Under(string key, string segment) => key.StartsWith(segment, StringComparison.Ordinal);
        var ips = keys.Where(k => Under(k.Key, "ips/")).ToList();
        var owners = keys.Where(k => Under(k.Key, "owners/")).ToList();
        var nodes = keys.Where(k => Under(k.Key, "nodes/")).ToList();
        Assert.All(keys.Keys, k => Assert.True(Under(k, "ips/") || Under(k, "owners/") || Under(k, "nodes/") || Under(k, "last_reserved_ip/"), "unexpected key " + k));
        Assert.Equal(ips.Count, owners.Count);
        Assert.Equal(ips.Count, nodes.Count);
        foreach (var owner in owners)
        {
            string[] parts = owner.Key.Split('/');
            string[] value = owner.Value.Split(' ');
            Assert.True(keys.TryGetValue("ips/" + value[0], out string? record), $"orphan owner key {owner.Key} -> {owner.Value}");
            Assert.Contains($"\"containerId\":\"{parts[1]}\",\"ifName\":\"{parts[2]}\",\"node\":\"{value[1]}\",\"rangeSet\":{parts[3]}", record, StringComparison.Ordinal);
            Assert.True(keys.TryGetValue($"nodes/{value[1]}/{parts[1]}/{parts[2]}/{parts[3]}", out string? indexed), $"no node key for {owner.Key}");
            Assert.Equal(value[0], indexed);
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
        Assert.Equal(["ips/10.1.0.5", "last_reserved_ip/0", "nodes/node-a/c1/eth0/0", "owners/c1/eth0/0"], keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("{\"containerId\":\"c1\",\"ifName\":\"eth0\",\"node\":\"node-a\",\"rangeSet\":0}", keys["ips/10.1.0.5"]);
        Assert.Equal("10.1.0.5 node-a", keys["owners/c1/eth0/0"]);
        Assert.Equal("10.1.0.5", keys["nodes/node-a/c1/eth0/0"]);
        Assert.Equal("10.1.0.5", keys["last_reserved_ip/0"]);

        Assert.False(store.TryReserve(IPAddress.Parse("10.1.0.5"), new LeaseOwner("c2", "eth0"), 0));
        CniException duplicate = Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.1.0.6"), owner, 0));
        Assert.Equal(CniErrorCode.Internal, duplicate.Code);
        Assert.Contains("10.1.0.5 has been allocated to c1", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(4, StoreFactory.Keys(Cluster, network).Count);

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
    public void GcAndStatusRequestsDoNotGrowWithOtherNodesLeases()
    {
        string network = StoreFactory.NewNetwork("scale");
        EtcdStoreOptions options = StoreFactory.Options(Cluster, "node-a");
        var counting = new CountingTransport(new HttpEtcdTransport([.. options.Endpoints], null));
        using var a = new EtcdIpamStore(options, network, counting);
        using var b = new EtcdIpamStore(StoreFactory.Options(Cluster, "node-b"), network);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(a.TryReserve(IPAddress.Parse($"10.9.0.{i + 1}"), new LeaseOwner("a" + i, "eth0"), 0));
        }

        void ReserveOnB(int from, int to) => Parallel.For(from, to, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            Assert.True(b.TryReserve(IPAddress.Parse($"10.9.{1 + (i / 250)}.{1 + (i % 250)}"), new LeaseOwner("b" + i, "eth0"), 0)));

        (int Requests, long Bytes, T Value) Measure<T>(Func<T> call)
        {
            counting.Reset();
            T value = call();
            return (counting.Requests, counting.Bytes, value);
        }

        ReserveOnB(0, 10);
        var gcFew = Measure(a.GetLeases);
        var countFew = Measure(a.CountReserved);
        ReserveOnB(10, 400);
        var gcMany = Measure(a.GetLeases);
        var countMany = Measure(a.CountReserved);

        // Node A's GC reads its own three leases, in one request of the same size with 10 or 400 of B's beside them
        // (the answer's header carries the revision, whose digits may grow).
        Assert.Equal(["a0", "a1", "a2"], gcMany.Value.Select(l => l.Owner.ContainerId));
        Assert.Equal((1, 1), (gcFew.Requests, gcMany.Requests));
        Assert.InRange(gcMany.Bytes, gcFew.Bytes - 8, gcFew.Bytes + 8);

        // STATUS's count is one request whose answer holds no key.
        Assert.Equal((13L, 403L), (countFew.Value, countMany.Value));
        Assert.Equal((1, 1), (countFew.Requests, countMany.Requests));
        Assert.InRange(countMany.Bytes, countFew.Bytes - 8, countFew.Bytes + 8);

        // The GC itself touches only A's leases: one read and, per lease freed, a read and a transaction.
        counting.Reset();
        var onA = new HostLocalIpam(a, [StoreFactory.Range("10.9.0.0", 16)]);
        Assert.Equal(["a1", "a2"], onA.CollectGarbage([new LeaseOwner("a0", "eth0")]).Select(l => l.Owner.ContainerId).Order(StringComparer.Ordinal));
        Assert.Equal(1 + (2 * 2), counting.Requests);
        Assert.Equal(401, a.GetAllLeases().Count);
        StoreFactory.AssertConsistent(StoreFactory.Keys(Cluster, network));
    }

    [Fact]
    public void AReservationWhoseAnswerIsLostIsResolvedBeforeFailureIsReported()
    {
        string network = StoreFactory.NewNetwork("resolve");
        EtcdStoreOptions options = StoreFactory.Options(Cluster, "node-a", TimeSpan.FromMilliseconds(400));
        var flaky = new OutageTransport(new HttpEtcdTransport([.. options.Endpoints], null));
        using var store = new EtcdIpamStore(options, network, flaky);

        // Applied, its answer lost, then no member answers until after the deadline (an election): the store keeps
        // asking, the answer says the reservation holds, and it succeeds rather than fail with a lease left behind.
        flaky.Next(apply: true, outage: TimeSpan.FromMilliseconds(600));
        Assert.True(store.TryReserve(IPAddress.Parse("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0));
        Assert.Equal("c1", Assert.Single(store.GetAllLeases()).Owner.ContainerId);

        // Never applied (lost with the leader) and the same outage: the retry itself reserves, once.
        flaky.Next(apply: false, outage: TimeSpan.FromMilliseconds(600));
        Assert.True(store.TryReserve(IPAddress.Parse("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0));
        Assert.Equal(["c1", "c2"], store.GetAllLeases().Select(l => l.Owner.ContainerId).Order(StringComparer.Ordinal));

        // Never applied and no answer for longer than twice the timeout: code 11 saying the outcome is unknown,
        // within twice the timeout, and indeed nothing written.
        flaky.Next(apply: false, outage: TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        CniException e = Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.10.0.4"), new LeaseOwner("c3", "eth0"), 0));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Contains("was sent but etcd did not confirm or refuse it", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1500));
        flaky.Next(apply: true, outage: TimeSpan.Zero);
        Assert.Empty(store.FindByOwner("c3", "eth0"));

        // An outage before anything was sent is not ambiguous: the failure comes at the deadline.
        flaky.Next(apply: true, outage: TimeSpan.FromSeconds(3), refuseFirst: true);
        clock.Restart();
        Assert.Equal(CniErrorCode.TryAgainLater, Assert.Throws<CniException>(() => store.TryReserve(IPAddress.Parse("10.10.0.5"), new LeaseOwner("c4", "eth0"), 0)).Code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromMilliseconds(750));
        StoreFactory.AssertConsistent(StoreFactory.Keys(Cluster, network));
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

    /// <summary>Forwards to the real transport, counting requests and the bytes of their answers.</summary>
    private sealed class CountingTransport(IEtcdTransport inner) : IEtcdTransport
    {
        private int _requests;
        private long _bytes;

        public int Requests => Volatile.Read(ref _requests);

        public long Bytes => Interlocked.Read(ref _bytes);

        public int EndpointCount => inner.EndpointCount;

        public void Reset()
        {
            Volatile.Write(ref _requests, 0);
            Interlocked.Exchange(ref _bytes, 0);
        }

        public string Describe(int endpoint) => inner.Describe(endpoint);

        public EtcdHttpResponse Post(int endpoint, string path, ReadOnlySpan<byte> body, Deadline deadline)
        {
            EtcdHttpResponse response = inner.Post(endpoint, path, body, deadline);
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _bytes, response.Body.Length);
            return response;
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>
    /// Forwards to the real transport, except around the next transaction: it is applied or not, its answer is lost
    /// either way, and then every request fails, as if unsent (refused), for the outage. With refuseFirst the outage
    /// starts before the transaction, which is then never sent.
    /// </summary>
    private sealed class OutageTransport(IEtcdTransport inner) : IEtcdTransport
    {
        private bool _armed;
        private bool _apply;
        private bool _refuseFirst;
        private TimeSpan _outage;
        private long _outageEnds;

        public int EndpointCount => inner.EndpointCount;

        public void Next(bool apply, TimeSpan outage, bool refuseFirst = false)
        {
            _armed = true;
            _apply = apply;
            _outage = outage;
            _refuseFirst = refuseFirst;
            _outageEnds = refuseFirst ? Stopwatch.GetTimestamp() + (long)(outage.TotalSeconds * Stopwatch.Frequency) : 0;
        }

        public string Describe(int endpoint) => inner.Describe(endpoint);

        public EtcdHttpResponse Post(int endpoint, string path, ReadOnlySpan<byte> body, Deadline deadline)
        {
            if (Stopwatch.GetTimestamp() < _outageEnds)
            {
                throw new EtcdTransportException("connection refused (test outage)", requestSent: false);
            }

            if (_armed && !_refuseFirst && path == "/v3/kv/txn")
            {
                _armed = false;
                if (_apply)
                {
                    inner.Post(endpoint, path, body, deadline);
                }

                _outageEnds = Stopwatch.GetTimestamp() + (long)(_outage.TotalSeconds * Stopwatch.Frequency);
                throw new EtcdTransportException("answer lost with the leader (test)", requestSent: true);
            }

            return inner.Post(endpoint, path, body, deadline);
        }

        public void Dispose() => inner.Dispose();
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
