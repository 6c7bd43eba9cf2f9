using Cni.Spec;
using Cni.Tests;

namespace Cni.Skel.Tests;

/// <summary>Delegation against real executables: the Go reference host-local, and small scripts that misbehave.</summary>
public sealed class DelegationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-skel-delegate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> GoVersions => new("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0");

    /// <summary>A main plugin that delegates every verb to the IPAM plugin named in its config.</summary>
    private sealed class DelegatingPlugin : ICniPlugin
    {
        public PluginInfo Info { get; } = new("delegating", CniVersion.All);

        public List<CniResult> Results { get; } = [];

        public CniResult Add(AddRequest request)
        {
            CniResult r = request.Delegate.Add(request.Config.Ipam!.Type!);
            Results.Add(r);
            return r;
        }

        public void Delete(DeleteRequest request) => request.Delegate.Delete(request.Config.Ipam!.Type!);

        public void Check(CheckRequest request) => request.Delegate.Check(request.Config.Ipam!.Type!);

        public void Status(StatusRequest request) => request.Delegate.Status(request.Config.Ipam!.Type!);
    }

    private Harness HostLocal(string verb, string version, string type = "host-local", string? path = null)
    {
        string plugin = Requires.ReferencePlugin("host-local");
        var h = new Harness
        {
            Stdin = """{"cniVersion":"VERSION","name":"deleg","type":"delegating","ipam":{"type":"TYPE","dataDir":"DIR/data","ranges":[[{"subnet":"10.77.0.0/24"}]]}}"""
                .Replace("VERSION", version, StringComparison.Ordinal).Replace("TYPE", type, StringComparison.Ordinal).Replace("DIR", _dir, StringComparison.Ordinal),
        };
        h.Env["CNI_COMMAND"] = verb;
        h.Env["CNI_PATH"] = path ?? Path.GetDirectoryName(plugin)!;
        h.Env["CNI_CONTAINERID"] = "deleg-1";
        return h;
    }

    [Theory]
    [MemberData(nameof(GoVersions))]
    public void Add_check_del_through_the_reference_host_local_in_every_version(string version)
    {
        var plugin = new DelegatingPlugin();
        Harness add = HostLocal("ADD", version).Run(plugin);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        CniResult r = Assert.Single(plugin.Results);
        Assert.Equal(version, r.CniVersion.ToString());
        Assert.Equal("10.77.0.2/24", r.Ips[0].Address.ToString());
        Assert.Equal("10.77.0.1", r.Ips[0].Gateway!.ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "data", "deleg", "10.77.0.2")), "the reference wrote its lease");
        // Our output is the delegate's result written in the config's version.
        Assert.Equal(r.ToJsonString(CniVersion.Parse(version)), add.Stdout);

        if (CniVersion.Parse(version) >= CniVersion.V0_4_0)
        {
            Harness check = HostLocal("CHECK", version);
            check.Stdin = check.Stdin[..^1] + ",\"prevResult\":" + add.Stdout + "}";
            Assert.True(check.Run(plugin).ExitCode == 0, check.Stdout);
        }

        Harness del = HostLocal("DEL", version).Run(plugin);
        Assert.True(del.ExitCode == 0, del.Stdout);
        Assert.False(File.Exists(Path.Combine(_dir, "data", "deleg", "10.77.0.2")), "DEL through the delegate freed the lease");
    }

    [Fact]
    public void The_delegates_error_object_is_raised_with_its_code()
    {
        var plugin = new DelegatingPlugin();
        Assert.Equal(0, HostLocal("ADD", "1.0.0").Run(plugin).ExitCode);
        // A second ADD for the same container and interface: the reference refuses with its own message.
        CniError e = HostLocal("ADD", "1.0.0").Run(plugin).Error();
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Contains("duplicate allocation is not allowed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_through_the_delegate_fails_when_it_has_no_lease()
    {
        Harness check = HostLocal("CHECK", "1.0.0");
        check.Stdin = check.Stdin[..^1] + ""","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.77.0.9/24"}]}}""";
        CniError e = check.Run(new DelegatingPlugin()).Error();
        Assert.Contains("deleg-1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_plugin_names_the_type_and_the_path()
    {
        CniError e = HostLocal("ADD", "1.0.0", type: "no-such-plugin").Run(new DelegatingPlugin()).Error();
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Contains("\"no-such-plugin\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/cni", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../host-local")]
    [InlineData("/usr/lib/cni/host-local")]
    public void Type_with_a_path_separator_is_refused_before_anything_runs(string type)
    {
        // The config is refused when its ipam.type is used for delegation (CVE-2021-20206 was this hole).
        CniError e = HostLocal("ADD", "1.0.0", type: type).Run(new DelegatingPlugin()).Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains(type, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")), "nothing ran");
    }

    private string Script(string name, string body)
    {
        string bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    [Fact]
    public void Failing_plugin_with_an_error_object_keeps_its_code_and_details()
    {
        string bin = Script("fails", """cat >/dev/null; echo '{"code": 117, "msg": "no room", "details": "range full"}'; exit 1""");
        CniError e = HostLocal("ADD", "1.0.0", type: "fails", path: bin).Run(new DelegatingPlugin()).Error();
        Assert.Equal(117, (int)e.Code);
        Assert.Equal("no room", e.Message);
        Assert.Equal("range full", e.Details);
    }

    [Fact]
    public void Plugin_failing_silently_is_reported_with_exit_code_and_stderr()
    {
        string bin = Script("silent", "cat >/dev/null; echo 'disk on fire' >&2; exit 3");
        Harness h = HostLocal("ADD", "1.0.0", type: "silent", path: bin).Run(new DelegatingPlugin());
        CniError e = h.Error();
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Contains("exit code 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", e.Message, StringComparison.Ordinal);
        Assert.Contains("disk on fire", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plugin_printing_nothing_on_success_is_an_error_for_add()
    {
        string bin = Script("mute", "cat >/dev/null; exit 0");
        CniError e = HostLocal("ADD", "1.0.0", type: "mute", path: bin).Run(new DelegatingPlugin()).Error();
        Assert.Contains("printed no result", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, HostLocal("DEL", "1.0.0", type: "mute", path: bin).Run(new DelegatingPlugin()).ExitCode);
    }

    [Fact]
    public void Plugin_printing_garbage_is_quoted()
    {
        string bin = Script("garbage", "cat >/dev/null; echo 'panic: runtime error'; exit 2");
        CniError e = HostLocal("ADD", "1.0.0", type: "garbage", path: bin).Run(new DelegatingPlugin()).Error();
        Assert.Contains("panic: runtime error", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delegate_gets_the_callers_environment_with_its_own_command()
    {
        string bin = Script("env-dump", "cat >/dev/null; echo \"{\\\"cniVersion\\\":\\\"1.0.0\\\",\\\"ips\\\":[{\\\"address\\\":\\\"10.0.0.1/24\\\"}],\\\"dns\\\":{\\\"domain\\\":\\\"$CNI_COMMAND-$CNI_CONTAINERID-$CNI_IFNAME-$CUSTOM\\\"}}\"");
        Harness h = HostLocal("ADD", "1.0.0", type: "env-dump", path: bin);
        h.Env["CUSTOM"] = "kept";
        var plugin = new DelegatingPlugin();
        Assert.Equal(0, h.Run(plugin).ExitCode);
        Assert.Equal("ADD-deleg-1-eth0-kept", plugin.Results[0].Dns.Domain);
    }

    [Fact]
    public void First_match_on_the_path_wins_and_non_executables_are_skipped()
    {
        string first = Path.Combine(_dir, "first");
        Directory.CreateDirectory(first);
        File.WriteAllText(Path.Combine(first, "host-local"), "not executable");
        string found = PluginDelegator.FindInPath("host-local", [first, Requires.ReferencePluginDir]);
        Assert.Equal(Path.Combine(Requires.ReferencePluginDir, "host-local"), found);
    }

    [Fact]
    public async Task Text_file_busy_is_retried_until_the_binary_is_free()
    {
        // A plugin binary still open for writing (an upgrade in progress) cannot be executed
        // (ETXTBSY); the delegator waits and retries, as the reference does.
        string bin = Path.Combine(_dir, "busy-bin");
        Directory.CreateDirectory(bin);
        string path = Path.Combine(bin, "busy");
        var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        writer.Write("#!/bin/sh\ncat >/dev/null; echo '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.9/24\"}]}'\n"u8);
        writer.Flush();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Task release = Task.Run(
            async () =>
            {
                await Task.Delay(1500, TestContext.Current.CancellationToken);
                await writer.DisposeAsync();
            },
            TestContext.Current.CancellationToken);
        var plugin = new DelegatingPlugin();
        Harness h = HostLocal("ADD", "1.0.0", type: "busy", path: bin).Run(plugin);
        await release;
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.Contains("text file busy", h.Stderr, StringComparison.Ordinal);
        Assert.Equal("10.0.0.9/24", plugin.Results[0].Ips[0].Address.ToString());
    }
}
