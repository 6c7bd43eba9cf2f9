using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using Cni.Netlink.Protocol;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>
/// Every operation against the real kernel, as root, inside namespaces each test creates and removes.
/// The kernel's state is read back twice: with our own dump and with <c>ip -j</c>.
/// </summary>
public sealed class KernelTests
{
    private static JsonElement IpJson(TestNamespace ns, params string[] arguments) =>
        JsonDocument.Parse(Processes.Output(["ip", "-j", "-n", ns.Name, .. arguments])).RootElement;

    private static JsonElement IpLink(TestNamespace ns, string name) => IpJson(ns, "-d", "link", "show", "dev", name)[0];

    [Fact]
    public void Bridge_veth_master_up_mtu_mac_promisc_and_delete()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-link");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);

        rtnl.AddBridge("cni0", new BridgeOptions { Mtu = 1400 });
        NetlinkException exists = Assert.Throws<NetlinkException>(() => rtnl.AddBridge("cni0"));
        Assert.True(exists.IsExists);
        Assert.Equal((ushort)RtmType.NewLink, exists.RequestType);

        rtnl.AddVeth("veth0", "veth1", new VethOptions { Mtu = 1400, PeerMtu = 1400 });
        Link bridge = rtnl.GetLink("cni0");
        Link veth0 = rtnl.GetLink("veth0");
        Assert.Equal("bridge", bridge.Kind);
        Assert.Equal(1400, bridge.Mtu);
        Assert.Equal("veth", veth0.Kind);
        Assert.Equal(rtnl.GetLink("veth1").Index, veth0.ParentIndex);

        rtnl.SetLinkMaster(veth0.Index, bridge.Index);
        rtnl.SetLinkMtu(veth0.Index, 1300);
        var mac = PhysicalAddress.Parse("0a:58:0a:f4:01:09");
        rtnl.SetLinkMacAddress(veth0.Index, mac);
        rtnl.SetPromiscuous(bridge.Index, true);
        rtnl.SetLinkUp(bridge.Index);
        rtnl.SetLinkUp(veth0.Index);
        rtnl.SetLinkUp(rtnl.GetLink("veth1").Index);

        veth0 = rtnl.GetLink(veth0.Index);
        Assert.Equal(bridge.Index, veth0.MasterIndex);
        Assert.Equal("bridge", veth0.SlaveKind);
        Assert.Equal(1300, veth0.Mtu);
        Assert.Equal(mac, veth0.MacAddress);
        Assert.True(veth0.IsUp);
        Assert.True(rtnl.GetLink(bridge.Index).IsPromiscuous);
        Assert.Equal(OperationalState.Up, WaitForOperState(rtnl, veth0.Index, OperationalState.Up));

