using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json.Nodes;
using Cni.Netlink;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The cross-node test: two flannel nodes (<see cref="TwoNodeFlannel"/>), a pod on each added as a runtime
/// would (loopback, then the pod network), pings from pod to pod across the VXLAN overlay and back, the
/// VTEPs' counters showing the traffic went through them, CHECK, and DEL leaving only the bridge; in
/// IPv4 and in dual stack (10.244.0.0/16 and fd00:10:244::/56, a /24 and a /64 per node).
/// </summary>
public class TwoNodeFlannelTests
{
    private const string Loopback = $"{{\"cniVersion\":\"1.0.0\",\"name\":\"{TwoNodeFlannel.NetworkName}\",\"type\":\"loopback\"}}";

    private const int Pings = 3;

    /// <summary>
    /// The pod network call, as a runtime on a flannel node makes it: our flannel, reading the node's
    /// subnet.env and delegating to our bridge, which delegates to our host-local.
    /// </summary>
    private static (string Plugin, string Config) PodNetwork(FlannelNode node) => ("flannel", node.FlannelConfig());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_nodes_carry_what_flanneld_programs(bool dualStack)
    {
        Requires.Root();
        using var cluster = new TwoNodeFlannel(dualStack ? "ds" : "v4", dualStack);
        foreach (FlannelNode node in cluster.Nodes)
        {
            FlannelNode remote = cluster.Nodes[2 - node.Number];
            AssertVtep(node, remote, FlannelNode.Vtep, 32, node.UnderlayAddress, node.VtepAddress, remote.VtepAddress, remote.Subnet, remote.UnderlayAddress, TwoNodeFlannel.Mtu);
            if (dualStack)
            {
                AssertVtep(node, remote, FlannelNode.Vtep6, 128, node.UnderlayAddress6, node.VtepAddress6, remote.VtepAddress6, remote.Subnet6, remote.UnderlayAddress6, TwoNodeFlannel.Mtu6);
            }
            else
            {
                using RtnlSocket rtnl = node.OpenRtnl();
                Assert.Null(rtnl.TryGetLink(FlannelNode.Vtep6));
            }

            string env = File.ReadAllText(node.SubnetFile);
            Assert.Contains("FLANNEL_NETWORK=10.244.0.0/16\n", env, StringComparison.Ordinal);
            Assert.Contains($"FLANNEL_SUBNET=10.244.{node.Number}.1/24\n", env, StringComparison.Ordinal);
            Assert.Contains("FLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n", env, StringComparison.Ordinal);
            Assert.Equal(dualStack, env.Contains($"FLANNEL_IPV6_SUBNET=fd00:10:244:{node.Number}::1/64\n", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Pods_on_two_nodes_ping_each_other_through_flannel_1()
    {
        Requires.Root();
        using var cluster = new TwoNodeFlannel("v4", dualStack: false);
        CrossNode(cluster);
    }

    [Fact]
    public void Dual_stack_pods_ping_each_other_through_flannel_1_and_flannel_v6_1()
    {
        Requires.Root();
        using var cluster = new TwoNodeFlannel("ds", dualStack: true);
        CrossNode(cluster);
    }

    private static void CrossNode(TwoNodeFlannel cluster)
    {
        FlannelNode node1 = cluster.Nodes[0], node2 = cluster.Nodes[1];
        (TestNamespace pod1, CniResult result1, string stdout1) = AddPod(cluster, node1);
        (TestNamespace pod2, CniResult result2, string stdout2) = AddPod(cluster, node2);

        // Across the overlay and back, for each family, through that family's VTEP on both nodes.
        AssertPingsThrough(cluster, FlannelNode.Vtep, pod1, Address(result1, v4: true), pod2, Address(result2, v4: true));
        if (cluster.DualStack)
        {
            node1.WaitForBridgeLinkLocal(TimeSpan.FromSeconds(10));
            node2.WaitForBridgeLinkLocal(TimeSpan.FromSeconds(10));
            AssertPingsThrough(cluster, FlannelNode.Vtep6, pod1, Address(result1, v4: false), pod2, Address(result2, v4: false));
        }

        foreach ((FlannelNode node, TestNamespace pod, string stdout) in new[] { (node1, pod1, stdout1), (node2, pod2, stdout2) })
        {
            (string plugin, string config) = PodNetwork(node);
            ProcessResult check = node.Cni(plugin, "CHECK", pod, BridgeNode.WithPrevResult(config, stdout));
            Assert.True(check.ExitCode == 0, $"CHECK on node {node.Number}: {check}");

            ProcessResult del = node.Cni(plugin, "DEL", pod, config);
            Assert.True(del.ExitCode == 0, $"DEL on node {node.Number}: {del}");
            Assert.Equal(0, node.Cni("loopback", "DEL", pod, Loopback, "lo").ExitCode);

            // Everything of the pod is gone (no veth on either side, no lease, no saved delegate file);
            // what flanneld made and the bridge stay.
            Assert.Empty(BridgeNode.LinkNames(pod));
            string[] expected = cluster.DualStack ? ["cni0", "eth0", "flannel-v6.1", "flannel.1"] : ["cni0", "eth0", "flannel.1"];
            Assert.Equal(expected.Order(StringComparer.Ordinal), BridgeNode.LinkNames(node.Netns).Order(StringComparer.Ordinal));
            Assert.Empty(node.Leases());
            Assert.Empty(Directory.Exists(node.FlannelDataDir) ? Directory.GetFiles(node.FlannelDataDir) : []);

            // DEL is idempotent.
            Assert.Equal(0, node.Cni(plugin, "DEL", pod, config).ExitCode);
        }
    }

    /// <summary>Loopback, then the pod network, as a runtime adds a pod; checks the pod got this node's subnet.</summary>
    private static (TestNamespace Pod, CniResult Result, string Stdout) AddPod(TwoNodeFlannel cluster, FlannelNode node)
    {
        TestNamespace pod = cluster.Pod(node.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ProcessResult lo = node.Cni("loopback", "ADD", pod, Loopback, "lo");
        Assert.True(lo.ExitCode == 0, lo.ToString());
        (string plugin, string config) = PodNetwork(node);
        ProcessResult add = node.Cni(plugin, "ADD", pod, config);
        CniResult result = PluginRunner.Result(add);

        // What flannel saved and sent to the bridge is the delegate derived here independently from the
        // reference's rules (REFERENCE.md 2.3), byte for byte.
        Assert.Equal(node.RenderedBridgeConfig(), File.ReadAllText(Path.Combine(node.FlannelDataDir, pod.Name)));

        IpConfig v4 = Assert.Single(result.Ips, ip => ip.Address.IsIPv4);
        Assert.Equal(IPCidr.Parse(node.Subnet).Network, v4.Address.Network);
        Assert.Equal(IPAddress.Parse(node.Gateway), v4.Gateway);
        Assert.Contains($"10.244.0.0/16 via {node.Gateway} dev eth0", pod.Ip("-4", "route", "show"), StringComparison.Ordinal);
        if (cluster.DualStack)
        {
            IpConfig v6 = Assert.Single(result.Ips, ip => !ip.Address.IsIPv4);
            Assert.Equal(IPCidr.Parse(node.Subnet6).Network, v6.Address.Network);
            Assert.Equal(IPAddress.Parse(node.Gateway6), v6.Gateway);
            Assert.Contains($"fd00:10:244::/56 via {node.Gateway6} dev eth0", pod.Ip("-6", "route", "show"), StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(result.Ips);
        }

        Assert.Equal(TwoNodeFlannel.Mtu, (int)BridgeNode.Link(pod, "eth0")!["mtu"]!);
        Assert.Contains($"{node.Gateway}/24", BridgeNode.Addresses(node.Netns, "cni0"));
        return (pod, result, add.Stdout);
    }

    private static string Address(CniResult result, bool v4) => result.Ips.Single(ip => ip.Address.IsIPv4 == v4).Address.Address.ToString();

    /// <summary>
    /// Pod 1 pings pod 2 and pod 2 pings pod 1, every echo answered; each node's VTEP sent and received at
    /// least one packet per echo request and reply (the pods' own subnets are reached over cni0, the other
    /// node's only through the VTEP).
    /// </summary>
    private static void AssertPingsThrough(TwoNodeFlannel cluster, string vtep, TestNamespace pod1, string address1, TestNamespace pod2, string address2)
    {
        (long Rx, long Tx)[] before = [.. cluster.Nodes.Select(n => TwoNodeFlannel.Counters(n.Netns, vtep))];
        AssertAnswered(pod1, address2);
        AssertAnswered(pod2, address1);
        foreach (FlannelNode node in cluster.Nodes)
        {
            (long rx, long tx) = TwoNodeFlannel.Counters(node.Netns, vtep);
            (long rx0, long tx0) = before[node.Number - 1];
            Assert.True(tx - tx0 >= 2 * Pings, $"{vtep} on node {node.Number} sent {tx - tx0} packets for {2 * Pings} echo requests and replies");
            Assert.True(rx - rx0 >= 2 * Pings, $"{vtep} on node {node.Number} received {rx - rx0} packets for {2 * Pings} echo requests and replies");
        }
    }

    /// <summary>Sends <see cref="Pings"/> echo requests from inside a pod (an ICMP socket made there) and asserts each was answered.</summary>
    private static void AssertAnswered(TestNamespace from, string address)
    {
        using NetworkNamespace ns = NetworkNamespace.Open(from.Path);
        IPStatus[] statuses = ns.Run(() =>
        {
            using var ping = new Ping();
            return Enumerable.Range(0, Pings).Select(_ => ping.Send(IPAddress.Parse(address), 1000).Status).ToArray();
        });
        Assert.True(statuses.All(s => s == IPStatus.Success), $"ping {address} from {from.Name}: {string.Join(", ", statuses)}");
    }

    private static void AssertVtep(FlannelNode node, FlannelNode remote, string name, int hostPrefix, IPAddress underlay, IPAddress address, IPAddress remoteVtep, string remoteSubnet, IPAddress remoteUnderlay, int mtu)
    {
        using RtnlSocket rtnl = node.OpenRtnl();
        using RtnlSocket remoteRtnl = remote.OpenRtnl();
        Link link = rtnl.GetLink(name);
        Assert.Equal("vxlan", link.Kind);
        Assert.True(link.IsUp);
        Assert.Equal(mtu, link.Mtu);
        VxlanInfo vxlan = link.Vxlan!;
        Assert.Equal(TwoNodeFlannel.Vni, vxlan.Id);
        Assert.Equal(TwoNodeFlannel.VxlanPort, vxlan.Port);
        Assert.False(vxlan.Learning);
        Assert.Equal(underlay, vxlan.Local);
        Assert.Equal(rtnl.GetLink(FlannelNode.UnderlayDevice).Index, vxlan.DeviceIndex);
        Assert.Contains(rtnl.ListAddresses(link.Index), a => a.Address.Equals(address) && a.PrefixLength == hostPrefix);

        // The route to the other node's pods: via its VTEP address, on this VTEP, onlink.
        JsonNode route = Assert.Single(JsonNode.Parse(node.Netns.Ip(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "-4" : "-6", "-j", "route", "show", remoteSubnet))!.AsArray())!;
        Assert.Equal(remoteVtep.ToString(), (string?)route["gateway"]);
        Assert.Equal(name, (string?)route["dev"]);
        Assert.Contains("onlink", route["flags"]!.AsArray().Select(f => (string?)f));

        PhysicalAddress remoteMac = remoteRtnl.GetLink(name).MacAddress!;
        Assert.Contains(rtnl.ListNeighbours(link.Index), n => n.Family != NetlinkAddressFamily.Bridge && remoteVtep.Equals(n.Address) && remoteMac.Equals(n.LinkLayerAddress) && n.State == NeighbourState.Permanent);
        Assert.Contains(rtnl.ListNeighbours(link.Index, NetlinkAddressFamily.Bridge), n => remoteUnderlay.Equals(n.Address) && remoteMac.Equals(n.LinkLayerAddress) && (n.Flags & NeighbourFlags.Self) != 0 && n.State == NeighbourState.Permanent);
    }
}
