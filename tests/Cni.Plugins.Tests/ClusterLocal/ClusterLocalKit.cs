using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cni.Netlink;
using Cni.Spec;
using Cni.Tests;
using Cni.Tests.Etcd;

namespace Cni.Plugins.Tests.ClusterLocal;

/// <summary>
/// What the cluster-local tests share: configurations, running the published binary as a "node" (a node
/// name) against a real etcd, and reading the keys etcd holds straight from its v3 JSON gateway, so a test
/// sees what the plugin wrote without going through the store it is testing.
/// </summary>
internal static class ClusterLocalKit
{
    /// <summary>The published cluster-local binary (refused when older than its sources).</summary>
    public static string Binary => RepoPaths.OurPlugin("cluster-local");

    /// <summary>A prefix of its own for each test: tests that share a cluster never see each other's keys.</summary>
    public static string NewPrefix(string tag) => $"/cnitest/{tag}-{Guid.NewGuid():N}"[..32];

    /// <summary>
    /// The timeout the tests configure unless they test the timeout itself: the machine running the test
    /// command is shared and loaded (a TLS handshake and a quorum write can take seconds there), and a test
    /// about addresses must not fail on a deadline it is not about.
    /// </summary>
    public const string Generous = "15s";

    /// <summary>A cluster-local configuration.</summary>
    /// <param name="endpoints">The etcd client URLs.</param>
    /// <param name="prefix">ipam.etcd.prefix.</param>
    /// <param name="node">ipam.nodeName (null: absent, the host name).</param>
    /// <param name="ranges">ipam.ranges as JSON.</param>
    /// <param name="etcdExtra">More members of ipam.etcd, as JSON without braces.</param>
    /// <param name="ipamExtra">More members of ipam, as JSON without braces.</param>
    /// <param name="name">The network name.</param>
    /// <param name="version">cniVersion.</param>
    /// <param name="type">The plugin type.</param>
    /// <param name="timeout">ipam.etcd.timeout; null leaves it out (the default, 2 s).</param>
    public static string Config(IEnumerable<string> endpoints, string prefix, string? node, string ranges = "[[{\"subnet\":\"10.90.0.0/22\"}]]", string? etcdExtra = null, string? ipamExtra = null, string name = "cltest", string version = "1.1.0", string type = "cluster-local", string? timeout = Generous)
    {
        if (timeout is not null)
        {
            etcdExtra = etcdExtra is null ? $"\"timeout\":\"{timeout}\"" : etcdExtra + $",\"timeout\":\"{timeout}\"";
        }

        string eps = string.Join(",", endpoints.Select(e => "\"" + e + "\""));
        string etcd = $"{{\"endpoints\":[{eps}],\"prefix\":\"{prefix}\"{(etcdExtra is null ? "" : "," + etcdExtra)}}}";
        string nodeKey = node is null ? "" : $",\"nodeName\":\"{node}\"";
        string ipam = $"{{\"type\":\"cluster-local\",\"etcd\":{etcd}{nodeKey},\"ranges\":{ranges}{(ipamExtra is null ? "" : "," + ipamExtra)}}}";
        return $"{{\"cniVersion\":\"{version}\",\"name\":\"{name}\",\"type\":\"{type}\",\"ipam\":{ipam}}}";
    }

    /// <summary>Runs the published binary once, as a runtime would run an IPAM plugin (no namespace needed).</summary>
    public static ProcessResult Run(string command, string config, string containerId = "ctr1", string ifName = "eth0", string? cniArgs = null, int timeoutMs = 60_000)
    {
        Dictionary<string, string?> env = PluginRunner.Env(command, "/var/run/netns/cnitest-none", containerId, ifName);
        if (cniArgs is not null)
        {
            env["CNI_ARGS"] = cniArgs;
        }

        return Processes.Run(Binary, env, config, timeoutMs: timeoutMs);
    }

    /// <summary>Runs the same program as <see cref="Run"/> with a GC request keeping <paramref name="valid"/>.</summary>
    public static ProcessResult Gc(string config, params (string ContainerId, string IfName)[] valid)
    {
        string attachments = string.Join(",", valid.Select(v => $"{{\"containerID\":\"{v.ContainerId}\",\"ifname\":\"{v.IfName}\"}}"));
        string withValid = config[..config.LastIndexOf('}')] + $",\"cni.dev/valid-attachments\":[{attachments}]}}";
        return Processes.Run(Binary, PluginRunner.Env("GC", null, containerId: null!, ifName: null!), withValid);
    }

