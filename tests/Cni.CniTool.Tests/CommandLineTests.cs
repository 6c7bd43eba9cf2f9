namespace Cni.Tests;

/// <summary>cnitool's command line, environment and exit codes, as the reference cnitool's.</summary>
public sealed class CommandLineTests
{
    private static ProcessResult Run(IReadOnlyDictionary<string, string?> env, params string[] args) =>
        Processes.Run(CniToolBinary.Location, env, args: args);

    private static Dictionary<string, string?> Env(string netConf, params (string Key, string Value)[] more)
    {
        var env = new Dictionary<string, string?> { ["NETCONFPATH"] = netConf, ["CNITOOL_CACHE_DIR"] = Path.Combine(netConf, "cache") };
        foreach ((string k, string v) in more)
        {
            env[k] = v;
        }

        return env;
    }

    [Theory]
    [InlineData("")]
    [InlineData("add")]
    [InlineData("add net")]
    public void Fewer_than_three_arguments_print_the_usage_and_exit_1(string commandLine)
    {
        ProcessResult r = Run(new Dictionary<string, string?>(), commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Stdout);
        foreach (string verb in new[] { "add", "check", "del", "gc", "status" })
        {
            Assert.Matches($@"cnitool {verb} +<net> <netns>", r.Stderr);
        }
    }

    [Fact]
    public void An_unknown_verb_is_refused_with_the_usage()
    {
        using var dir = new TempDir();
        ProcessResult r = Run(Env(dir.Path), "up", "net", "/run/netns/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown command \"up\"", r.Stderr);
        Assert.Contains("cnitool add    <net> <netns>", r.Stderr);
    }

    [Fact]
    public void A_network_that_is_not_configured_fails_naming_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "10-other.conflist"), """{"cniVersion":"1.0.0","name":"other","plugins":[{"type":"loopback"}]}""");
        ProcessResult r = Run(Env(dir.Path, ("CNI_PATH", RepoPaths.PluginDir)), "add", "missing", "/run/netns/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("missing", r.Stderr);
        Assert.Empty(r.Stdout);
    }

    [Theory]
    [InlineData("a=b;c", "invalid CNI_ARGS pair \"c\"")]
    [InlineData("a=b=c", "invalid CNI_ARGS pair \"a=b=c\"")]
    [InlineData("=b", "invalid CNI_ARGS pair \"=b\"")]
    [InlineData("a=", "invalid CNI_ARGS pair \"a=\"")]
    [InlineData("a=b;", "invalid CNI_ARGS pair \"\"")]
    public void Cni_args_must_be_key_value_pairs(string cniArgs, string message)
    {
        using var dir = new TempDir();
        WriteLoopback(dir.Path);
        ProcessResult r = Run(Env(dir.Path, ("CNI_ARGS", cniArgs), ("CNI_PATH", RepoPaths.PluginDir)), "add", "lo", "/run/netns/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Theory]
    [InlineData("{", "CAP_ARGS is not valid JSON")]
    [InlineData("[1]", "CAP_ARGS must be a JSON object")]
    [InlineData("\"ports\"", "CAP_ARGS must be a JSON object")]
    public void Cap_args_must_be_a_json_object(string capArgs, string message)
    {
        using var dir = new TempDir();
        WriteLoopback(dir.Path);
        ProcessResult r = Run(Env(dir.Path, ("CAP_ARGS", capArgs), ("CNI_PATH", RepoPaths.PluginDir)), "add", "lo", "/run/netns/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void Check_below_0_4_0_fails_as_with_libcni()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "lo.conflist"), """{"cniVersion":"0.3.1","name":"lo","plugins":[{"type":"loopback"}]}""");
        ProcessResult ours = Run(Env(dir.Path, ("CNI_PATH", RepoPaths.PluginDir)), "check", "lo", "/run/netns/x");
        ProcessResult libcni = Processes.Run(LibcniInterop.Location, new Dictionary<string, string?>(), args: ["-netconf", dir.Path, "-cache-dir", Path.Combine(dir.Path, "cache"), "-path", RepoPaths.PluginDir, "check", "lo", "/run/netns/x"]);
        Assert.Equal(1, libcni.ExitCode);
        Assert.Equal(libcni.ExitCode, ours.ExitCode);
        Assert.Contains("0.3.1", ours.Stderr);
        Assert.Contains("CHECK", ours.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_plugin_that_is_not_on_cni_path_fails_add_with_exit_1_naming_it_and_caches_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "net.conflist"), """{"cniVersion":"1.0.0","name":"net","plugins":[{"type":"loopback"},{"type":"not-installed"}]}""");
        ProcessResult r = Run(Env(dir.Path, ("CNI_PATH", RepoPaths.PluginDir), ("CNI_IFNAME", "lo")), "add", "net", "/run/netns/x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not-installed", r.Stderr);
        Assert.Empty(r.Stdout);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "cache", "results")) && Directory.EnumerateFiles(Path.Combine(dir.Path, "cache", "results")).Any());
    }

    [Fact]
    public void The_container_id_is_derived_from_the_clean_absolute_namespace_path()
    {
        Requires.Root();
        RepoPaths.OurPlugin("loopback");
        using var dir = new TempDir();
        WriteLoopback(dir.Path);
        using var pod = TestNamespace.Create("cnitoolid");
        var env = Env(dir.Path, ("CNI_PATH", RepoPaths.PluginDir), ("CNI_IFNAME", "lo"));

        // Written with a doubled separator, "." and ".." and a trailing '/': the ID is that of /run/netns/<name>.
        string messy = "/run//netns/./../netns/" + pod.Name + "/";
        ProcessResult add = Run(env, "add", "lo", messy);
        Assert.True(add.ExitCode == 0, add.ToString());
        string entry = Path.Combine(dir.Path, "cache", "results", "lo-" + Node.ContainerId(pod.Path) + "-lo");
        Assert.True(File.Exists(entry), $"no cache entry {entry}: {string.Join(", ", Directory.GetFiles(Path.Combine(dir.Path, "cache", "results")))}");
        Assert.Matches("^cnitool-[0-9a-f]{20}$", Node.ContainerId(pod.Path));
        Assert.Contains("UP", pod.Ip("-br", "link", "show", "dev", "lo"));

        ProcessResult del = Run(env, "del", "lo", pod.Path);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.False(File.Exists(entry));
    }

    private static void WriteLoopback(string dir) =>
        File.WriteAllText(Path.Combine(dir, "lo.conflist"), """{"cniVersion":"1.0.0","name":"lo","plugins":[{"type":"loopback"}]}""");

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("cnitool-cli-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
