using System.Text;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The delegate configuration flannel renders, saves and sends, byte for byte against the reference's: the
/// recorded example of REFERENCE.md 2.3 and cases whose bytes are written by hand from Go's rules.
/// </summary>
public class FlannelRenderTests
{
    /// <summary>Recorded from the Go plugin v1.1.2 (identical with v1.9.1): 303 bytes, no newline.</summary>
    internal const string RecordedSavedFile =
        "{\"bridge\":\"cnib-fl0\",\"cniVersion\":\"1.0.0\",\"hairpinMode\":true,\"ipMasq\":false,\"ipam\":{\"dataDir\":\"/tmp/cnib-flannel/ipam\",\"ranges\":[[{\"subnet\":\"10.99.5.0/24\"}]],\"routes\":[{\"dst\":\"10.99.0.0/16\"}],\"type\":\"host-local\"},\"isDefaultGateway\":true,\"isGateway\":true,\"mtu\":1450,\"name\":\"cnib-flannel\",\"type\":\"bridge\"}";

    private static (FakeExecution Call, byte[] Saved) Add(FlannelKit kit, string config)
    {
        FakePluginExecutor fake = FlannelKit.Fake();
        ProcessResult r = FlannelKit.Run("ADD", config, fake);
        Assert.True(r.ExitCode == 0, r.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal("ADD", call.Command);
        byte[] saved = File.ReadAllBytes(kit.Saved());
        Assert.Equal(saved, call.Stdin);
        return (call, saved);
    }

    [Fact]
    public void The_recorded_example_is_saved_and_sent_byte_for_byte()
    {
        using var kit = new FlannelKit("FLANNEL_NETWORK=10.99.0.0/16\nFLANNEL_SUBNET=10.99.5.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        string config = $"{{\"cniVersion\":\"1.0.0\",\"name\":\"cnib-flannel\",\"type\":\"flannel\",\"subnetFile\":\"{kit.SubnetFile}\",\"dataDir\":\"{kit.DataDir}\",\"ipam\":{{\"dataDir\":\"/tmp/cnib-flannel/ipam\"}},\"delegate\":{{\"bridge\":\"cnib-fl0\",\"hairpinMode\":true,\"isDefaultGateway\":true}}}}";
        (FakeExecution call, byte[] saved) = Add(kit, config);
        Assert.Equal(303, saved.Length);
        Assert.Equal(RecordedSavedFile, Encoding.UTF8.GetString(saved));
        Assert.Equal("/fake/bridge", call.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kit.Saved()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(kit.DataDir));
        Assert.Equal([kit.Saved()], Directory.GetFiles(kit.DataDir));
    }

    [Fact]
    public void Dual_stack_gives_a_range_set_and_a_route_per_family()
    {
        using var kit = new FlannelKit(
            "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPV6_NETWORK=fd00:10:244::/56\nFLANNEL_IPV6_SUBNET=fd00:10:244:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n");
        (_, byte[] saved) = Add(kit, kit.Config("1.1.0"));
        Assert.Equal(
            "{\"cniVersion\":\"1.1.0\",\"ipMasq\":false,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.244.1.0/24\"}],[{\"subnet\":\"fd00:10:244:1::/64\"}]],\"routes\":[{\"dst\":\"10.244.0.0/16\"},{\"dst\":\"fd00:10:244::/56\"}],\"type\":\"host-local\"},\"isGateway\":true,\"mtu\":1450,\"name\":\"cbr0\",\"type\":\"bridge\"}",
            Encoding.UTF8.GetString(saved));
    }

    [Fact]
    public void A_custom_delegate_extra_routes_and_runtimeConfig_follow_gos_rules()
    {
        // Networks deduplicated, the subnet's host bits cleared, IPMASQ other than "true" means flannel does
        // not masquerade (so the delegate is asked to); routes keep the route struct's field order and drop
        // zero and unknown fields; numbers as float64; <>& escaped; ranges replaced; no isGateway for ptp.
        using var kit = new FlannelKit("FLANNEL_NETWORK=10.1.0.0/16,10.2.0.0/16,10.1.0.0/16\nFLANNEL_SUBNET=10.1.5.7/24\nFLANNEL_MTU=1400\nFLANNEL_IPMASQ=no\n");
        string extra =
            "\"delegate\":{\"type\":\"ptp\",\"mtu\":1300.0,\"x&y\":\"<a>\",\"weight\":1.50,\"big\":1e21,\"list\":[3,{\"b\":1,\"a\":2}]}," +
            "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"192.0.2.0/24\"}]],\"routes\":[{\"mtu\":0,\"priority\":5,\"gw\":\"10.0.0.1\",\"unknown\":1,\"dst\":\"192.168.7.1/24\",\"advmss\":1360,\"table\":0}]}," +
            "\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}]}," +
            "\"args\":{\"cni\":{\"ips\":[\"10.1.5.9\"]}},\"capabilities\":{\"portMappings\":true}";
        (FakeExecution call, byte[] saved) = Add(kit, kit.Config(extra: extra));
        Assert.Equal("/fake/ptp", call.Path);
        Assert.Equal(
            "{\"big\":1e+21,\"cniVersion\":\"1.0.0\",\"ipMasq\":true," +
            "\"ipam\":{\"ranges\":[[{\"subnet\":\"10.1.5.0/24\"}]],\"routes\":[{\"dst\":\"192.168.7.1/24\",\"gw\":\"10.0.0.1\",\"advmss\":1360,\"priority\":5,\"table\":0},{\"dst\":\"10.1.0.0/16\"},{\"dst\":\"10.2.0.0/16\"}],\"type\":\"host-local\"}," +
            "\"list\":[3,{\"a\":2,\"b\":1}],\"mtu\":1300,\"name\":\"cbr0\"," +
            "\"runtimeConfig\":{\"portMappings\":[{\"containerPort\":80,\"hostPort\":8080,\"protocol\":\"tcp\"}]}," +
            "\"type\":\"ptp\",\"weight\":1.5,\"x\\u0026y\":\"\\u003ca\\u003e\"}",
            Encoding.UTF8.GetString(saved));
    }

    [Fact]
    public void Keys_the_delegate_base_sets_win_over_flannels_defaults()
    {
        using var kit = new FlannelKit();
        (_, byte[] saved) = Add(kit, kit.Config(
            "0.3.1",
            "\"delegate\":{\"ipMasq\":true,\"mtu\":null,\"isGateway\":false,\"cniVersion\":\"0.1.0\"},\"ipam\":{\"type\":\"static\",\"routes\":null}"));
        Assert.Equal(
            "{\"cniVersion\":\"0.3.1\",\"ipMasq\":true,\"ipam\":{\"ranges\":[[{\"subnet\":\"10.244.1.0/24\"}]],\"routes\":[{\"dst\":\"10.244.0.0/16\"}],\"type\":\"static\"},\"isGateway\":false,\"mtu\":null,\"name\":\"cbr0\",\"type\":\"bridge\"}",
            Encoding.UTF8.GetString(saved));
    }

    [Fact]
    public void The_delegate_gets_the_callers_environment_and_its_result_is_printed_in_the_configuration_version()
    {
        using var kit = new FlannelKit();
        FakePluginExecutor fake = FlannelKit.Fake();
        ProcessResult r = FlannelKit.Run("ADD", kit.Config("0.4.0"), fake, containerId: "abc");
        Assert.True(r.ExitCode == 0, r.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal("abc", call.Environment["CNI_CONTAINERID"]);
        Assert.Equal("eth0", call.Environment["CNI_IFNAME"]);
        Assert.Equal("/var/run/netns/fake", call.Environment["CNI_NETNS"]);
        Assert.Equal("/fake", call.Environment["CNI_PATH"]);
        Assert.Equal("0.4.0", PluginRunner.Result(r).CniVersion.ToString());
        Assert.Contains("10.244.1.2/24", r.Stdout, StringComparison.Ordinal);
    }
}