    /// <summary>Asserts that a call succeeded, showing what it printed when it did not.</summary>
    public static void AssertOk(ProcessResult r) => Assert.True(r.ExitCode == 0, r.ToString());

    /// <summary>The addresses (without prefix) of a successful ADD.</summary>
    public static string[] Addresses(ProcessResult r) => [.. PluginRunner.Result(r).Ips.Select(ip => ip.Address.Address.ToString())];

    /// <summary>A cluster's client URLs as configuration text.</summary>
    public static string[] EndpointsOf(EtcdCluster cluster) => [.. cluster.ClientUrls.Select(u => u.GetLeftPart(UriPartial.Authority))];

    /// <summary>Every key under <paramref name="prefix"/> with its value (a quorum read through the fixture).</summary>
    public static SortedDictionary<string, string> Keys(EtcdCluster cluster, string prefix) => new(cluster.Range(prefix).ToDictionary(), StringComparer.Ordinal);

    // The store's key layout (Cni.Ipam.Etcd's EtcdIpamStore) under <prefix>/<network>/: ips/<address> holds the
    // lease record {"containerId","ifName","node","rangeSet"}, owners/<containerId>/<ifName>/<rangeSet> holds the
    // address and the node ("<address> <node>"), nodes/<node>/<containerId>/<ifName>/<rangeSet> holds the address,
    // last_reserved_ip/<rangeSet> is the per-range-set hint.

    /// <summary>The leases among <paramref name="keys"/>: address -> "containerId/ifName@node".</summary>
    public static Dictionary<string, string> Leases(IDictionary<string, string> keys)
    {
        var leases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in keys)
        {
            if (Segment(key) == "ips")
            {
                using JsonDocument record = JsonDocument.Parse(value);
                JsonElement r = record.RootElement;
                leases[key[(key.LastIndexOf('/') + 1)..]] = $"{r.GetProperty("containerId").GetString()}/{r.GetProperty("ifName").GetString()}@{r.GetProperty("node").GetString()}";
            }
        }

