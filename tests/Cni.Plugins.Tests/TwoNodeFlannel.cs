using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json.Nodes;
using Cni.Netlink;
using Cni.Netlink.Protocol;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Two flannel "nodes" on one machine, each a network namespace, joined by an underlay veth pair, with
/// what flanneld's VXLAN backend programs on each of them done here with Cni.Netlink: the VTEP device
/// (<c>flannel.1</c>, and <c>flannel-v6.1</c> for dual stack), its address, and for the other node the
/// route, the neighbour and the FDB entry. Each node also has its subnet.env and private data
/// directories; pods are further namespaces. The pod network itself (cni0, veths, leases) is made by
/// the plugins the tests run inside the node namespaces. Everything is removed on dispose, even when
/// a test (or this constructor) fails, and nothing touches the machine's own network namespace.
/// </summary>
/// <remarks>
/// <para>The picture (n = 1, 2):</para>
/// <code>
///  pod (10.244.n.x, fd00:10:244:n::x)
///   | eth0 -- veth -- cni0 (10.244.n.1/24, fd00:10:244:n::1/64)         node n
///   |                  flannel.1    10.244.n.0/32       VNI 1 port 8472 local 192.168.250.n
///   |                  flannel-v6.1 fd00:10:244:n::/128 VNI 1 port 8472 local fd00:250::n
///   |                  eth0 (underlay) 192.168.250.n/24, fd00:250::n/64
///   +----------------- veth pair -------------------------------------- the other node
/// </code>
/// <para>
/// Dual stack follows flanneld: the IPv6 cluster network gets a VTEP of its own, <c>flannel-v6.&lt;VNI&gt;</c>
/// with the same VNI and port, whose local address is the node's IPv6 underlay address (the kernel keeps a
/// VNI/port per underlay family, so the two devices coexist). The underlay veth is therefore dual stack too.
/// </para>
/// </remarks>
internal sealed class TwoNodeFlannel : IDisposable
{
    /// <summary>The network name every pod network call uses (flannel's default conflist calls it cbr0).</summary>
    public const string NetworkName = "cbr0";

    /// <summary>The IPv4 cluster network (FLANNEL_NETWORK).</summary>
    public const string Network = "10.244.0.0/16";

    /// <summary>The IPv6 cluster network (FLANNEL_IPV6_NETWORK): a /56, of which each node gets a /64.</summary>
    public const string Network6 = "fd00:10:244::/56";

    /// <summary>The VXLAN network identifier flanneld uses by default, for both devices.</summary>
    public const uint Vni = 1;

    /// <summary>The UDP port of Linux VXLAN (flanneld's default: the kernel's).</summary>
    public const ushort VxlanPort = 8472;

    /// <summary>The MTU of the VTEPs and of the pods: 1500 underlay minus 50 bytes of VXLAN over IPv4.</summary>
    public const int Mtu = 1450;

    /// <summary>The MTU of <c>flannel-v6.1</c>: 1500 minus 70 bytes of VXLAN over IPv6.</summary>
    public const int Mtu6 = 1430;


    private readonly List<TestNamespace> _namespaces = [];

