using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Bad inputs through our bridge and the Go bridge: the same exit codes and error codes, and on our
/// side nothing left behind (no veth, no lease). DEL is idempotent and always runs IPAM DEL.
/// </summary>
public class BridgeFailureTests
{
    private static void AssertSameFailure(ProcessResult ours, ProcessResult go)
    {
        Assert.Equal(go.ExitCode, ours.ExitCode);
        Assert.NotEqual(0, ours.ExitCode);
        Assert.Equal(PluginRunner.Error(go).Code, PluginRunner.Error(ours).Code);
    }

    public static TheoryData<string, string, string, string, CniErrorCode> BadEnvironment => new()
    {
        // cniVersion, containerID, ifName, what, code
        { "9.9.9", "ctr1", "eth0", "unknown cniVersion", CniErrorCode.IncompatibleVersion },
        { "1.0.0", "ctr1", "eth 0", "whitespace in CNI_IFNAME", CniErrorCode.InvalidEnvironmentVariables },
        { "1.0.0", "ctr1", "a/b", "slash in CNI_IFNAME", CniErrorCode.InvalidEnvironmentVariables },
        { "1.0.0", "ctr1", "abcdefghijklmnop", "16 characters in CNI_IFNAME", CniErrorCode.InvalidEnvironmentVariables },
        { "1.0.0", "-bad!", "eth0", "invalid CNI_CONTAINERID", CniErrorCode.InvalidEnvironmentVariables },
    };

    [Theory]
    [MemberData(nameof(BadEnvironment))]
    public void Bad_version_interface_name_or_container_id_fail_like_the_reference(string version, string containerId, string ifName, string what, CniErrorCode code)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("badenv");
        TestNamespace pod = node.Pod();
        ProcessResult r1 = node.Run(ours, "ADD", pod.Path, node.Config(version), containerId, ifName);
        ProcessResult r2 = node.Run(go, "ADD", pod.Path, node.Config(version), containerId, ifName);
        AssertSameFailure(r1, r2);
        Assert.True(code == PluginRunner.Error(r1).Code, what);
        Assert.Empty(BridgeNode.LinkNames(node.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
    }

    [Fact]
    public void A_missing_namespace_fails_like_the_reference_and_creates_nothing()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("nons");
        const string missing = "/run/netns/cnitest-never-created";
        ProcessResult r1 = node.Run(ours, "ADD", missing, node.Config());
        Assert.Empty(BridgeNode.LinkNames(node.Node));
        AssertSameFailure(r1, node.Run(go, "ADD", missing, node.Config()));
        Assert.Contains($"failed to open netns \"{missing}\"", PluginRunner.Error(r1).Message, StringComparison.Ordinal);
        Assert.Empty(node.Leases());
    }