        return leases;
    }

    /// <summary>The container IDs holding leases among <paramref name="keys"/>, sorted, without repeats.</summary>
    public static string[] Owners(IDictionary<string, string> keys) =>
        [.. Leases(keys).Values.Select(v => v[..v.IndexOf('/')]).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Every address key has its owner key pointing back at it, and the other way round: no half-written lease.</summary>
    public static void AssertNoOrphans(IDictionary<string, string> keys)
    {
        var fromOwners = new Dictionary<string, string>(StringComparer.Ordinal); // address -> containerId/ifName
        foreach ((string key, string value) in keys)
        {
            if (Segment(key) == "owners")
            {
                string[] parts = key[(key.IndexOf("/owners/", StringComparison.Ordinal) + "/owners/".Length)..].Split('/');
                string address = value.Split(' ')[0];
                Assert.True(fromOwners.TryAdd(address, parts[0] + "/" + parts[1]), $"two owner keys point at {address}");
                string node = value.Split(' ')[1];
                string nodeKey = $"{key[..key.IndexOf("/owners/", StringComparison.Ordinal)]}/nodes/{node}/{parts[0]}/{parts[1]}/{parts[2]}";
                Assert.True(keys.TryGetValue(nodeKey, out string? indexed) && indexed == address, $"no node key {nodeKey} for {key}");
            }
        }

        Dictionary<string, string> leases = Leases(keys);
        Assert.Equal(leases.Keys.Order(StringComparer.Ordinal), fromOwners.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(leases.Count, keys.Keys.Count(k => Segment(k) == "nodes"));
        foreach ((string address, string owner) in leases)
        {
            Assert.Equal(fromOwners[address], owner[..owner.IndexOf('@')]);
        }
    }

    /// <summary>The keys that name or hold <paramref name="containerId"/>: its address record, owner keys and node keys.</summary>
    public static string[] KeysOf(IDictionary<string, string> keys, string containerId) =>
        [.. keys.Where(kv => kv.Key.Contains($"/{containerId}/", StringComparison.Ordinal) || kv.Value.Contains($"\"containerId\":\"{containerId}\"", StringComparison.Ordinal)).Select(kv => kv.Key)];

    /// <summary>Nothing but the per-range-set hints is left.</summary>
    public static void AssertOnlyHints(IDictionary<string, string> keys)
    {
        string[] others = [.. keys.Keys.Where(k => Segment(k) != "last_reserved_ip")];
        Assert.True(others.Length == 0, "left behind: " + string.Join(", ", others.Take(10)));
        Assert.NotEmpty(keys);
    }

    /// <summary>The layout segment of a key: the component after &lt;prefix&gt;/&lt;network&gt;/.</summary>
    private static string Segment(string key)
    {
        foreach (string s in new[] { "/ips/", "/owners/", "/nodes/", "/last_reserved_ip/" })
        {
            if (key.Contains(s, StringComparison.Ordinal))
            {
                return s.Trim('/');
            }
        }

        return key;
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on (now).</summary>
    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Every key under <paramref name="prefix"/> with its value, read from the first reachable endpoint with a serializable read (which a member without quorum still answers).</summary>
    public static SortedDictionary<string, string> KeysServedLocally(IEnumerable<string> endpoints, string prefix, bool serializable = true)
    {
        byte[] start = Encoding.UTF8.GetBytes(prefix);
        byte[] end = (byte[])start.Clone();
        end[^1]++;
        string body = $"{{\"key\":\"{Convert.ToBase64String(start)}\",\"range_end\":\"{Convert.ToBase64String(end)}\",\"serializable\":{(serializable ? "true" : "false")}}}";
        Exception? last = null;
        foreach (string endpoint in endpoints)
        {
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                using HttpResponseMessage response = http.PostAsync(endpoint.TrimEnd('/') + "/v3/kv/range", new StringContent(body, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                {
                    last = new InvalidOperationException($"{endpoint}: {(int)response.StatusCode} {text}");
                    continue;
                }

                var keys = new SortedDictionary<string, string>(StringComparer.Ordinal);
                using JsonDocument doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("kvs", out JsonElement kvs))
                {
                    foreach (JsonElement kv in kvs.EnumerateArray())
                    {
                        string key = Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty("key").GetString()!));
                        string value = kv.TryGetProperty("value", out JsonElement v) ? Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!)) : "";
                        keys[key] = value;
                    }
                }

                return keys;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }
        }

        throw new InvalidOperationException("no etcd endpoint answered a range request", last);
    }

    /// <summary>
    /// A TCP relay from 127.0.0.1 inside a test namespace to an etcd endpoint on this machine's 127.0.0.1, so a
    /// plugin running inside a node namespace (started by a bridge there) reaches the shared etcd. The listening
    /// socket is made inside the namespace and each upstream socket outside it: the kernel keeps each socket in the
    /// namespace it was made in. Only loopback traffic, in the test's namespace and in the machine's.
    /// </summary>
    public sealed class Relay : IDisposable
    {
        private readonly Socket _listener;
        private readonly IPEndPoint _upstream;
        private readonly CancellationTokenSource _stop = new();

        public Relay(TestNamespace ns, Uri upstream)
        {
            _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);
            using NetworkNamespace inside = NetworkNamespace.Open(ns.Path);
            ns.Ip("link", "set", "lo", "up");
            _listener = inside.Run(() =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, upstream.Port));
                s.Listen(64);
                return s;
            });
            Endpoint = $"{upstream.Scheme}://127.0.0.1:{upstream.Port}";
            _ = Task.Run(AcceptLoop);
        }

        /// <summary>The URL to give the plugin inside the namespace (the same port as upstream).</summary>
        public string Endpoint { get; }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                    {
                        try
                        {
                            await server.ConnectAsync(_upstream, _stop.Token);
                            await Task.WhenAll(Pump(client, server), Pump(server, client));
                        }
                        catch (Exception)
                        {
                            // A connection that breaks breaks for the plugin too, as a real one would.
                        }
                    }
                });
            }
        }

        private async Task Pump(Socket from, Socket to)
        {
            byte[] buffer = new byte[16384];
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
        }
    }
}