    public TwoNodeFlannel(string tag, bool dualStack)
    {
        DualStack = dualStack;
        Root = Directory.CreateTempSubdirectory("cnitest-flannel-").FullName;
        try
        {
            Nodes = [NewNode(tag, 1), NewNode(tag, 2)];
            Underlay();
            foreach (FlannelNode node in Nodes)
            {
                Vteps(node);
            }

            foreach (FlannelNode node in Nodes)
            {
                Peer(node, Nodes[2 - node.Number]);
                node.WriteSubnetEnv();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public bool DualStack { get; }

    /// <summary>A private temporary directory: the subnet.env files and data directories of both nodes.</summary>
    public string Root { get; }

    /// <summary>Node 1 and node 2 (index 0 and 1).</summary>
    public FlannelNode[] Nodes { get; } = [];

    /// <summary>A new pod namespace, removed with the fixture.</summary>
    public TestNamespace Pod(string tag)
    {
        var pod = TestNamespace.Create("flp" + tag);
        _namespaces.Add(pod);
        return pod;
    }

    private FlannelNode NewNode(string tag, int number)
    {
        var ns = TestNamespace.Create($"fln{number}{tag}");
        _namespaces.Add(ns);
        return new FlannelNode(this, number, ns);
    }

    /// <summary>The nodes' NICs: a veth pair <c>eth0</c>-<c>eth0</c>, addressed and up; strict rp_filter on the nodes.</summary>
    private void Underlay()
    {
        FlannelNode a = Nodes[0], b = Nodes[1];
        using (NetworkNamespace peer = NetworkNamespace.Open(b.Netns.Path))
        using (RtnlSocket rtnl = a.OpenRtnl())
        {
            rtnl.AddVeth(FlannelNode.UnderlayDevice, FlannelNode.UnderlayDevice, new VethOptions { PeerNamespace = peer });
        }

        foreach (FlannelNode node in Nodes)
        {
            // Strict reverse-path filtering, the strictest a node may have (a new namespace inherits the
            // machine's IPv4 setting otherwise): every path of the overlay must pass it.
            using (NetworkNamespace ns = NetworkNamespace.Open(node.Netns.Path))
            {
                ns.WriteSysctl(Sysctl.IPv4Conf("all", "rp_filter"), "1");
                ns.WriteSysctl(Sysctl.IPv4Conf("default", "rp_filter"), "1");
            }

            using RtnlSocket rtnl = node.OpenRtnl();
            int eth0 = rtnl.GetLink(FlannelNode.UnderlayDevice).Index;
            rtnl.AddAddress(eth0, node.UnderlayAddress, 24);
            if (DualStack)
            {
                rtnl.AddAddress(eth0, node.UnderlayAddress6, 64, new AddressOptions { NoDad = true });
            }

            rtnl.SetLinkUp(eth0);
            rtnl.SetLinkUp(rtnl.GetLink("lo").Index);
        }
    }

    /// <summary>
    /// What flanneld does at start on its node: <c>ip link add flannel.1 type vxlan id 1 local &lt;underlay&gt;
    /// dev eth0 dstport 8472 nolearning</c> (MTU 1450), <c>ip addr add 10.244.n.0/32 dev flannel.1</c>, up;
    /// the same as <c>flannel-v6.1</c> over the IPv6 underlay.
    /// </summary>
    private void Vteps(FlannelNode node)
    {
        using RtnlSocket rtnl = node.OpenRtnl();
        int eth0 = rtnl.GetLink(FlannelNode.UnderlayDevice).Index;
        Vtep(rtnl, FlannelNode.Vtep, node.UnderlayAddress, eth0, Mtu, node.VtepAddress, 32);
        if (DualStack)
        {
            Vtep(rtnl, FlannelNode.Vtep6, node.UnderlayAddress6, eth0, Mtu6, node.VtepAddress6, 128);
        }
    }

    private static void Vtep(RtnlSocket rtnl, string name, IPAddress local, int underlay, int mtu, IPAddress address, int prefixLength)
    {
        rtnl.AddVxlan(name, new VxlanOptions { Id = Vni, Local = local, DeviceIndex = underlay, Port = VxlanPort, Learning = false, Mtu = mtu });
        int index = rtnl.GetLink(name).Index;
        rtnl.AddAddress(index, address, prefixLength, new AddressOptions { NoDad = true });
        rtnl.SetLinkUp(index);
    }

    /// <summary>
    /// What flanneld's VXLAN backend programs on <paramref name="node"/> when it learns of <paramref name="remote"/>
    /// (per family): the route <c>10.244.r.0/24 via 10.244.r.0 dev flannel.1 onlink</c>, the neighbour
    /// <c>10.244.r.0 lladdr &lt;remote VTEP MAC&gt; dev flannel.1 nud permanent</c>, and the FDB entry
    /// <c>&lt;remote VTEP MAC&gt; dev flannel.1 dst &lt;remote underlay&gt; self permanent</c>.
    /// </summary>
    private void Peer(FlannelNode node, FlannelNode remote)
    {
        using RtnlSocket rtnl = node.OpenRtnl();
        using RtnlSocket remoteRtnl = remote.OpenRtnl();
        PeerFamily(rtnl, rtnl.GetLink(FlannelNode.Vtep).Index, remoteRtnl.GetLink(FlannelNode.Vtep).MacAddress!, remote.VtepAddress, 24, remote.UnderlayAddress);
        if (DualStack)
        {
            PeerFamily(rtnl, rtnl.GetLink(FlannelNode.Vtep6).Index, remoteRtnl.GetLink(FlannelNode.Vtep6).MacAddress!, remote.VtepAddress6, 64, remote.UnderlayAddress6);
        }
    }

    private static void PeerFamily(RtnlSocket rtnl, int vtep, PhysicalAddress remoteMac, IPAddress remoteVtep, int prefixLength, IPAddress remoteUnderlay)
    {
        // ip route replace DST/LEN via VTEP dev flannel.1 onlink: no address of flannel.1 covers the remote VTEP.
        rtnl.ReplaceRoute(new Route
        {
            Destination = remoteVtep,
            DestinationPrefixLength = prefixLength,
            Gateway = remoteVtep,
            OutputInterface = vtep,
            OnLink = true,
        });
        rtnl.SetNeighbour(new Neighbour { Index = vtep, Address = remoteVtep, LinkLayerAddress = remoteMac, State = NeighbourState.Permanent });
        rtnl.SetNeighbour(new Neighbour
        {
            Index = vtep,
            Family = NetlinkAddressFamily.Bridge,
            Address = remoteUnderlay,
            LinkLayerAddress = remoteMac,
            State = NeighbourState.Permanent,
            Flags = NeighbourFlags.Self,
        });
    }

    /// <summary>The packet counters of a link, from <c>ip -s -j link show</c> (Cni.Netlink's link dump skips statistics).</summary>
    public static (long Rx, long Tx) Counters(TestNamespace ns, string device)
    {
        JsonNode stats = JsonNode.Parse(ns.Ip("-s", "-j", "link", "show", "dev", device))![0]!["stats64"]!;
        return ((long)stats["rx"]!["packets"]!, (long)stats["tx"]!["packets"]!);
    }

    public void Dispose()
    {
        foreach (TestNamespace ns in Enumerable.Reverse(_namespaces))
        {
            ns.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One node of <see cref="TwoNodeFlannel"/>: its namespace, addresses, subnet.env and the plugin calls made in it.</summary>
internal sealed class FlannelNode
{
    /// <summary>The node's NIC, one end of the underlay veth pair.</summary>
    public const string UnderlayDevice = "eth0";

    /// <summary>flanneld's IPv4 VTEP: <c>flannel.&lt;VNI&gt;</c>.</summary>
    public const string Vtep = "flannel.1";

    /// <summary>flanneld's IPv6 VTEP: <c>flannel-v6.&lt;VNI&gt;</c>.</summary>
    public const string Vtep6 = "flannel-v6.1";

    private readonly TwoNodeFlannel _cluster;

    public FlannelNode(TwoNodeFlannel cluster, int number, TestNamespace netns)
    {
        _cluster = cluster;
        Number = number;
        Netns = netns;
        Dir = Path.Combine(cluster.Root, "node" + number);
        Directory.CreateDirectory(Dir);
    }

    public int Number { get; }

    public TestNamespace Netns { get; }

    /// <summary>This node's files: subnet.env, host-local's dataDir (ipam), flannel's dataDir (flannel).</summary>
    public string Dir { get; }

    public string SubnetFile => Path.Combine(Dir, "subnet.env");

    public string IpamDataDir => Path.Combine(Dir, "ipam");

    public string FlannelDataDir => Path.Combine(Dir, "flannel");

    public IPAddress UnderlayAddress => IPAddress.Parse($"192.168.250.{Number}");

    public IPAddress UnderlayAddress6 => IPAddress.Parse($"fd00:250::{Number}");

    /// <summary>The node's pod subnet, as host-local gets it.</summary>
    public string Subnet => $"10.244.{Number}.0/24";

    public string Subnet6 => $"fd00:10:244:{Number}::/64";

    /// <summary>The bridge's gateway address (the subnet's first address, host-local's default gateway).</summary>
    public string Gateway => $"10.244.{Number}.1";

    public string Gateway6 => $"fd00:10:244:{Number}::1";

    /// <summary>flannel.1's address: the subnet's network address, as flanneld assigns it.</summary>
    public IPAddress VtepAddress => IPAddress.Parse($"10.244.{Number}.0");

    public IPAddress VtepAddress6 => IPAddress.Parse($"fd00:10:244:{Number}::");

    public RtnlSocket OpenRtnl()
    {
        using NetworkNamespace ns = NetworkNamespace.Open(Netns.Path);
        return RtnlSocket.OpenIn(ns);
    }

    /// <summary>The file flanneld writes for the CNI plugin (FLANNEL_SUBNET is the gateway address with the subnet's length).</summary>
    public void WriteSubnetEnv()
    {
        string text = $"FLANNEL_NETWORK={TwoNodeFlannel.Network}\nFLANNEL_SUBNET={Gateway}/24\n";
        if (_cluster.DualStack)
        {
            text += $"FLANNEL_IPV6_NETWORK={TwoNodeFlannel.Network6}\nFLANNEL_IPV6_SUBNET={Gateway6}/64\n";
        }

        File.WriteAllText(SubnetFile, text + $"FLANNEL_MTU={TwoNodeFlannel.Mtu}\nFLANNEL_IPMASQ=true\n");
    }

    /// <summary>
    /// The network configuration a node admin gives flannel (the runtime's conflist entry), pointing at this
    /// node's subnet.env and keeping host-local's and flannel's files in this node's directory.
    /// </summary>
    public string FlannelConfig(string version = "1.0.0") =>
        $"{{\"cniVersion\":\"{version}\",\"name\":\"{TwoNodeFlannel.NetworkName}\",\"type\":\"flannel\",\"subnetFile\":\"{SubnetFile}\",\"dataDir\":\"{FlannelDataDir}\",\"ipam\":{{\"dataDir\":\"{IpamDataDir}\"}}}}";

    /// <summary>
    /// The delegate configuration flannel renders from <see cref="FlannelConfig"/> and this node's subnet.env
    /// (REFERENCE.md 2.3: keys sorted, ipMasq = !FLANNEL_IPMASQ, mtu = FLANNEL_MTU, isGateway, the subnet as
    /// host-local's range and each cluster network as a route), for calling the bridge directly.
    /// </summary>
    public string RenderedBridgeConfig(string version = "1.0.0")
    {
        string ranges = $"[{{\"subnet\":\"{Subnet}\"}}]";
        string routes = $"{{\"dst\":\"{TwoNodeFlannel.Network}\"}}";
        if (_cluster.DualStack)
        {
            ranges += $",[{{\"subnet\":\"{Subnet6}\"}}]";
            routes += $",{{\"dst\":\"{TwoNodeFlannel.Network6}\"}}";
        }

        return $"{{\"cniVersion\":\"{version}\",\"ipMasq\":false,\"ipam\":{{\"dataDir\":\"{IpamDataDir}\",\"ranges\":[{ranges}],\"routes\":[{routes}],\"type\":\"host-local\"}},\"isGateway\":true,\"mtu\":{TwoNodeFlannel.Mtu},\"name\":\"{TwoNodeFlannel.NetworkName}\",\"type\":\"bridge\"}}";
    }

    /// <summary>
    /// Runs one of our published plugins inside this node's namespace as a runtime would
    /// (<c>ip netns exec node plugin</c>, CNI_PATH = artifacts/cni-bin).
    /// </summary>
    public ProcessResult Cni(string plugin, string command, TestNamespace pod, string config, string ifName = "eth0")
    {
        string path = RepoPaths.OurPlugin(plugin);
        Dictionary<string, string?> env = PluginRunner.Env(command, pod.Path, containerId: pod.Name, ifName: ifName, cniPath: RepoPaths.PluginDir);
        return Processes.Run("ip", env, config, ["netns", "exec", Netns.Name, path]);
    }

    /// <summary>
    /// Waits until cni0 has a usable IPv6 link-local address. The node sends its neighbour solicitations
    /// for a pod from it (the forwarded packet's source is not the node's), so until its DAD is done the
    /// first packets from the other node to a pod wait for the kernel's retransmission, a second later. On
    /// a real node cni0 settles once, long before most pods; the test's cni0 is fresh.
    /// </summary>
    public void WaitForBridgeLinkLocal(TimeSpan timeout)
    {
        using RtnlSocket rtnl = OpenRtnl();
        int cni0 = rtnl.GetLink("cni0").Index;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!rtnl.ListAddresses(cni0, NetlinkAddressFamily.Inet6).Any(a => a.Address.IsIPv6LinkLocal && (a.Flags & (AddressFlags.Tentative | AddressFlags.DadFailed)) == 0))
        {
            Assert.True(clock.Elapsed < timeout, $"cni0 on node {Number} has no usable link-local address after {timeout}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The leases host-local holds on this node.</summary>
    public string[] Leases()
    {
        string dir = Path.Combine(IpamDataDir, TwoNodeFlannel.NetworkName);
        return Directory.Exists(dir)
            ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => f != "lock" && !f!.StartsWith("last_reserved_ip", StringComparison.Ordinal) && !f.StartsWith('.')).Order()!]
            : [];
    }
}
