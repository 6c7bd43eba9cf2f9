using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The dispatcher seen from outside: our NativeAOT sample plugin (static-routes, written only
/// against the public API) and a Go reference plugin get the same bad inputs as processes, and
/// must give the same exit codes and the same error codes.
/// </summary>
public class SkelBlackBoxTests
{
    private const string Good = """{"cniVersion":"1.0.0","name":"bb","type":"x","ipam":{"type":"host-local","ranges":[[{"subnet":"10.88.0.0/24"}]],"dataDir":"/tmp/cni-blackbox-never-written"}}""";

    public static TheoryData<string, string, string, string?> BadInputs()
    {
        var data = new TheoryData<string, string, string, string?>
        {
            // case name, variable to change (or "stdin"), new value (null = remove), stdin override
            { "unknown command", "CNI_COMMAND", "ATTACH", null },
            { "invalid JSON", "stdin", "", "{not json" },
            { "empty stdin", "stdin", "", "" },
            { "unknown cniVersion", "stdin", "", """{"cniVersion":"9.9.9","name":"bb","type":"x"}""" },
            { "missing network name", "stdin", "", """{"cniVersion":"1.0.0","type":"x"}""" },
            { "invalid network name", "stdin", "", """{"cniVersion":"1.0.0","name":"bad name!","type":"x"}""" },
            { "missing CNI_CONTAINERID", "CNI_CONTAINERID", null!, null },
            { "missing CNI_NETNS", "CNI_NETNS", null!, null },
            { "missing CNI_IFNAME", "CNI_IFNAME", null!, null },
            { "missing CNI_PATH", "CNI_PATH", null!, null },
            { "interface name too long", "CNI_IFNAME", "a-very-long-name0", null },
            { "interface name with slash", "CNI_IFNAME", "eth/0", null },
            { "interface name dot", "CNI_IFNAME", ".", null },
            { "container ID with bad characters", "CNI_CONTAINERID", "-bad$id", null },
            { "CHECK on a 0.3.1 config", "CNI_COMMAND", "CHECK", """{"cniVersion":"0.3.1","name":"bb","type":"x"}""" },
        };
        return data;
    }

    private static (ProcessResult Ours, ProcessResult Go) RunBoth(string variable, string? value, string? stdin)
    {
        string ours = RepoPaths.OurPlugin("static-routes");
        string go = Requires.ReferencePlugin("host-local");
        var env = PluginRunner.Env("ADD", "/var/run/netns/cnitest-blackbox-absent", cniPath: Requires.ReferencePluginDir);
        if (variable != "stdin")
        {
            env[variable] = value;
        }

        string input = stdin ?? Good;
        return (Processes.Run(ours, env, input), Processes.Run(go, env, input));
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Same_exit_and_error_codes_as_the_reference(string name, string variable, string? value, string? stdin)
    {
        (ProcessResult ours, ProcessResult go) = RunBoth(variable, value, stdin);
        Assert.True(go.ExitCode != 0, $"{name}: the reference accepted it: {go}");
        Assert.Equal(go.ExitCode, ours.ExitCode);
        CniError goError = CniError.Parse(System.Text.Encoding.UTF8.GetBytes(go.Stdout));
        CniError ourError = CniError.Parse(System.Text.Encoding.UTF8.GetBytes(ours.Stdout));
        Assert.True(goError.Code == ourError.Code, $"{name}: reference code {goError.Code} ({goError.Message}), ours {ourError.Code} ({ourError.Message})");
        // A difference on purpose: our error objects carry cniVersion, as the spec says; Go's do not.
        Assert.Null(goError.CniVersion);
        Assert.NotNull(ourError.CniVersion);
        Assert.DoesNotContain("Unhandled exception", ours.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_command_prints_about_text_on_stderr_and_exits_0_like_the_reference()
    {
        (ProcessResult ours, ProcessResult go) = RunBoth("CNI_COMMAND", null, null);
        Assert.Equal(0, go.ExitCode);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal("", ours.Stdout);
        Assert.Contains("CNI protocol versions supported:", go.Stderr, StringComparison.Ordinal);
        Assert.Contains("CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", ours.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"bb","type":"static-routes","routes":"10.0.0.0/8","prevResult":{"cniVersion":"1.0.0"}}""", "key \"routes\" has value \"10.0.0.0/8\", which is not an array")]
    [InlineData("""{"cniVersion":"1.0.0","name":"bb","ipMasq":"yes"}""", "key \"ipMasq\" has value \"yes\", which is not a boolean")]
    [InlineData("""{"cniVersion":"1.0.0","name":"bb",}""", "failed to decode the network configuration as JSON")]
    public void NativeAot_binaries_word_decoding_errors_for_people_not_resource_keys(string stdin, string expected)
    {
        // Trimmed builds can replace framework messages by resource keys; the key, the value and the
        // expected type must still reach the user.
        string ours = RepoPaths.OurPlugin("static-routes");
        ProcessResult r = Processes.Run(ours, PluginRunner.Env("ADD", "/var/run/netns/cnitest-blackbox-absent"), stdin);
        CniError e = PluginRunner.Error(r);
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("_", e.Message.Split(' ')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_answers_VERSION_with_all_seven_versions()
    {
        string ours = RepoPaths.OurPlugin("static-routes");
        ProcessResult r = Processes.Run(ours, new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, """{"cniVersion":"1.1.0"}""");
        Assert.Equal(0, r.ExitCode);
        VersionInfo info = VersionInfo.Parse(System.Text.Encoding.UTF8.GetBytes(r.Stdout));
        Assert.Equal(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"], info.SupportedVersions);
    }

    [Fact]
    public void Sample_built_from_the_packed_NuGet_packages_behaves_like_the_project_build()
    {
        // eng/test.sh packs the libraries into artifacts/packages and builds the sample against them.
        string fromPackages = Path.Combine(RepoPaths.Root, "artifacts", "from-packages", "static-routes");
        if (!File.Exists(fromPackages))
        {
            Requires.Unavailable($"{fromPackages} is missing: eng/sample-from-packages.sh builds it");
        }

        string fromProjects = RepoPaths.OurPlugin("static-routes");
        var env = PluginRunner.Env("ADD", "/var/run/netns/cnitest-blackbox-absent", ifName: "bad/name");
        ProcessResult a = Processes.Run(fromPackages, env, Good);
        ProcessResult b = Processes.Run(fromProjects, env, Good);
        Assert.Equal(b.ExitCode, a.ExitCode);
        Assert.Equal(b.Stdout, a.Stdout);
        ProcessResult version = Processes.Run(fromPackages, new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, "");
        Assert.Contains("\"1.1.0\"", version.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_adds_checks_and_removes_its_routes_chained_after_loopback()
    {
        Requires.Root();
        string loopback = RepoPaths.OurPlugin("loopback");
        string sample = RepoPaths.OurPlugin("static-routes");
        using var pod = TestNamespace.Create("sample");
        const string Lo = """{"cniVersion":"1.0.0","name":"chain","type":"loopback"}""";
        ProcessResult lo = Processes.Run(loopback, PluginRunner.Env("ADD", pod.Path, ifName: "lo"), Lo);
        Assert.True(lo.ExitCode == 0, lo.ToString());

        string config = """{"cniVersion":"1.0.0","name":"chain","type":"static-routes","routes":[{"dst":"10.99.0.0/16"},{"dst":"10.98.1.0/24"}],"prevResult":PREV}"""
            .Replace("PREV", lo.Stdout, StringComparison.Ordinal);
        ProcessResult add = Processes.Run(sample, PluginRunner.Env("ADD", pod.Path, ifName: "lo"), config);
        CniResult result = PluginRunner.Result(add);
        Assert.Contains(result.Routes, r => r.Destination.ToString() == "10.99.0.0/16");
        string routes = pod.Ip("-j", "route", "show");
        Assert.Contains("\"dst\":\"10.99.0.0/16\"", routes, StringComparison.Ordinal);
        Assert.Contains("\"dst\":\"10.98.1.0/24\"", routes, StringComparison.Ordinal);

        string check = config.Replace(lo.Stdout, add.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Processes.Run(sample, PluginRunner.Env("CHECK", pod.Path, ifName: "lo"), check).ExitCode);
        pod.Ip("route", "del", "10.98.1.0/24");
        ProcessResult failed = Processes.Run(sample, PluginRunner.Env("CHECK", pod.Path, ifName: "lo"), check);
        Assert.Contains("10.98.1.0/24", PluginRunner.Error(failed).Message, StringComparison.Ordinal);

        Assert.Equal(0, Processes.Run(sample, PluginRunner.Env("DEL", pod.Path, ifName: "lo"), check).ExitCode);
        Assert.DoesNotContain("10.99.0.0/16", pod.Ip("-j", "route", "show"), StringComparison.Ordinal);
        // DEL again, and DEL with the namespace gone: both succeed.
        Assert.Equal(0, Processes.Run(sample, PluginRunner.Env("DEL", pod.Path, ifName: "lo"), check).ExitCode);
        Assert.Equal(0, Processes.Run(sample, PluginRunner.Env("DEL", "/run/netns/cnitest-gone", ifName: "lo"), check).ExitCode);
    }

    [Fact]
    public void Sample_without_prevResult_is_a_config_error()
    {
        Requires.Root();
        using var pod = TestNamespace.Create("sample-noprev");
        ProcessResult r = Processes.Run(RepoPaths.OurPlugin("static-routes"), PluginRunner.Env("ADD", pod.Path, ifName: "lo"),
            """{"cniVersion":"1.0.0","name":"chain","type":"static-routes","routes":[{"dst":"10.99.0.0/16"}]}""");
        CniError e = PluginRunner.Error(r);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("prevResult", e.Message, StringComparison.Ordinal);
    }
}
