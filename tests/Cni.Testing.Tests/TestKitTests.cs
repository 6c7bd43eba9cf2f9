using System.Net;
using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Testing.Tests;

/// <summary>
/// The test kit against the real kernel: namespaces are made and removed (also when the code using them
/// throws), plugins run in-process inside a namespace and as binaries, the kernel's state is read back and
/// the assertions fail with the evidence when it differs, and the fake executor records delegation.
/// </summary>
public sealed class TestKitTests
{
    private static bool Exists(string name) => File.Exists("/run/netns/" + name);

    /// <summary>A plugin that brings the pod's loopback up on ADD and reports it; DEL does nothing.</summary>
    private sealed class LoopbackUp : ICniPlugin
    {
        public PluginInfo Info { get; } = new("test loopback", CniVersion.All);

        public CniResult Add(AddRequest request)
        {
            using NetworkNamespace pod = NetworkNamespace.Open(request.NetNs);
            pod.Run(() =>
            {
                using RtnlSocket rtnl = RtnlSocket.Open();
                rtnl.SetLinkUp(rtnl.GetLink("lo").Index);
            });
            return new CniResult { Interfaces = { new CniInterface { Name = "lo", Sandbox = request.NetNs } } };
        }

        public void Delete(DeleteRequest request)
        {
        }

        public void Check(CheckRequest request)
        {
        }
    }

