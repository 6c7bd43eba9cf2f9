using System.Net;
using Cni.Spec;
using Cni.Tests;
using Cni.Tests.Etcd;
using static Cni.Plugins.Tests.ClusterLocal.ClusterLocalKit;

namespace Cni.Plugins.Tests.ClusterLocal;

/// <summary>
/// cluster-local as the IPAM of a bridge on several "nodes": each node a network namespace where the bridge
/// runs and delegates to cluster-local, which reaches the one shared etcd through a loopback relay made in that
/// namespace. Pods on different nodes get addresses from one range and never the same one. Our bridge and the
/// Go reference bridge both use it.
/// </summary>
public class ClusterLocalBridgeTests
{
    private static string BridgeConfig(string endpoint, string prefix, string node) =>
        $"{{\"cniVersion\":\"1.0.0\",\"name\":\"clbr\",\"type\":\"bridge\",\"bridge\":\"clbr0\",\"isGateway\":true," +
        $"\"ipam\":{{\"type\":\"cluster-local\",\"nodeName\":\"{node}\",\"etcd\":{{\"endpoints\":[\"{endpoint}\"],\"prefix\":\"{prefix}\"}}," +
        "\"ranges\":[[{\"subnet\":\"10.94.0.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";

    [Fact]
    public void Pods_of_three_nodes_get_distinct_addresses_from_one_range_through_our_bridge_and_the_go_bridge()
    {
        Requires.Root();
        using EtcdCluster cluster = EtcdCluster.Start(1);
        Uri upstream = cluster.ClientUrl(0);
        string prefix = NewPrefix("bridge");
        string ourBridge = RepoPaths.OurPlugin("bridge");
        string goBridge = Requires.ReferencePlugin("bridge");
        (string Name, string Bridge)[] nodes = [("node-a", ourBridge), ("node-b", ourBridge), ("node-c", goBridge)];

        var made = new List<IDisposable>();
        try
        {
            var pods = new List<(BridgeNode Node, TestNamespace Pod, string Config, string Bridge, string Id, string Address)>();
            foreach ((string name, string bridge) in nodes)
            {
                var node = new BridgeNode("cl" + name[^1]);
                made.Add(node);
                File.CreateSymbolicLink(Path.Combine(node.PluginPath, "cluster-local"), Binary);
                var relay = new Relay(node.Node, upstream);
                made.Add(relay);
                string config = BridgeConfig(relay.Endpoint, prefix, name);
                for (int p = 0; p < 3; p++)
                {
                    TestNamespace pod = node.Pod($"{name[^1]}{p}");
                    string id = $"{name}-pod{p}";
                    ProcessResult r = node.Run(bridge, "ADD", pod.Path, config, id);
                    CniResult result = PluginRunner.Result(r);
                    IpConfig ip = Assert.Single(result.Ips);
                    Assert.Equal(24, ip.Address.PrefixLength);
                    Assert.True(IPNetwork.Parse("10.94.0.0/24").Contains(ip.Address.Address), r.ToString());

                    // The address is on the pod's interface, as the bridge put it there.
                    Assert.Contains($"{ip.Address.Address}/24", BridgeNode.Addresses(pod, "eth0"));
                    pods.Add((node, pod, config, bridge, id, ip.Address.Address.ToString()));
                }
            }

            // Nine pods on three nodes: nine different addresses, each recorded once with its pod's node.
            Assert.Equal(9, pods.Select(p => p.Address).Distinct().Count());
            Dictionary<string, string> leases = Leases(Keys(cluster, prefix));
            Assert.Equal(pods.Select(p => p.Address).Order(StringComparer.Ordinal), leases.Keys.Order(StringComparer.Ordinal));
            foreach (var p in pods)
            {
                Assert.Equal($"{p.Id}/eth0@{p.Id[..p.Id.IndexOf("-pod", StringComparison.Ordinal)]}", leases[p.Address]);
            }

            foreach (var p in pods)
            {
                ProcessResult del = p.Node.Run(p.Bridge, "DEL", p.Pod.Path, p.Config, p.Id);
                Assert.True(del.ExitCode == 0, del.ToString());
            }

            AssertOnlyHints(Keys(cluster, prefix));
        }
        finally
        {
            foreach (IDisposable d in Enumerable.Reverse(made))
            {
                d.Dispose();
            }
        }
    }
}
