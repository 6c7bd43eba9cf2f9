using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A network list shaped like a container runtime's default network (podman's: bridge with isGateway,
/// ipMasq, hairpinMode and host-local with a default route, then portmap, firewall and tuning), run by a
/// runtime: Cni.Runtime's <see cref="Cni.Runtime.CniRuntime"/> runs ADD through the plugins in order, each
/// given the previous result, and DEL in reverse order with the cached result; each plugin's CHECK is
/// a CHECK of a list of that plugin alone under the same network name, so it gets the cached result of
/// the whole list, as in a runtime's CHECK. Once with our bridge and once with the Go bridge, the other
/// plugins being the Go ones from /usr/lib/cni in both.
/// </summary>
public class BridgeRuntimeNetworkTests
{
    private static readonly string[] Chained = ["portmap", "firewall", "tuning"];

    /// <summary>The list's plugin configurations, in order (the runtime fills in name and cniVersion).</summary>
    private static (string Type, string Config)[] Plugins(BridgeNode node) =>
    [
        ("bridge", "{\"type\":\"bridge\",\"bridge\":\"podman0\",\"isGateway\":true,\"ipMasq\":true,\"hairpinMode\":true,"
            + $"\"ipam\":{{\"type\":\"host-local\",\"dataDir\":\"{node.DataDir}\",\"routes\":[{{\"dst\":\"0.0.0.0/0\"}}],\"ranges\":[[{{\"subnet\":\"10.77.0.0/24\",\"gateway\":\"10.77.0.1\"}}]]}}}}"),
        ("portmap", "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}"),
        ("firewall", "{\"type\":\"firewall\",\"backend\":\"iptables\"}"),
        ("tuning", "{\"type\":\"tuning\"}"),
    ];

    private static Cni.Runtime.CniNetwork List(string version, IEnumerable<string> plugins) =>
        RuntimeChain.List($"{{\"cniVersion\":\"{version}\",\"name\":\"podnet\",\"plugins\":[{string.Join(",", plugins)}]}}");

    /// <summary>Runs the list through one bridge; returns each CHECK's outcome (and the plugin's message) by plugin.</summary>
    private static string[] RunList(string bridge, string version, string tag)
    {
        using var world = new MasqNode(tag);
        TestNamespace pod = world.Pod();
        (string Type, string Config)[] plugins = Plugins(world.Bridge);
        var binaries = new Dictionary<string, string> { ["bridge"] = bridge, ["host-local"] = Requires.ReferencePlugin("host-local") };
        foreach (string type in Chained)
        {
            binaries[type] = Requires.ReferencePlugin(type);
        }

        var runtime = new RuntimeChain(world.Node, world.Bridge.Root, binaries);
        Cni.Runtime.CniNetwork list = List(version, plugins.Select(p => p.Config));
        var attachment = new Cni.Runtime.AttachmentParameters
        {
            ContainerId = "ctr1",
            NetNs = pod.Path,
            IfName = "eth0",
            CapabilityArgs = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["portMappings"] = System.Text.Json.JsonDocument.Parse("[{\"hostPort\":18080,\"containerPort\":80,\"protocol\":\"tcp\"}]").RootElement,
            },
        };
        Cni.Spec.CniResult result = runtime.Add(list, attachment);
        Assert.Equal(version, result.CniVersion.ToString());

        Assert.True(MasqNode.Ping(pod, MasqNode.OutsideV4), $"the pod reaches the outside ({version}, {bridge})");
        Assert.True(MasqNode.Ping(pod, "10.77.0.1"), "the pod reaches its gateway");
        Assert.Contains("--dport 18080", MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);

        string[] checks = [.. plugins.Select(p =>
        {
            Cni.Spec.CniException? e = runtime.Check(List(version, [p.Config]), attachment);
            return $"{p.Type}: exit {(e is null ? 0 : 1)}{(e is null ? "" : " " + Assert.IsType<Cni.Runtime.CniPluginException>(e).Error.Message)}";
        })];

        runtime.Delete(list, attachment);

        MasqNode.AssertNoRulesOf(world.Node, "podnet", "ctr1");
        Assert.Empty(MasqNode.MasqComments(world.Node));
        Assert.DoesNotContain("10.77.0.2", MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);
        Assert.Empty(world.Bridge.Leases("podnet"));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(Directory.GetFiles(Path.Combine(world.Bridge.Root, "runtime-cache", "results")));
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
