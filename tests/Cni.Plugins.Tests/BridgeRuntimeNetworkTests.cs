using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A network list shaped like a container runtime's default network (podman's: bridge with isGateway,
/// ipMasq, hairpinMode and host-local with a default route, then portmap, firewall and tuning), run as
/// a runtime runs a list: ADD through the plugins in order, each given the previous result; CHECK and
/// DEL of each with the list's final result, DEL in reverse order. Once with our bridge and once with
/// the Go bridge, the other plugins being the Go ones from /usr/lib/cni in both.
/// </summary>
public class BridgeRuntimeNetworkTests
{
    private static readonly string[] Chained = ["portmap", "firewall", "tuning"];

    /// <summary>The list's plugin configurations, in order, as the runtime hands them out (name and cniVersion filled in).</summary>
    private static (string Type, string Config)[] List(BridgeNode node, string version)
    {
        string head = $"\"cniVersion\":\"{version}\",\"name\":\"podnet\"";
        return
        [
            ("bridge", $"{{{head},\"type\":\"bridge\",\"bridge\":\"podman0\",\"isGateway\":true,\"ipMasq\":true,\"hairpinMode\":true,"
                + $"\"ipam\":{{\"type\":\"host-local\",\"dataDir\":\"{node.DataDir}\",\"routes\":[{{\"dst\":\"0.0.0.0/0\"}}],\"ranges\":[[{{\"subnet\":\"10.77.0.0/24\",\"gateway\":\"10.77.0.1\"}}]]}}}}"),
            ("portmap", $"{{{head},\"type\":\"portmap\",\"capabilities\":{{\"portMappings\":true}},"
                + "\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"}]}}"),
            ("firewall", $"{{{head},\"type\":\"firewall\",\"backend\":\"iptables\"}}"),
            ("tuning", $"{{{head},\"type\":\"tuning\"}}"),
        ];
    }

    /// <summary>Runs the list through one bridge; returns each CHECK's exit code (and message) by plugin.</summary>
    private static string[] RunList(string bridge, string version, string tag)
    {
        using var world = new MasqNode(tag);
        TestNetns pod = world.Pod();
        (string Type, string Config)[] list = List(world.Bridge, version);
        string Binary(string type) => type == "bridge" ? bridge : Requires.ReferencePlugin(type);

        string? prev = null;
        foreach ((string type, string config) in list)
        {
            ProcessResult add = world.Run(Binary(type), "ADD", pod.Path, prev is null ? config : BridgeNode.WithPrevResult(config, prev));
            Assert.True(add.ExitCode == 0, $"{type} ADD ({version}): {add}");
            prev = add.Stdout;
        }

        Assert.True(MasqNode.Ping(pod, MasqNode.OutsideV4), $"the pod reaches the outside ({version}, {bridge})");
        Assert.True(MasqNode.Ping(pod, "10.77.0.1"), "the pod reaches its gateway");

        string[] checks = [.. list.Select(p =>
        {
            ProcessResult check = world.Run(Binary(p.Type), "CHECK", pod.Path, BridgeNode.WithPrevResult(p.Config, prev!));
            return $"{p.Type}: exit {check.ExitCode}{(check.ExitCode == 0 ? "" : " " + PluginRunner.Error(check).Message)}";
        })];

        foreach ((string type, string config) in list.Reverse())
        {
            ProcessResult del = world.Run(Binary(type), "DEL", pod.Path, BridgeNode.WithPrevResult(config, prev!));
            Assert.True(del.ExitCode == 0, $"{type} DEL ({version}): {del}");
        }

        MasqNode.AssertNoRulesOf(world.Node, "podnet", "ctr1");
        Assert.Empty(MasqNode.MasqComments(world.Node));
        Assert.DoesNotContain("10.77.0.2", MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);
        Assert.Empty(world.Bridge.Leases("podnet"));
        Assert.Empty(BridgeNode.LinkNames(pod));
        return checks;
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void A_runtime_default_network_list_works_through_our_bridge_and_checks_like_the_Go_bridge(string version)
    {
        Requires.Root();
        foreach (string plugin in Chained)
        {
            Requires.ReferencePlugin(plugin);
        }

        string[] ours = RunList(RepoPaths.OurPlugin("bridge"), version, "rto");
        string[] go = RunList(Requires.ReferencePlugin("bridge"), version, "rtg");

        // Same CHECK outcome, plugin by plugin (Debian's portmap 1.1.1 fails its own CHECK whatever bridge came before).
        Assert.Equal(go, ours);
        Assert.Equal("bridge: exit 0", ours[0]);
    }
}
