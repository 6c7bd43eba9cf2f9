using System.Text;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Skel.Tests;

/// <summary>
/// Delegation through the executor seam: a fake executor that runs nothing shows exactly what a
/// delegate is sent and how what it returns is read; the in-process executor runs a delegate plugin
/// object through the real dispatcher. The real-process path is covered by <see cref="DelegationTests"/>.
/// </summary>
public sealed class ExecutorSeamTests
{
    private const string Config = """{"cniVersion":"1.0.0","name":"seam","type":"main","ipam":{"type":"ipam-x","subnet":"10.9.0.0/24"}}""";

    /// <summary>A main plugin delegating to its IPAM type, and (on ADD) a meta-style call with a configuration it built.</summary>
    private sealed class MainPlugin : ICniPlugin
    {
        public PluginInfo Info { get; } = new("main", CniVersion.All);

        public string? MetaConfig { get; init; }

        public CniResult Add(AddRequest request)
        {
            if (MetaConfig is not null)
            {
                return request.Delegate.Add("delegate-y", Encoding.UTF8.GetBytes(MetaConfig));
            }

            return request.Delegate.Add(request.Config.Ipam!.Type!);
        }

        public void Delete(DeleteRequest request) => request.Delegate.Delete(request.Config.Ipam!.Type!);

        public void Check(CheckRequest request) => request.Delegate.Check(request.Config.Ipam!.Type!);

        public void Status(StatusRequest request) => request.Delegate.Status(request.Config.Ipam!.Type!);

        public void GarbageCollect(GcRequest request) => request.Delegate.GarbageCollect(request.Config.Ipam!.Type!);
    }

    private static Harness For(string verb, FakePluginExecutor executor, string config = Config)
    {
        var h = new Harness { Stdin = config, Executor = executor };
        h.Env["CNI_COMMAND"] = verb;
        h.Env["CNI_PATH"] = "/opt/a:/opt/b";
        h.Env["CNI_NETNS_OVERRIDE"] = "1";
        h.Env["CUSTOM"] = "kept";
        return h;
    }

    [Theory]
    [InlineData("ADD")]
    [InlineData("DEL")]
    [InlineData("CHECK")]
    public void The_delegate_gets_the_callers_environment_its_own_command_and_the_requests_stdin(string verb)
    {
        var executor = new FakePluginExecutor
        {
            Respond = c => FakePluginExecutor.Success(c.Command == "ADD" ? """{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.7/24","gateway":"10.9.0.1"}]}""" : ""),
        };
        string config = verb == "CHECK" ? Config[..^1] + ""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.7/24"}]}}""" : Config;
        Harness h = For(verb, executor, config).Run(new MainPlugin());
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);

