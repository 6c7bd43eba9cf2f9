using System.Net.NetworkInformation;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>
/// The veth pair between a "node" and a "pod" namespace, both fresh: names, ends, MTU, MAC and the
/// clash rules, read back with our dump and with <c>ip -j</c>.
/// </summary>
public sealed partial class VethPairTests
{
    [GeneratedRegex("^veth[0-9a-f]{8}$")]
    private static partial Regex HostName();

    private static JsonElement IpJson(TestNamespace ns, params string[] arguments) =>
        JsonDocument.Parse(Processes.Output(["ip", "-j", "-n", ns.Name, .. arguments])).RootElement;

    private static string[] Veths(TestNamespace ns) =>
        [.. IpJson(ns, "link", "show", "type", "veth").EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!)];

    /// <summary>Two fresh namespaces, a "node" and a "pod", with a socket in each; all removed on dispose.</summary>
    private sealed class NodeAndPod : IDisposable
    {
        public NodeAndPod()
        {
            Requires.Root();
            NodeNs = TestNamespace.Create("nl-vnode");
            try
            {
                PodNs = TestNamespace.Create("nl-vpod");
                NodeHandle = NetworkNamespace.Open(NodeNs.Path);
                Pod = NetworkNamespace.Open(PodNs.Path);
                Node = RtnlSocket.OpenIn(NodeHandle);
                PodRtnl = RtnlSocket.OpenIn(Pod);
            }
            catch
            {
                PodNs?.Dispose();
                NodeNs.Dispose();
                throw;
            }
        }

        public TestNamespace NodeNs { get; }

        public TestNamespace PodNs { get; }

        public NetworkNamespace NodeHandle { get; }

        public NetworkNamespace Pod { get; }

        public RtnlSocket Node { get; }

        public RtnlSocket PodRtnl { get; }

        public void Dispose()
        {
            PodRtnl.Dispose();
            Node.Dispose();
            Pod.Dispose();
            NodeHandle.Dispose();
            PodNs.Dispose();
            NodeNs.Dispose();
        }
    }

    [Fact]
    public void Creates_the_host_end_up_with_a_random_name_and_the_container_end_inside_the_pod()
    {
        using var t = new NodeAndPod();
        var mac = PhysicalAddress.Parse("0a:58:0a:16:00:05");

        VethPair veth = VethPair.Create(t.Node, t.Pod, t.PodRtnl, "eth0", mtu: 1400, containerMac: mac);

        Assert.Matches(HostName(), veth.Host.Name);
        Assert.True(veth.Host.IsUp);
        Assert.Equal("veth", veth.Host.Kind);
        Assert.Equal(1400, veth.Host.Mtu);
        Assert.Equal("eth0", veth.Container.Name);
        Assert.False(veth.Container.IsUp);
        Assert.Equal(1400, veth.Container.Mtu);
        Assert.Equal(mac, veth.Container.MacAddress);
        Assert.Equal(veth.Container.Index, veth.Host.ParentIndex);
        Assert.Equal(veth.Host.Index, veth.Container.ParentIndex);

        // The kernel's view: each end in its own namespace only.
        Assert.Equal([veth.Host.Name], Veths(t.NodeNs));
        Assert.Equal(["eth0"], Veths(t.PodNs));
        JsonElement host = IpJson(t.NodeNs, "link", "show", "dev", veth.Host.Name)[0];
        Assert.Contains("UP", host.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1400, host.GetProperty("mtu").GetInt32());
        JsonElement container = IpJson(t.PodNs, "link", "show", "dev", "eth0")[0];
        Assert.Equal("0a:58:0a:16:00:05", container.GetProperty("address").GetString());
        Assert.Equal(1400, container.GetProperty("mtu").GetInt32());
        Assert.DoesNotContain("UP", container.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void Without_mtu_and_mac_the_kernel_chooses()
    {
        using var t = new NodeAndPod();

        VethPair veth = VethPair.Create(t.Node, t.Pod, t.PodRtnl, "net1");
        Assert.Equal(1500, veth.Host.Mtu);
        Assert.Equal(1500, veth.Container.Mtu);
        Assert.NotNull(veth.Container.MacAddress);
        Assert.Equal(MacText.Format(veth.Container.MacAddress), IpJson(t.PodNs, "link", "show", "dev", "net1")[0].GetProperty("address").GetString());
    }

    [Fact]
    public void A_container_name_taken_in_the_pod_is_the_callers_error_and_leaves_no_veth()
    {
        using var t = new NodeAndPod();
        t.PodNs.Ip("link", "add", "eth0", "type", "bridge");

        CniException e = Assert.Throws<CniException>(() => VethPair.Create(t.Node, t.Pod, t.PodRtnl, "eth0"));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal("container veth name provided (eth0) already exists", e.Message);
        Assert.Empty(Veths(t.NodeNs));
        Assert.Empty(Veths(t.PodNs));
        Assert.Equal("bridge", t.PodRtnl.GetLink("eth0").Kind);
    }

    [Fact]
    public void A_taken_host_name_is_retried_with_another_and_left_alone()
    {
        using var t = new NodeAndPod();
        t.NodeNs.Ip("link", "add", "vethtaken", "type", "bridge");
        var names = new Queue<string>(["vethtaken", "vethtaken", "vethfree"]);

        VethPair veth = VethPair.Create(t.Node, t.Pod, t.PodRtnl, "eth0", 0, null, names.Dequeue);

        Assert.Empty(names);
        Assert.Equal("vethfree", veth.Host.Name);
        Assert.Equal(["vethfree"], Veths(t.NodeNs));
        Assert.Equal("bridge", t.Node.GetLink("vethtaken").Kind);
        Assert.Equal(["eth0"], Veths(t.PodNs));
    }

    [Fact]
    public void Gives_up_after_the_attempts_with_an_error_and_nothing_made()
    {
        using var t = new NodeAndPod();
        t.NodeNs.Ip("link", "add", "vethtaken", "type", "bridge");
        int calls = 0;

        CniException e = Assert.Throws<CniException>(() => VethPair.Create(t.Node, t.Pod, t.PodRtnl, "eth0", 0, null, () => { calls++; return "vethtaken"; }));

        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal($"failed to find a free host veth name after {VethPair.NameAttempts} attempts", e.Message);
        Assert.Equal(VethPair.NameAttempts, calls);
        Assert.Empty(Veths(t.NodeNs));
        Assert.Empty(Veths(t.PodNs));
    }

    [Fact]
    public void A_refused_pair_is_an_error_naming_both_ends()
    {
        using var t = new NodeAndPod();

        // An MTU below the minimum of 68 bytes: the kernel refuses the pair.
        CniException e = Assert.Throws<CniException>(() => VethPair.Create(t.Node, t.Pod, t.PodRtnl, "eth0", 50, null, () => "vethsmall"));
        Assert.StartsWith("failed to create veth pair vethsmall/eth0: ", e.Message, StringComparison.Ordinal);
        Assert.Empty(Veths(t.NodeNs));
    }

    [Fact]
    public void Host_names_are_veth_and_eight_random_hex_digits()
    {
        string[] names = [.. Enumerable.Range(0, 200).Select(_ => VethPair.NewHostName())];
        Assert.All(names, n => Assert.Matches(HostName(), n));
        Assert.True(names.Distinct().Count() > 190, "200 random names should almost never collide");
    }
}