    [Fact]
    public void A_namespace_exists_while_held_and_is_removed_even_when_the_test_throws()
    {
        Requires.Root();
        string name;
        try
        {
            using TestNamespace ns = TestNamespace.Create("kit-throw");
            name = ns.Name;
            Assert.True(Exists(name));
            Assert.StartsWith("cnitest-kit-throw-", name, StringComparison.Ordinal);
            Assert.Equal("/run/netns/" + name, ns.Path);
            throw new InvalidOperationException("the test failed");
        }
        catch (InvalidOperationException e) when (e.Message == "the test failed")
        {
            name = e.Message;
        }

        Assert.DoesNotContain(Directory.EnumerateFiles("/run/netns"), f => Path.GetFileName(f).StartsWith("cnitest-kit-throw-", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_namespaces_of_one_tag_have_different_names_and_a_pair_holds_a_node_with_lo_up()
    {
        Requires.Root();
        using NodeAndPod pair = NodeAndPod.Create("kit-pair");
        Assert.NotEqual(pair.Node.Name, pair.Pod.Name);
        Assert.True(Exists(pair.Node.Name) && Exists(pair.Pod.Name));
        KernelState.AssertInterface(pair.Node, "lo", "127.0.0.1/8");
        Assert.False(KernelState.Links(pair.Pod).Single(l => l.Name == "lo").IsUp);
        string node = pair.Node.Name, pod = pair.Pod.Name;
        pair.Dispose();
        Assert.False(Exists(node) || Exists(pod));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("../escape")]
    [InlineData("a-tag-that-is-far-too-long-for-a-name")]
    public void A_bad_tag_is_refused(string tag) =>
        Assert.ThrowsAny<ArgumentException>(() => TestNamespace.Create(tag));

    [Fact]
    public void A_plugin_runs_in_process_and_the_kernel_shows_what_it_did()
    {
        Requires.Root();
        using TestNamespace pod = TestNamespace.Create("kit-inproc");
        KernelStateException down = Assert.Throws<KernelStateException>(() => KernelState.AssertInterface(pod, "lo"));
        Assert.Contains("down", down.Message, StringComparison.Ordinal);

        PluginRun add = PluginHarness.RunInProcess(new LoopbackUp(), PluginHarness.Environment("ADD", pod.Path, ifName: "lo"), """{"cniVersion":"1.0.0","name":"kit","type":"loopback-up"}""");
        CniResult result = add.Result();
        Assert.Equal("lo", Assert.Single(result.Interfaces).Name);
        KernelState.AssertInterface(pod, "lo", "127.0.0.1/8");
        Assert.Contains(new IPCidr(IPAddress.Loopback, 8), KernelState.Addresses(pod, "lo"));

        KernelStateException missing = Assert.Throws<KernelStateException>(() => KernelState.AssertInterface(pod, "lo", "10.9.9.9/24"));
        Assert.Contains("does not hold 10.9.9.9/24", missing.Message, StringComparison.Ordinal);
        Assert.Throws<KernelStateException>(() => KernelState.AssertInterface(pod, "eth0"));
    }

    [Fact]
    public void A_failed_call_gives_its_error_and_asking_it_for_a_result_says_what_it_printed()
    {
        Requires.Root();
        using TestNamespace pod = TestNamespace.Create("kit-error");
        var env = PluginHarness.Environment("ADD", pod.Path);
        env["CNI_IFNAME"] = null;
        PluginRun add = PluginHarness.RunInProcess(new LoopbackUp(), env, """{"cniVersion":"1.0.0","name":"kit","type":"loopback-up"}""");
        Assert.False(add.Succeeded);
        CniError error = add.Error();
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, error.Code);
        PluginRunException wrong = Assert.Throws<PluginRunException>(() => add.Result());
        Assert.Contains("CNI_IFNAME", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binary_runs_inside_a_namespace_and_routes_are_read_back()
    {
        Requires.Root();
        using TestNamespace ns = TestNamespace.Create("kit-binary", loopbackUp: true);
        ns.Ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        ns.Ip("link", "set", "veth0", "up");
        ns.Ip("link", "set", "veth1", "up");
        ns.Ip("addr", "add", "192.0.2.10/24", "dev", "veth0");
        ns.Ip("route", "add", "198.51.100.0/24", "via", "192.0.2.1");

        // /bin/cat as the "plugin": it runs in the namespace (as ip netns exec would start it) and echoes stdin.
        PluginRun run = PluginHarness.RunBinary("/bin/cat", PluginHarness.Environment("VERSION", null), "hello", inside: ns);
        Assert.Equal("hello", run.Stdout);
        Assert.Contains("veth0", ns.Exec("cat", "/proc/net/dev"), StringComparison.Ordinal);

        KernelState.AssertRoute(ns, "198.51.100.0/24", "192.0.2.1");
        Assert.Throws<KernelStateException>(() => KernelState.AssertRoute(ns, "198.51.100.0/24", "192.0.2.2"));
        KernelState.AssertNoInterface(ns, "eth0");
        Assert.Throws<KernelStateException>(() => KernelState.AssertNoInterface(ns, "veth0"));
    }

    [Fact]
    public void A_binary_that_hangs_is_killed_at_the_timeout()
    {
        string dir = Directory.CreateTempSubdirectory("cni-testkit-").FullName;
        try
        {
            string plugin = Path.Combine(dir, "hangs");
            File.WriteAllText(plugin, "#!/bin/sh\nexec sleep 60\n");
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            CniException e = Assert.Throws<CniException>(() =>
                PluginHarness.RunBinary(plugin, PluginHarness.Environment("ADD", null), "", timeout: TimeSpan.FromMilliseconds(200)));
            Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
            Assert.Contains(plugin, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A meta plugin: ADD delegates to host-local and returns its result; DEL delegates too.</summary>
    private sealed class DelegatesToIpam : ICniPlugin
    {
        public PluginInfo Info { get; } = new("test meta", CniVersion.All);

        public CniResult Add(AddRequest request) => request.Delegate.Add("host-local");

        public void Delete(DeleteRequest request) => request.Delegate.Delete("host-local");

        public void Check(CheckRequest request)
        {
        }
    }

    [Fact]
    public void The_fake_executor_records_delegation_and_answers_for_the_delegate()
    {
        var fake = new FakePluginExecutor
        {
            Missing = new HashSet<string> { "absent" },
            Respond = call => call.Command == "ADD"
                ? FakePluginExecutor.Success("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.5/24"}]}""")
                : FakePluginExecutor.Failure(CniErrorCode.TryAgainLater, "busy"),
        };
        const string config = """{"cniVersion":"1.0.0","name":"n","type":"meta"}""";
        PluginRun add = PluginHarness.RunInProcess(new DelegatesToIpam(), PluginHarness.Environment("ADD", "/run/netns/none", cniPath: "/opt/cni/bin"), config, executor: fake);
        Assert.Equal("10.0.0.5/24", Assert.Single(add.Result().Ips).Address.ToString());
        FakeExecution call = Assert.Single(fake.Calls);
        Assert.Equal("/fake/host-local", call.Path);
        Assert.Equal("ADD", call.Command);
        Assert.Equal(config, call.StdinText);

        PluginRun del = PluginHarness.RunInProcess(new DelegatesToIpam(), PluginHarness.Environment("DEL", "/run/netns/none", cniPath: "/opt/cni/bin"), config, executor: fake);
        Assert.Equal(CniErrorCode.TryAgainLater, del.Error().Code);
        Assert.Equal(["ADD", "DEL"], fake.Calls.Select(c => c.Command));
        Assert.Throws<CniException>(() => fake.Find("absent", ["/opt/cni/bin"]));
        Assert.Equal(3, fake.Finds.Count);
    }

    [Fact]
    public void The_in_process_executor_runs_delegates_as_objects()
    {
        Requires.Root();
        using TestNamespace pod = TestNamespace.Create("kit-delegate");
        var executor = new InProcessPluginExecutor(new Dictionary<string, ICniPlugin> { ["loopback-up"] = new LoopbackUp() });
        string path = executor.Find("loopback-up", []);
        var env = new Dictionary<string, string> { ["CNI_COMMAND"] = "ADD", ["CNI_CONTAINERID"] = "c1", ["CNI_NETNS"] = pod.Path, ["CNI_IFNAME"] = "lo", ["CNI_PATH"] = "/nowhere" };
        PluginOutput output = executor.Execute(path, env, """{"cniVersion":"1.0.0","name":"kit","type":"loopback-up"}"""u8.ToArray(), TextWriter.Null);
        Assert.Equal(0, output.ExitCode);
        Assert.Equal([("loopback-up", "ADD")], executor.Calls);
        KernelState.AssertInterface(pod, "lo");
        Assert.Throws<CniException>(() => executor.Find("other", []));
    }
}