        (string type, IReadOnlyList<string> paths) = Assert.Single(executor.Finds);
        Assert.Equal("ipam-x", type);
        Assert.Equal(["/opt/a", "/opt/b"], paths);
        FakeExecution call = Assert.Single(executor.Calls);
        Assert.Equal("/fake/ipam-x", call.Path);
        Assert.Equal(verb, call.Command);
        Assert.Equal(config, call.StdinText);
        // Exactly the caller's environment: nothing dropped, nothing added but the command.
        Assert.Equal(h.Env.OrderBy(e => e.Key, StringComparer.Ordinal), call.Environment.OrderBy(e => e.Key, StringComparer.Ordinal));
        if (verb == "ADD")
        {
            IpConfig ip = Assert.Single(CniResult.Parse(h.Stdout, CniVersion.V1_0_0).Ips);
            Assert.Equal(("10.9.0.7/24", "10.9.0.1"), (ip.Address.ToString(), ip.Gateway?.ToString()));
        }
    }

    [Theory]
    [InlineData("STATUS")]
    [InlineData("GC")]
    public void Status_and_gc_are_delegated_with_their_own_command(string verb)
    {
        var executor = new FakePluginExecutor();
        string config = Config.Replace("1.0.0", "1.1.0", StringComparison.Ordinal)[..^1] + ""","cni.dev/valid-attachments":[]}""";
        Harness h = For(verb, executor, config).Run(new MainPlugin());
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.Equal(verb, Assert.Single(executor.Calls).Command);
    }

    [Fact]
    public void A_meta_plugin_sends_the_configuration_it_built()
    {
        string built = """{"cniVersion":"0.4.0","name":"seam","type":"delegate-y","mtu":1400}""";
        var executor = new FakePluginExecutor { Respond = _ => FakePluginExecutor.Success("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.9.0.8/24"}]}""") };
        Harness h = For("ADD", executor).Run(new MainPlugin { MetaConfig = built });
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        FakeExecution call = Assert.Single(executor.Calls);
        Assert.Equal(built, call.StdinText);
        // The delegate's result is read in the version of the configuration it was sent (0.4.0), then
        // written in the caller's (1.0.0).
        Assert.Equal("10.9.0.8/24", CniResult.Parse(h.Stdout, CniVersion.V1_0_0).Ips[0].Address.ToString());
    }

    [Fact]
    public void A_canned_error_object_is_raised_with_its_code_message_and_details_and_stderr_is_passed_on()
    {
        var executor = new FakePluginExecutor { Respond = _ => FakePluginExecutor.Failure((CniErrorCode)18, "no room", "range 10.9.0.0/24 is full", stderr: "ipam-x: allocating\n") };
        Harness h = For("ADD", executor).Run(new MainPlugin());
        CniError e = h.Error();
        Assert.Equal((CniErrorCode)18, e.Code);
        Assert.Equal("no room", e.Message);
        Assert.Equal("range 10.9.0.0/24 is full", e.Details);
        Assert.Contains("ipam-x: allocating", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silent_failure_and_a_mute_add_are_reported_as_internal_errors()
    {
        var silent = new FakePluginExecutor { Respond = _ => new PluginOutput(3, ReadOnlyMemory<byte>.Empty, "disk on fire\n") };
        CniError e = For("ADD", silent).Run(new MainPlugin()).Error();
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal("plugin \"ipam-x\" failed on ADD with exit code 3: disk on fire", e.Message);

        CniError mute = For("ADD", new FakePluginExecutor()).Run(new MainPlugin()).Error();
        Assert.Equal("plugin \"ipam-x\" succeeded on ADD but printed no result", mute.Message);
    }

    [Fact]
    public void A_type_that_is_a_path_never_reaches_the_executor()
    {
        var executor = new FakePluginExecutor();
        CniError e = For("ADD", executor, Config.Replace("ipam-x", "../ipam-x", StringComparison.Ordinal)).Run(new MainPlugin()).Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Empty(executor.Finds);
        Assert.Empty(executor.Calls);
    }

    [Fact]
    public void A_missing_plugin_is_the_executors_error()
    {
        var executor = new FakePluginExecutor { Missing = new HashSet<string> { "ipam-x" } };
        CniError e = For("ADD", executor).Run(new MainPlugin()).Error();
        Assert.Equal("failed to find plugin \"ipam-x\" in path [/opt/a /opt/b]", e.Message);
        Assert.Empty(executor.Calls);
    }

    [Fact]
    public void The_default_executor_is_the_process_one()
    {
        var invocation = new CniInvocation(new Dictionary<string, string>(), Stream.Null, Stream.Null, TextWriter.Null);
        Assert.Same(ProcessPluginExecutor.Instance, invocation.Executor);
    }

    /// <summary>An IPAM plugin object that allocates from a counter and records the calls.</summary>
    private sealed class CountingIpam : ICniPlugin
    {
        public PluginInfo Info { get; } = new("counting ipam", CniVersion.All);

        public List<string> Verbs { get; } = [];

        public CniResult Add(AddRequest request)
        {
            Verbs.Add("ADD " + request.ContainerId + " " + (request.Args.TryGetValue("K8S_POD_NAME", out string? pod) ? pod : "-"));
            request.Log.WriteLine("counting ipam: allocated");
            return new CniResult { Ips = { new IpConfig { Address = IPCidr.Parse($"10.9.0.{Verbs.Count + 1}/24") } } };
        }

        public void Delete(DeleteRequest request) => Verbs.Add("DEL " + request.ContainerId);

        public void Check(CheckRequest request) => throw new CniException(CniErrorCode.Internal, "no lease for " + request.ContainerId);
    }

    [Fact]
    public void The_in_process_executor_runs_a_plugin_object_through_the_dispatcher()
    {
        var ipam = new CountingIpam();
        var executor = new InProcessPluginExecutor(new Dictionary<string, ICniPlugin> { ["ipam-x"] = ipam });
        var h = new Harness { Stdin = Config, Executor = executor };
        h.Env["CNI_NETNS_OVERRIDE"] = "1";
        h.Env["CNI_ARGS"] = "K8S_POD_NAME=web";
        h.Run(new MainPlugin());
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.Equal(["ADD ctr-1 web"], ipam.Verbs);
        Assert.Equal("10.9.0.2/24", CniResult.Parse(h.Stdout, CniVersion.V1_0_0).Ips[0].Address.ToString());
        Assert.Contains("counting ipam: allocated", h.Stderr, StringComparison.Ordinal);

        h.Env["CNI_COMMAND"] = "DEL";
        Assert.Equal(0, h.Run(new MainPlugin()).ExitCode);
        Assert.Equal(["ADD ctr-1 web", "DEL ctr-1"], ipam.Verbs);
        Assert.Equal([("ipam-x", "ADD"), ("ipam-x", "DEL")], executor.Calls);

        // The delegate's error object crosses the in-process boundary like a process's.
        h.Env["CNI_COMMAND"] = "CHECK";
        h.Stdin = Config[..^1] + ""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/24"}]}}""";
        Assert.Equal("no lease for ctr-1", h.Run(new MainPlugin()).Error().Message);
    }
}