    [Fact]
    public void A_path_that_is_not_a_namespace_fails_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("notns");
        string file = Path.Combine(node.Root, "not-a-netns");
        File.WriteAllText(file, "");
        ProcessResult r1 = node.Run(ours, "ADD", file, node.Config());
        AssertSameFailure(r1, node.Run(go, "ADD", file, node.Config()));
        Assert.Contains("not a network namespace", PluginRunner.Error(r1).Message, StringComparison.Ordinal);
        AssertSameFailure(node.Run(ours, "CHECK", file, node.Config()), node.Run(go, "CHECK", file, node.Config()));
        AssertSameFailure(node.Run(ours, "DEL", file, node.Config()), node.Run(go, "DEL", file, node.Config()));
    }

    [Fact]
    public void An_interface_name_that_exists_in_the_pod_fails_like_the_reference_and_leaves_nothing()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("exists");
        TestNamespace pod = node.Pod();
        Assert.Equal(0, node.Run(ours, "ADD", pod.Path, node.Config(), containerId: "first").ExitCode);
        string[] nodeLinks = BridgeNode.LinkNames(node.Node);
        string[] leases = node.Leases();

        ProcessResult r1 = node.Run(ours, "ADD", pod.Path, node.Config(), containerId: "second");
        AssertSameFailure(r1, node.Run(go, "ADD", pod.Path, node.Config(), containerId: "third"));
        Assert.Equal("container veth name provided (eth0) already exists", PluginRunner.Error(r1).Message);
        Assert.Equal(nodeLinks, BridgeNode.LinkNames(node.Node));
        Assert.Equal(leases, node.Leases());
        Assert.Equal(["eth0"], BridgeNode.LinkNames(pod));
    }

    [Fact]
    public void A_missing_ipam_plugin_fails_like_the_reference_but_leaves_no_veth()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("noipam");
        using var nodeGo = new BridgeNode("noipamgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        string cfgOurs = nodeOurs.Config().Replace("host-local", "no-such-ipam", StringComparison.Ordinal);
        string cfgGo = nodeGo.Config().Replace("host-local", "no-such-ipam", StringComparison.Ordinal);
        ProcessResult r1 = nodeOurs.Run(ours, "ADD", podOurs.Path, cfgOurs);
        AssertSameFailure(r1, nodeGo.Run(go, "ADD", podGo.Path, cfgGo));
        Assert.Contains("failed to find plugin \"no-such-ipam\"", PluginRunner.Error(r1).Message, StringComparison.Ordinal);

        // Ours removed the veth it had made; the reference leaves both ends behind.
        Assert.Empty(BridgeNode.LinkNames(podOurs));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(nodeOurs.Node));
        Assert.Equal(["eth0"], BridgeNode.LinkNames(podGo));
    }

    [Fact]
    public void An_exhausted_range_fails_like_the_reference_and_leaves_nothing()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("exh");
        TestNamespace pod1 = node.Pod("a"), pod2 = node.Pod("b");
        string cfg = node.Config(ranges: "[[{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.2\",\"rangeEnd\":\"10.77.0.2\"}]]");
        Assert.Equal(0, node.Run(ours, "ADD", pod1.Path, cfg, containerId: "one").ExitCode);
        string[] nodeLinks = BridgeNode.LinkNames(node.Node);

        ProcessResult r1 = node.Run(ours, "ADD", pod2.Path, cfg, containerId: "two");
        Assert.Empty(BridgeNode.LinkNames(pod2));
        Assert.Equal(nodeLinks, BridgeNode.LinkNames(node.Node));
        Assert.Equal(["10.77.0.2"], node.Leases());
        ProcessResult r2 = node.Run(go, "ADD", pod2.Path, cfg, containerId: "three");
        AssertSameFailure(r1, r2);
        Assert.Equal(PluginRunner.Error(r2).Message, PluginRunner.Error(r1).Message);
    }

    [Fact]
    public void Check_without_prevResult_fails_like_the_reference()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("noprev");
        TestNamespace pod = node.Pod();
        Assert.Equal(0, node.Run(ours, "ADD", pod.Path, node.Config()).ExitCode);
        ProcessResult r1 = node.Run(ours, "CHECK", pod.Path, node.Config());
        AssertSameFailure(r1, node.Run(go, "CHECK", pod.Path, node.Config()));
        Assert.Equal("Required prevResult missing", PluginRunner.Error(r1).Message);

        // Below 0.4.0 there is no CHECK at all.
        AssertSameFailure(node.Run(ours, "CHECK", pod.Path, node.Config("0.3.1")), node.Run(go, "CHECK", pod.Path, node.Config("0.3.1")));
    }

    [Fact]
    public void Check_finds_a_flushed_address_a_missing_route_a_wrong_mac_and_a_missing_veth()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var nodeOurs = new BridgeNode("chk");
        using var nodeGo = new BridgeNode("chkgo");
        TestNamespace podOurs = nodeOurs.Pod(), podGo = nodeGo.Pod();
        const string keys = "\"isGateway\":true,\"isDefaultGateway\":true";
        const string routes = "\"routes\":[{\"dst\":\"10.200.0.0/16\",\"gw\":\"10.77.0.254\"}]";
        string cfgOurs = nodeOurs.Config(extra: keys, ipamExtra: routes), cfgGo = nodeGo.Config(extra: keys, ipamExtra: routes);
        ProcessResult a1 = nodeOurs.Run(ours, "ADD", podOurs.Path, cfgOurs);
        ProcessResult a2 = nodeGo.Run(go, "ADD", podGo.Path, cfgGo);
        string prevOurs = BridgeNode.WithPrevResult(cfgOurs, a1.Stdout), prevGo = BridgeNode.WithPrevResult(cfgGo, a2.Stdout);
        Assert.Equal(0, nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs).ExitCode);

        // A wrong MAC in prevResult.
        CniError mac = PluginRunner.Error(nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs.Replace(CniResult.Parse(a1.Stdout, null).Interfaces[2].Mac!, "02:de:ad:be:ef:00", StringComparison.Ordinal)));
        Assert.Contains("MAC", mac.Message, StringComparison.Ordinal);

        // A route removed from the pod.
        podOurs.Ip("route", "del", "10.200.0.0/16");
        podGo.Ip("route", "del", "10.200.0.0/16");
        ProcessResult route = nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs);
        AssertSameFailure(route, nodeGo.Run(go, "CHECK", podGo.Path, prevGo));
        Assert.Contains("10.200.0.0/16", PluginRunner.Error(route).Message, StringComparison.Ordinal);

        // The pod's address flushed.
        podOurs.Ip("addr", "flush", "dev", "eth0");
        podGo.Ip("addr", "flush", "dev", "eth0");
        ProcessResult flushed = nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs);
        AssertSameFailure(flushed, nodeGo.Run(go, "CHECK", podGo.Path, prevGo));
        Assert.Contains("10.77.0.2/24", PluginRunner.Error(flushed).Message, StringComparison.Ordinal);

        // The host end taken off the bridge.
        nodeOurs.Node.Ip("link", "set", CniResult.Parse(a1.Stdout, null).Interfaces[1].Name, "nomaster");
        CniError veth = PluginRunner.Error(nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs));
        Assert.Contains("veth", veth.Message, StringComparison.Ordinal);

        // The container interface gone.
        podOurs.Ip("link", "del", "eth0");
        CniError gone = PluginRunner.Error(nodeOurs.Run(ours, "CHECK", podOurs.Path, prevOurs));
        Assert.Contains("eth0", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Del_with_a_missing_or_no_namespace_succeeds_like_the_reference_and_frees_the_lease()
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("bridge");
        using var node = new BridgeNode("delns");
        TestNamespace pod1 = node.Pod("a");
        Assert.Equal(0, node.Run(ours, "ADD", pod1.Path, node.Config(), containerId: "one").ExitCode);
        Assert.Equal(["10.77.0.2"], node.Leases());

        // The pod's namespace is gone: DEL succeeds and still releases the address.
        string path = pod1.Path;
        pod1.Dispose();
        ProcessResult d1 = node.Run(ours, "DEL", path, node.Config(), containerId: "one");
        Assert.Equal(node.Run(go, "DEL", path, node.Config(), containerId: "one").ExitCode, d1.ExitCode);
        Assert.Equal(0, d1.ExitCode);
        Assert.Empty(node.Leases());

        // No CNI_NETNS at all.
        TestNamespace pod2 = node.Pod("b");
        Assert.Equal(0, node.Run(ours, "ADD", pod2.Path, node.Config(), containerId: "two").ExitCode);
        Assert.NotEmpty(node.Leases());
        ProcessResult d2 = node.Run(ours, "DEL", null, node.Config(), containerId: "two");
        Assert.Equal(node.Run(go, "DEL", null, node.Config(), containerId: "two").ExitCode, d2.ExitCode);
        Assert.Equal(0, d2.ExitCode);
        Assert.Empty(node.Leases());

        // The interface already gone, then DEL twice.
        TestNamespace pod3 = node.Pod("c");
        Assert.Equal(0, node.Run(ours, "ADD", pod3.Path, node.Config(), containerId: "three").ExitCode);
        pod3.Ip("link", "del", "eth0");
        Assert.Equal(0, node.Run(ours, "DEL", pod3.Path, node.Config(), containerId: "three").ExitCode);
        Assert.Empty(node.Leases());
        Assert.Equal(0, node.Run(ours, "DEL", pod3.Path, node.Config(), containerId: "three").ExitCode);

        // Left: the bridge and pod2's host end (its DEL had no namespace to clean; pod1's went with its namespace).
        Assert.Equal(2, BridgeNode.LinkNames(node.Node).Length);
    }
}
