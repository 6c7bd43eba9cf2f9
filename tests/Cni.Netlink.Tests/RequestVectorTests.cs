using System.Net;
using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Tests;

/// <summary>
/// Each typed operation's request, byte for byte, against what <c>ip</c> / <c>bridge</c> sent for the
/// same command (Vectors/requests.txt). The sequence number is taken from the capture; interface
/// indexes and the namespace descriptor are the ones the capture used.
/// </summary>
public class RequestVectorTests
{
    private delegate int Encode(Span<byte> buffer, uint sequence);

    private const NetlinkFlags Ack = NetlinkFlags.Request | NetlinkFlags.Ack;

    public static TheoryData<string> Commands() =>
    [
        "ip link add cni0 type bridge",
        "ip link add br1 mtu 1400 type bridge vlan_filtering 1",
        "ip link add veth0 type veth peer name veth1",
        "ip link add eth0 mtu 1450 address 0a:58:0a:f4:01:02 type veth peer name vethabcd0123 netns",
        "ip link set veth0 up",
        "ip link set veth0 down",
        "ip link set veth0 master cni0",
        "ip link set veth0 nomaster",
        "ip link set veth0 mtu 1300",
        "ip link set veth0 address 0a:58:0a:f4:01:09",
        "ip link set veth0 promisc on",
        "ip link set veth1 netns",
        "bridge link set dev veth0 hairpin on",
        "bridge link set dev veth0 isolated on",
        "bridge vlan add dev veth0 vid 10 pvid untagged",
        "bridge vlan add dev veth0 vid 20-30",
        "bridge vlan del dev veth0 vid 1",
        "ip link add vxlan1 type vxlan id 1 local 127.0.0.1 dev lo dstport 8472 nolearning",
        "ip addr add 10.244.1.1/24 brd + dev cni0",
        "ip addr add 10.244.1.1/24 dev cni0",
        "ip addr add fd00:10:244::1/64 dev cni0 nodad",
        "ip addr del 10.244.1.1/24 dev cni0",
        "ip route add 10.96.0.0/12 via 10.244.1.254 dev cni0 metric 100 table 100 mtu 1400 advmss 1360",
        "ip route replace 10.97.0.0/16 dev cni0 scope link",
        "ip route del 10.97.0.0/16 dev cni0",
        "ip neigh add 10.244.2.0 lladdr 0a:58:0a:f4:02:00 dev vxlan1 nud permanent",
        "bridge fdb append 0a:58:0a:f4:02:00 dev vxlan1 dst 127.0.0.2 self permanent",
        "ip link del veth0",
        "ip link show (the dump request)",
        "ip link show dev veth0 (the name lookup)",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Typed_request_equals_what_ip_sends(string command)
    {
        (byte[] expected, Encode encode) = Case(command);
        Span<byte> buffer = stackalloc byte[1024];
        int length = encode(buffer, Vectors.SequenceOf(expected));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer[..length]));
    }

    private static (byte[] Expected, Encode Encode) Case(string command)
    {
        const int veth0 = 5, veth1 = 4, cni0 = 2, vxlan1 = 7, lo = 1, capturedNetnsFd = 4;
        PhysicalAddress Mac(string text) => PhysicalAddress.Parse(text);
        byte[] Last() => Vectors.LastRequest(command);
        return command switch
        {
            "ip link add cni0 type bridge" => (Last(), (b, s) => BridgeKind.AddBridge(b, s, "cni0", null)),
            "ip link add br1 mtu 1400 type bridge vlan_filtering 1" => (Last(), (b, s) => BridgeKind.AddBridge(b, s, "br1", new BridgeOptions { Mtu = 1400, VlanFiltering = true })),
            "ip link add veth0 type veth peer name veth1" => (Last(), (b, s) => VethKind.AddVeth(b, s, "veth0", "veth1", null, -1)),
            "ip link add eth0 mtu 1450 address 0a:58:0a:f4:01:02 type veth peer name vethabcd0123 netns" =>
                (Last(), (b, s) => VethKind.AddVeth(b, s, "eth0", "vethabcd0123", new VethOptions { Mtu = 1450, MacAddress = Mac("0a:58:0a:f4:01:02") }, capturedNetnsFd)),
            "ip link set veth0 up" => (Last(), (b, s) => LinkEncoder.SetLinkFlags(b, s, veth0, InterfaceFlags.Up, InterfaceFlags.Up)),
            "ip link set veth0 down" => (Last(), (b, s) => LinkEncoder.SetLinkFlags(b, s, veth0, InterfaceFlags.None, InterfaceFlags.Up)),
            "ip link set veth0 master cni0" => (Last(), (b, s) => LinkEncoder.SetLinkUInt32(b, s, veth0, IfLinkAttribute.Master, cni0)),
            "ip link set veth0 nomaster" => (Last(), (b, s) => LinkEncoder.SetLinkUInt32(b, s, veth0, IfLinkAttribute.Master, 0)),
            "ip link set veth0 mtu 1300" => (Last(), (b, s) => LinkEncoder.SetLinkUInt32(b, s, veth0, IfLinkAttribute.Mtu, 1300)),
            "ip link set veth0 address 0a:58:0a:f4:01:09" => (Last(), (b, s) => LinkEncoder.SetLinkAddress(b, s, veth0, Mac("0a:58:0a:f4:01:09"))),
            "ip link set veth0 promisc on" => (Last(), (b, s) => LinkEncoder.SetLinkFlags(b, s, veth0, InterfaceFlags.Promiscuous, InterfaceFlags.Promiscuous)),
            "ip link set veth1 netns" => (Last(), (b, s) => LinkEncoder.SetLinkUInt32(b, s, veth1, IfLinkAttribute.NetNsFd, capturedNetnsFd)),
            "bridge link set dev veth0 hairpin on" => (Last(), (b, s) => BridgeKind.SetBridgePortFlag(b, s, veth0, BridgePortAttribute.Mode, true)),
            "bridge link set dev veth0 isolated on" => (Last(), (b, s) => BridgeKind.SetBridgePortFlag(b, s, veth0, BridgePortAttribute.Isolated, true)),
            "bridge vlan add dev veth0 vid 10 pvid untagged" => (Last(), (b, s) => BridgeVlanEncoder.BridgeVlan(b, s, true, veth0, 10, 10, BridgeVlanFlags.Pvid | BridgeVlanFlags.Untagged, BridgeFlags.None)),
            "bridge vlan add dev veth0 vid 20-30" => (Last(), (b, s) => BridgeVlanEncoder.BridgeVlan(b, s, true, veth0, 20, 30, BridgeVlanFlags.None, BridgeFlags.None)),
            "bridge vlan del dev veth0 vid 1" => (Last(), (b, s) => BridgeVlanEncoder.BridgeVlan(b, s, false, veth0, 1, 1, BridgeVlanFlags.None, BridgeFlags.None)),
            "ip link add vxlan1 type vxlan id 1 local 127.0.0.1 dev lo dstport 8472 nolearning" =>
                (Last(), (b, s) => VxlanKind.AddVxlan(b, s, "vxlan1", new VxlanOptions { Id = 1, Local = IPAddress.Loopback, DeviceIndex = lo, Port = 8472, Learning = false })),
            "ip addr add 10.244.1.1/24 brd + dev cni0" => (Last(), (b, s) => AddressEncoder.Address(b, s, true, cni0, IPAddress.Parse("10.244.1.1"), 24, null)),
            "ip addr add 10.244.1.1/24 dev cni0" => (Last(), (b, s) => AddressEncoder.Address(b, s, true, cni0, IPAddress.Parse("10.244.1.1"), 24, new AddressOptions { NoBroadcast = true })),
            "ip addr add fd00:10:244::1/64 dev cni0 nodad" => (Last(), (b, s) => AddressEncoder.Address(b, s, true, cni0, IPAddress.Parse("fd00:10:244::1"), 64, new AddressOptions { NoDad = true })),
            "ip addr del 10.244.1.1/24 dev cni0" => (Last(), (b, s) => AddressEncoder.Address(b, s, false, cni0, IPAddress.Parse("10.244.1.1"), 24, null)),
            "ip route add 10.96.0.0/12 via 10.244.1.254 dev cni0 metric 100 table 100 mtu 1400 advmss 1360" => (Last(), (b, s) => RouteEncoder.Route(b, s, RtmType.NewRoute, Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, new Route
            {
                Destination = IPAddress.Parse("10.96.0.0"),
                DestinationPrefixLength = 12,
                Gateway = IPAddress.Parse("10.244.1.254"),
                OutputInterface = cni0,
                Priority = 100,
                Table = 100,
                Mtu = 1400,
                AdvertisedMss = 1360,
            })),
            "ip route replace 10.97.0.0/16 dev cni0 scope link" => (Last(), (b, s) => RouteEncoder.Route(b, s, RtmType.NewRoute, Ack | NetlinkFlags.Create | NetlinkFlags.Replace, new Route
            {
                Destination = IPAddress.Parse("10.97.0.0"),
                DestinationPrefixLength = 16,
                OutputInterface = cni0,
                Scope = RouteScope.Link,
            })),
            "ip route del 10.97.0.0/16 dev cni0" => (Last(), (b, s) => RouteEncoder.Route(b, s, RtmType.DelRoute, Ack, new Route
            {
                Destination = IPAddress.Parse("10.97.0.0"),
                DestinationPrefixLength = 16,
                OutputInterface = cni0,
            })),
            "ip neigh add 10.244.2.0 lladdr 0a:58:0a:f4:02:00 dev vxlan1 nud permanent" => (Last(), (b, s) => NeighbourEncoder.Neighbour(b, s, RtmType.NewNeighbour, Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, new Neighbour
            {
                Index = vxlan1,
                Address = IPAddress.Parse("10.244.2.0"),
                LinkLayerAddress = Mac("0a:58:0a:f4:02:00"),
                State = NeighbourState.Permanent,
            })),
            "bridge fdb append 0a:58:0a:f4:02:00 dev vxlan1 dst 127.0.0.2 self permanent" => (Last(), (b, s) => NeighbourEncoder.Neighbour(b, s, RtmType.NewNeighbour, Ack | NetlinkFlags.Create | NetlinkFlags.Append, new Neighbour
            {
                Family = NetlinkAddressFamily.Bridge,
                Index = vxlan1,
                Address = IPAddress.Parse("127.0.0.2"),
                LinkLayerAddress = Mac("0a:58:0a:f4:02:00"),
                State = NeighbourState.Permanent | NeighbourState.NoArp,
                Flags = NeighbourFlags.Self,
            })),
            "ip link del veth0" => (Last(), (b, s) => LinkEncoder.DeleteLink(b, s, veth0)),
            "ip link show (the dump request)" => (Vectors.Requests("ip link show")[1], (b, s) => LinkEncoder.DumpLinks(b, s)),
            "ip link show dev veth0 (the name lookup)" => (Vectors.Requests("ip link set veth0 up")[^2], (b, s) => LinkEncoder.GetLinkByName(b, s, "veth0")),
            _ => throw new ArgumentException("no case for " + command),
        };
    }
}