        JsonElement ipVeth = IpLink(ns, "veth0");
        Assert.Equal("cni0", ipVeth.GetProperty("master").GetString());
        Assert.Equal(1300, ipVeth.GetProperty("mtu").GetInt32());
        Assert.Equal("0a:58:0a:f4:01:09", ipVeth.GetProperty("address").GetString());
        Assert.Contains("UP", ipVeth.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("UP", ipVeth.GetProperty("operstate").GetString());
        Assert.Contains("PROMISC", IpLink(ns, "cni0").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        rtnl.SetLinkNoMaster(veth0.Index);
        rtnl.SetLinkDown(veth0.Index);
        rtnl.SetPromiscuous(bridge.Index, false);
        veth0 = rtnl.GetLink(veth0.Index);
        Assert.Equal(0, veth0.MasterIndex);
        Assert.False(veth0.IsUp);
        Assert.False(IpLink(ns, "veth0").TryGetProperty("master", out _));
        Assert.False(rtnl.GetLink(bridge.Index).IsPromiscuous);

        Assert.True(rtnl.DeleteLink("veth0"));
        Assert.False(rtnl.DeleteLink("veth0"));
        NetlinkException missing = Assert.Throws<NetlinkException>(() => rtnl.GetLink("veth1"));
        Assert.True(missing.IsNotFound);
        Assert.DoesNotContain(rtnl.ListLinks(), l => l.Name is "veth0" or "veth1");
        Assert.DoesNotContain(IpJson(ns, "link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() is "veth0" or "veth1");
    }

    private static OperationalState WaitForOperState(RtnlSocket rtnl, int index, OperationalState wanted)
    {
        OperationalState state = rtnl.GetOperationalState(index);
        for (int i = 0; i < 50 && state != wanted; i++)
        {
            Thread.Sleep(50);
            state = rtnl.GetOperationalState(index);
        }

        return state;
    }

    [Fact]
    public void Veth_peer_is_created_directly_in_another_namespace_and_links_move_between_namespaces()
    {
        Requires.Root();
        using var pod = TestNamespace.Create("nl-pod");
        using var host = TestNamespace.Create("nl-host");
        using var podHandle = NetworkNamespace.Open(pod.Path);
        using var hostHandle = NetworkNamespace.Open(host.Path);
        using var podRtnl = RtnlSocket.OpenIn(podHandle);
        using var hostRtnl = RtnlSocket.OpenIn(hostHandle);
        var podMac = PhysicalAddress.Parse("0a:58:0a:f4:01:02");

        podRtnl.AddVeth("eth0", "veth1234abcd", new VethOptions { Mtu = 1450, PeerMtu = 1450, MacAddress = podMac, PeerNamespace = hostHandle });

        Link eth0 = podRtnl.GetLink("eth0");
        Link hostEnd = hostRtnl.GetLink("veth1234abcd");
        Assert.Equal(podMac, eth0.MacAddress);
        Assert.Equal(1450, eth0.Mtu);
        Assert.Equal(1450, hostEnd.Mtu);
        Assert.Equal(eth0.Index, hostEnd.ParentIndex);
        Assert.NotNull(hostEnd.LinkNetNsId);
        Assert.Null(podRtnl.TryGetLink("veth1234abcd"));
        Assert.Equal("veth1234abcd", IpLink(host, "veth1234abcd").GetProperty("ifname").GetString());
        Assert.Equal("0a:58:0a:f4:01:02", IpLink(pod, "eth0").GetProperty("address").GetString());

        // Move the host end into the pod namespace and back.
        hostRtnl.SetLinkNamespace(hostEnd.Index, podHandle);
        Assert.NotNull(podRtnl.TryGetLink("veth1234abcd"));
        Assert.Null(hostRtnl.TryGetLink("veth1234abcd"));
        Assert.Single(IpJson(pod, "link", "show", "dev", "veth1234abcd").EnumerateArray());

        // Deleting one end deletes both.
        Assert.True(podRtnl.DeleteLink("eth0"));
        Assert.Null(podRtnl.TryGetLink("veth1234abcd"));
    }

    [Fact]
    public void Bridge_port_hairpin_and_isolation()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-port");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddBridge("br0");
        rtnl.AddVeth("vport", "vpeer");
        int port = rtnl.GetLink("vport").Index;
        rtnl.SetLinkMaster(port, rtnl.GetLink("br0").Index);

        rtnl.SetBridgePortHairpin(port, true);
        rtnl.SetBridgePortIsolated(port, true);
        Assert.Equal(new BridgePortInfo(true, true, true, 0), rtnl.GetLink(port).BridgePort! with { State = 0 });
        JsonElement data = IpLink(ns, "vport").GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.True(data.GetProperty("hairpin").GetBoolean());
        Assert.True(data.GetProperty("isolated").GetBoolean());

        rtnl.SetBridgePortHairpin(port, false);
        rtnl.SetBridgePortIsolated(port, false);
        Assert.False(rtnl.GetLink(port).BridgePort!.Hairpin);
        Assert.False(rtnl.GetLink(port).BridgePort!.Isolated);
        data = IpLink(ns, "vport").GetProperty("linkinfo").GetProperty("info_slave_data");
        Assert.False(data.GetProperty("hairpin").GetBoolean());
        Assert.False(data.GetProperty("isolated").GetBoolean());
    }

    [Fact]
    public void Bridge_vlans_pvid_untagged_and_tagged_ranges()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-vlan");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        try
        {
            rtnl.AddBridge("br0", new BridgeOptions { VlanFiltering = true });
        }
        catch (NetlinkException e) when (e.ErrorCode == 95)
        {
            Requires.KernelFeatureMissing("bridge VLAN filtering", "adding a bridge with vlan_filtering 1 fails with EOPNOTSUPP: " + e.Message);
        }

        Assert.True(rtnl.GetLink("br0").Bridge!.VlanFiltering);
        rtnl.AddVeth("vport", "vpeer");
        int port = rtnl.GetLink("vport").Index;
        rtnl.SetLinkMaster(port, rtnl.GetLink("br0").Index);
        rtnl.AddBridgeVlan(port, 10, pvid: true, untagged: true);
        rtnl.AddBridgeVlan(port, 20, 30);
        rtnl.DeleteBridgeVlan(port, 1);

        IReadOnlyList<BridgeVlan> vlans = rtnl.ListBridgeVlans(port);
        Assert.Contains(new BridgeVlan(10, BridgeVlanFlags.Pvid | BridgeVlanFlags.Untagged), vlans);
        Assert.Equal(Enumerable.Range(20, 11).Select(v => (ushort)v), vlans.Where(v => v.Vid >= 20).Select(v => v.Vid));
        Assert.DoesNotContain(vlans, v => v.Vid == 1);
        string bridgeJson = Processes.Output("ip", "netns", "exec", ns.Name, "bridge", "-j", "vlan", "show", "dev", "vport");
        Assert.Contains("\"vlan\":10", bridgeJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Vxlan_neighbours_and_fdb_entries()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-vxlan");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        int lo = rtnl.GetLink("lo").Index;
        rtnl.AddVxlan("flannel.1", new VxlanOptions { Id = 1, Local = IPAddress.Loopback, DeviceIndex = lo, Port = 8472, Learning = false, Mtu = 1450 });
        Link vxlan = rtnl.GetLink("flannel.1");
        Assert.Equal("vxlan", vxlan.Kind);
        Assert.Equal(new VxlanInfo(1, IPAddress.Loopback, null, lo, 8472, false), vxlan.Vxlan);
        JsonElement data = IpLink(ns, "flannel.1").GetProperty("linkinfo").GetProperty("info_data");
        Assert.Equal(1, data.GetProperty("id").GetInt32());
        Assert.Equal("127.0.0.1", data.GetProperty("local").GetString());
        Assert.Equal(8472, data.GetProperty("port").GetInt32());
        Assert.False(data.GetProperty("learning").GetBoolean());

        var peerMac = PhysicalAddress.Parse("0a:58:0a:f4:02:00");
        var peerVtep = IPAddress.Parse("10.244.2.0");
        rtnl.SetNeighbour(new Neighbour { Index = vxlan.Index, Address = peerVtep, LinkLayerAddress = peerMac, State = NeighbourState.Permanent });
        rtnl.SetNeighbour(new Neighbour { Index = vxlan.Index, Address = peerVtep, LinkLayerAddress = peerMac, State = NeighbourState.Permanent }); // replace: idempotent
        rtnl.AppendNeighbour(new Neighbour { Family = NetlinkAddressFamily.Bridge, Index = vxlan.Index, Address = IPAddress.Parse("127.0.0.2"), LinkLayerAddress = peerMac, Flags = NeighbourFlags.Self, State = NeighbourState.Permanent });

        Neighbour arp = Assert.Single(rtnl.ListNeighbours(vxlan.Index, NetlinkAddressFamily.Inet));
        Assert.Equal(peerVtep, arp.Address);
        Assert.Equal(peerMac, arp.LinkLayerAddress);
        Assert.Equal(NeighbourState.Permanent, arp.State);
        JsonElement ipNeigh = Assert.Single(IpJson(ns, "neigh", "show", "dev", "flannel.1").EnumerateArray());
        Assert.Equal("10.244.2.0", ipNeigh.GetProperty("dst").GetString());
        Assert.Equal("0a:58:0a:f4:02:00", ipNeigh.GetProperty("lladdr").GetString());

        Neighbour fdb = Assert.Single(rtnl.ListNeighbours(vxlan.Index, NetlinkAddressFamily.Bridge), n => peerMac.Equals(n.LinkLayerAddress));
        Assert.Equal(IPAddress.Parse("127.0.0.2"), fdb.Address);
        Assert.True(fdb.Flags.HasFlag(NeighbourFlags.Self));
        string bridgeFdb = Processes.Output("ip", "netns", "exec", ns.Name, "bridge", "-j", "fdb", "show", "dev", "flannel.1");
        Assert.Contains(JsonDocument.Parse(bridgeFdb).RootElement.EnumerateArray(), e => e.GetProperty("mac").GetString() == "0a:58:0a:f4:02:00" && e.GetProperty("dst").GetString() == "127.0.0.2");

        rtnl.DeleteNeighbour(new Neighbour { Index = vxlan.Index, Address = peerVtep });
        rtnl.DeleteNeighbour(new Neighbour { Family = NetlinkAddressFamily.Bridge, Index = vxlan.Index, Address = IPAddress.Parse("127.0.0.2"), LinkLayerAddress = peerMac, Flags = NeighbourFlags.Self });
        Assert.Empty(rtnl.ListNeighbours(vxlan.Index, NetlinkAddressFamily.Inet));
        Assert.DoesNotContain(rtnl.ListNeighbours(vxlan.Index, NetlinkAddressFamily.Bridge), n => peerMac.Equals(n.LinkLayerAddress));
        NetlinkException gone = Assert.Throws<NetlinkException>(() => rtnl.DeleteNeighbour(new Neighbour { Index = vxlan.Index, Address = peerVtep }));
        Assert.True(gone.IsNotFound);
    }

    [Fact]
    public void Addresses_ipv4_and_ipv6_nodad()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-addr");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddBridge("cni0");
        int index = rtnl.GetLink("cni0").Index;
        rtnl.AddAddress(index, IPAddress.Parse("10.244.1.1"), 24);
        rtnl.AddAddress(index, IPAddress.Parse("fd00:10:244::1"), 64, new AddressOptions { NoDad = true });
        Assert.True(Assert.Throws<NetlinkException>(() => rtnl.AddAddress(index, IPAddress.Parse("10.244.1.1"), 24)).IsExists);

        IReadOnlyList<LinkAddress> addresses = rtnl.ListAddresses(index);
        LinkAddress v4 = Assert.Single(addresses, a => a.Address.Equals(IPAddress.Parse("10.244.1.1")));
        Assert.Equal(24, v4.PrefixLength);
        Assert.Equal(IPAddress.Parse("10.244.1.255"), v4.Broadcast);
        LinkAddress v6 = Assert.Single(addresses, a => a.Address.Equals(IPAddress.Parse("fd00:10:244::1")));
        Assert.True(v6.Flags.HasFlag(AddressFlags.NoDad));
        Assert.True(v6.IsGlobalUnicast);
        Assert.Single(rtnl.ListAddresses(index, NetlinkAddressFamily.Inet6), a => a.Address.Equals(v6.Address));

        JsonElement info = IpJson(ns, "addr", "show", "dev", "cni0")[0].GetProperty("addr_info");
        JsonElement ipV4 = Assert.Single(info.EnumerateArray(), a => a.GetProperty("local").GetString() == "10.244.1.1");
        Assert.Equal(24, ipV4.GetProperty("prefixlen").GetInt32());
        Assert.Equal("10.244.1.255", ipV4.GetProperty("broadcast").GetString());
        JsonElement ipV6 = Assert.Single(info.EnumerateArray(), a => a.GetProperty("local").GetString() == "fd00:10:244::1");
        Assert.True(ipV6.GetProperty("nodad").GetBoolean());

        rtnl.DeleteAddress(index, IPAddress.Parse("10.244.1.1"), 24);
        rtnl.DeleteAddress(index, IPAddress.Parse("fd00:10:244::1"), 64);
        Assert.DoesNotContain(rtnl.ListAddresses(index), a => a.IsGlobalUnicast);
        Assert.True(Assert.Throws<NetlinkException>(() => rtnl.DeleteAddress(index, IPAddress.Parse("10.244.1.1"), 24)).IsNotFound);
        Assert.Equal(0, IpJson(ns, "addr", "show", "dev", "cni0")[0].GetProperty("addr_info").EnumerateArray().Count(a => a.GetProperty("scope").GetString() == "global"));
    }

    [Fact]
    public void Onlink_route_via_a_gateway_no_address_covers_is_accepted_only_with_the_flag_and_dumps_with_it()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-onlink");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        // As flanneld sets up flannel.1: a VXLAN device whose only address is its subnet's network /32.
        rtnl.AddVxlan("vt0", new VxlanOptions { Id = 1, Port = 8472, Learning = false });
        int index = rtnl.GetLink("vt0").Index;
        rtnl.AddAddress(index, IPAddress.Parse("10.244.1.0"), 32);
        rtnl.SetLinkUp(index);
        var route = new Route
        {
            Destination = IPAddress.Parse("10.244.2.0"),
            DestinationPrefixLength = 24,
            Gateway = IPAddress.Parse("10.244.2.0"),
            OutputInterface = index,
        };

        // No address of vt0 covers the gateway: the kernel refuses it unless the route says it is on the link.
        Assert.Throws<NetlinkException>(() => rtnl.AddRoute(route));
        rtnl.AddRoute(route with { OnLink = true });
        Route dumped = Assert.Single(rtnl.ListRoutes(NetlinkAddressFamily.Inet), r => r.DestinationPrefixLength == 24);
        Assert.True(dumped.OnLink);
        Assert.Contains("onlink", ns.Ip("route", "show", "10.244.2.0/24"), StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_add_ecmp_replace_delete_with_gateway_metric_table_scope_mtu_advmss()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-route");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddBridge("cni0");
        int index = rtnl.GetLink("cni0").Index;
        rtnl.SetLinkUp(index);
        rtnl.AddAddress(index, IPAddress.Parse("10.244.1.1"), 24);

        var route = new Route
        {
            Destination = IPAddress.Parse("10.96.0.0"),
            DestinationPrefixLength = 12,
            Gateway = IPAddress.Parse("10.244.1.254"),
            OutputInterface = index,
            Priority = 100,
            Table = 100,
            Mtu = 1400,
            AdvertisedMss = 1360,
        };
        rtnl.AddRoute(route);
        Assert.True(Assert.Throws<NetlinkException>(() => rtnl.AddRoute(route)).IsExists);
        Assert.True(Assert.Throws<NetlinkException>(() => rtnl.AddRouteEcmp(route)).IsExists); // an identical route
        rtnl.AddRouteEcmp(route with { Gateway = IPAddress.Parse("10.244.1.253") }); // another next hop: no EEXIST

        Route found = Assert.Single(rtnl.ListRoutes(NetlinkAddressFamily.Inet, 100), r => IPAddress.Parse("10.244.1.254").Equals(r.Gateway));
        Assert.Equal(route.Destination, found.Destination);
        Assert.Equal(12, found.DestinationPrefixLength);
        Assert.Equal(index, found.OutputInterface);
        Assert.Equal(100u, found.Priority);
        Assert.Equal(1400u, found.Mtu);
        Assert.Equal(1360u, found.AdvertisedMss);
        Assert.Equal(RouteScope.Universe, found.Scope);
        Assert.Equal(2, rtnl.ListRoutes(NetlinkAddressFamily.Inet, 100).Count);
        JsonElement ipRoutes = IpJson(ns, "route", "show", "table", "100");
        JsonElement ipRoute = Assert.Single(ipRoutes.EnumerateArray(), r => r.GetProperty("gateway").GetString() == "10.244.1.254");
        Assert.Equal("10.96.0.0/12", ipRoute.GetProperty("dst").GetString());
        Assert.Equal(100, ipRoute.GetProperty("metric").GetInt32());
        Assert.Equal(2, ipRoutes.GetArrayLength());

        var linkRoute = new Route { Destination = IPAddress.Parse("10.97.0.0"), DestinationPrefixLength = 16, OutputInterface = index };
        rtnl.ReplaceRoute(linkRoute);
        rtnl.ReplaceRoute(linkRoute with { Priority = 0 });
        Route link = Assert.Single(rtnl.ListRoutes(NetlinkAddressFamily.Inet), r => linkRoute.Destination.Equals(r.Destination));
        Assert.Equal(RouteScope.Link, link.Scope);
        Assert.Equal("link", Assert.Single(IpJson(ns, "route", "show", "10.97.0.0/16").EnumerateArray()).GetProperty("scope").GetString());

        var defaultRoute = new Route { Family = NetlinkAddressFamily.Inet, Gateway = IPAddress.Parse("10.244.1.1") };
        rtnl.AddRoute(defaultRoute);
        Assert.Single(rtnl.ListRoutes(NetlinkAddressFamily.Inet), r => r.Destination is null && r.DestinationPrefixLength == 0);
        Assert.Equal("default", Assert.Single(IpJson(ns, "route", "show", "default").EnumerateArray()).GetProperty("dst").GetString());

        rtnl.DeleteRoute(linkRoute);
        rtnl.DeleteRoute(route with { Mtu = 0, AdvertisedMss = 0 });
        rtnl.DeleteRoute(defaultRoute);
        Assert.True(Assert.Throws<NetlinkException>(() => rtnl.DeleteRoute(linkRoute)).IsNotFound);
        Assert.DoesNotContain(rtnl.ListRoutes(NetlinkAddressFamily.Inet), r => linkRoute.Destination.Equals(r.Destination) || r.Destination is null);
        Assert.Single(rtnl.ListRoutes(NetlinkAddressFamily.Inet, 100));
        Assert.Empty(IpJson(ns, "route", "show", "10.97.0.0/16").EnumerateArray());
    }

    [Fact]
    public void Kernel_errors_carry_errno_request_type_and_the_extended_ack_message()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-err");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddVeth("va", "vb");
        NetlinkException e = Assert.Throws<NetlinkException>(() => rtnl.SetLinkMtu(rtnl.GetLink("va").Index, 1_000_000));
        Assert.Equal(22, e.ErrorCode);
        Assert.Equal((ushort)RtmType.NewLink, e.RequestType);
        Assert.False(string.IsNullOrEmpty(e.KernelMessage));
        Assert.Contains(e.KernelMessage!, e.Message, StringComparison.Ordinal);
        Assert.Contains("RTM_NEWLINK", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_part_dumps_return_every_link()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-dump");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        for (int i = 0; i < 40; i++)
        {
            rtnl.AddVeth($"va{i}", $"vb{i}");
        }

        IReadOnlyList<Link> links = rtnl.ListLinks();
        Assert.Equal(81, links.Count); // lo + 40 pairs
        Assert.Equal(81, IpJson(ns, "link", "show").GetArrayLength());
        Assert.Equal(links.Count, links.Select(l => l.Index).Distinct().Count());
    }

    [Fact]
    public async Task A_socket_opened_in_a_namespace_works_from_any_thread()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-thread");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        await Task.Run(() => rtnl.AddBridge("from-pool"), TestContext.Current.CancellationToken);
        await Task.Yield();
        Assert.NotNull(rtnl.TryGetLink("from-pool"));
        Assert.Single(IpJson(ns, "link", "show", "dev", "from-pool").EnumerateArray());
        Assert.True(NetworkNamespace.IsCurrent("/proc/self/ns/net")); // this thread never moved
    }
}
