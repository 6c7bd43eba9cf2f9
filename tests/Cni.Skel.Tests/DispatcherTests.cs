using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Skel.Tests;

public class DispatcherTests
{
    public static TheoryData<string> Versions => new(CniVersion.All.Select(v => v.ToString()));

    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["ADD"] = ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"],
        ["CHECK"] = ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH"],
        ["DEL"] = ["CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH"],
        ["GC"] = ["CNI_PATH"],
        ["STATUS"] = [],
        ["VERSION"] = [],
    };

    public static TheoryData<string, string> RequiredVariables()
    {
        var data = new TheoryData<string, string>();
        foreach ((string verb, string[] vars) in Required)
        {
            foreach (string v in vars)
            {
                data.Add(verb, v);
            }
        }

        return data;
    }

    private static Harness For(string verb, string version = "1.1.0")
    {
        string prev = """{"cniVersion":"VERSION","ips":[{"version":"4","address":"10.1.0.5/24"}],"ip4":{"ip":"10.1.0.5/24"}}""";
        string config = """{"cniVersion":"VERSION","name":"testnet","type":"fake","cni.dev/valid-attachments":[],"prevResult":PREV}""";
        var h = new Harness { Stdin = config.Replace("PREV", prev, StringComparison.Ordinal).Replace("VERSION", version, StringComparison.Ordinal) };
        h.Env["CNI_COMMAND"] = verb;
        return h;
    }

    [Theory]
    [MemberData(nameof(RequiredVariables))]
    public void Each_required_variable_removed_gives_the_exact_error(string verb, string variable)
    {
        Harness h = For(verb);
        h.Env.Remove(variable);
        var plugin = new FakePlugin();
        CniError e = h.Run(plugin).Error();
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Equal($"required env variables [{variable}] missing", e.Message);
        Assert.Empty(plugin.Calls);
    }

    [Fact]
    public void All_missing_variables_are_reported_together_in_table_order()
    {
        var h = new Harness();
        h.Env.Remove("CNI_PATH");
        h.Env.Remove("CNI_CONTAINERID");
        h.Env["CNI_IFNAME"] = "";
        Assert.Equal("required env variables [CNI_CONTAINERID,CNI_IFNAME,CNI_PATH] missing", h.Run(new FakePlugin()).Error().Message);
    }

    [Theory]
    [InlineData("VERSION")]
    [InlineData("STATUS")]
    public void Verbs_that_need_only_the_command_run_without_the_rest(string verb)
    {
        Harness h = For(verb);
        foreach (string v in new[] { "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH" })
        {
            h.Env.Remove(v);
        }

        Assert.Equal(0, h.Run(new FakePlugin()).ExitCode);
    }

    [Fact]
    public void Unset_command_prints_about_on_stderr_and_exits_0()
    {
        var h = new Harness();
        h.Env.Remove("CNI_COMMAND");
        h.Run(new FakePlugin());
        Assert.Equal(0, h.ExitCode);
        Assert.Equal("", h.Stdout);
        Assert.StartsWith("CNI fake plugin v0.0.1\nCNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0", h.Stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_command_is_code_4_naming_it()
    {
        var h = new Harness();
        h.Env["CNI_COMMAND"] = "ATTACH";
        CniError e = h.Run(new FakePlugin()).Error();
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Contains("unknown CNI_COMMAND: ATTACH", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", CniErrorCode.DecodingFailure)]
    [InlineData("not json", CniErrorCode.DecodingFailure)]
    [InlineData("""{"cniVersion":"1.0.0"}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"cniVersion":"1.0.0","name":"bad name"}""", CniErrorCode.InvalidNetworkConfig)]
    [InlineData("""{"cniVersion":"9.9.9","name":"n"}""", CniErrorCode.IncompatibleVersion)]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","prevResult":{"cniVersion":"1.0.0","ips":"x"}}""", CniErrorCode.DecodingFailure)]
    public void Bad_stdin_gives_the_right_code(string stdin, CniErrorCode code)
    {
        var plugin = new FakePlugin();
        Assert.Equal(code, new Harness { Stdin = stdin }.Run(plugin).Error().Code);
        Assert.Empty(plugin.Calls);
    }

    [Fact]
    public void Incompatible_version_details_name_config_and_supported_list()
    {
        var plugin = new FakePlugin { Info = new PluginInfo("old", [CniVersion.V0_3_1, CniVersion.V0_4_0]) };
        CniError e = new Harness { Stdin = """{"cniVersion":"1.0.0","name":"n"}""" }.Run(plugin).Error();
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Equal("incompatible CNI versions", e.Message);
        Assert.Equal("config is \"1.0.0\", plugin supports [\"0.3.1\" \"0.4.0\"]", e.Details);
        Assert.Equal(CniVersion.V1_0_0, e.CniVersion);
    }

    [Theory]
    [InlineData("CNI_CONTAINERID", "", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_CONTAINERID", "-starts-with-dash", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_CONTAINERID", "has/slash", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", "this-name-is-too-long", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", ".", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", "..", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", "eth/0", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", "eth:0", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_IFNAME", "eth 0", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("CNI_ARGS", "NOEQUALS", CniErrorCode.InvalidEnvironmentVariables)]
    public void Bad_variable_values_are_code_4_naming_the_variable(string variable, string value, CniErrorCode code)
    {
        var h = new Harness();
        h.Env[variable] = value;
        CniError e = h.Run(new FakePlugin()).Error();
        Assert.Equal(code, e.Code);
        Assert.Contains(variable is "CNI_CONTAINERID" && value == "" ? "CNI_CONTAINERID" : variable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fifteen_character_interface_name_is_accepted()
    {
        var h = new Harness();
        h.Env["CNI_IFNAME"] = "abcdefghijklmno";
        Assert.Equal(0, h.Run(new FakePlugin()).ExitCode);
    }

    [Theory]
    [InlineData("CHECK", "0.3.1", "0.4.0")]
    [InlineData("STATUS", "1.0.0", "1.1.0")]
    [InlineData("GC", "1.0.0", "1.1.0")]
    public void Verbs_are_refused_below_their_minimum_version(string verb, string tooOld, string minimum)
    {
        var plugin = new FakePlugin();
        CniError e = For(verb, tooOld).Run(plugin).Error();
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Equal($"config version does not allow {verb}", e.Message);
        Assert.Contains(minimum, e.Details, StringComparison.Ordinal);
        Assert.Empty(plugin.Calls);
        Assert.Equal(0, For(verb, minimum).Run(new FakePlugin()).ExitCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Add_result_is_written_in_the_config_version(string version)
    {
        Harness h = new Harness { Stdin = $$"""{"cniVersion":"{{version}}","name":"testnet"}""" }.Run(new FakePlugin());
        Assert.Equal(0, h.ExitCode);
        CniResult r = CniResult.Parse(h.Stdout, null);
        Assert.Equal(version, r.CniVersion.ToString());
        Assert.Equal("10.1.0.5/24", r.Ips[0].Address.ToString());
        JsonNode doc = JsonNode.Parse(h.Stdout)!;
        bool legacy = CniVersion.Parse(version) < CniVersion.V0_3_0;
        Assert.Equal(legacy, doc["ip4"] is not null);
        Assert.Equal(!legacy, doc["interfaces"] is not null);
        Assert.Equal(version == "1.1.0", doc["interfaces"]?[0]?["mtu"] is not null);
    }

    [Fact]
    public void Requests_carry_the_environment_and_a_typed_prevResult()
    {
        var plugin = new FakePlugin();
        Harness h = For("CHECK", "0.4.0");
        h.Env["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAME=web";
        h.Env["CNI_PATH"] = "/a:/b";
        Assert.Equal(0, h.Run(plugin).ExitCode);
        var check = Assert.IsType<CheckRequest>(Assert.Single(plugin.Calls));
        Assert.Equal("ctr-1", check.ContainerId);
        Assert.Equal("eth0", check.IfName);
        Assert.Equal("/var/run/netns/does-not-exist", check.NetNs);
        Assert.Equal(["/a", "/b"], check.PluginPaths);
        Assert.True(check.Args.IgnoreUnknown);
        Assert.Equal(CniVersion.V0_4_0, check.Version);
        Assert.Equal("10.1.0.5/24", check.RequirePrevResult().Ips[0].Address.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"cniVersion":"1.0.0","ips":[{"address":"not an address"}]}""")]
    public void Del_tolerates_absent_empty_or_unreadable_prevResult(string? prev)
    {
        var plugin = new FakePlugin();
        var h = new Harness { Stdin = prev is null ? """{"cniVersion":"1.0.0","name":"n"}""" : $$"""{"cniVersion":"1.0.0","name":"n","prevResult":{{prev}}}""" };
        h.Env["CNI_COMMAND"] = "DEL";
        h.Env.Remove("CNI_NETNS");
        Assert.Equal(0, h.Run(plugin).ExitCode);
        var del = Assert.IsType<DeleteRequest>(Assert.Single(plugin.Calls));
        Assert.Null(del.NetNs);
        Assert.Null(del.PrevResult);
    }

    [Fact]
    public void Check_without_prevResult_fails_with_code_7_when_the_plugin_requires_it()
    {
        var plugin = new FakePlugin { Fail = r => { ((CheckRequest)r).RequirePrevResult(); return null; } };
        var h = new Harness { Stdin = """{"cniVersion":"1.0.0","name":"n"}""" };
        h.Env["CNI_COMMAND"] = "CHECK";
        CniError e = h.Run(plugin).Error();
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("prevResult", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CniException_keeps_its_code_and_details()
    {
        var plugin = new FakePlugin { Fail = _ => new CniException((CniErrorCode)117, "no VLAN 5000", "vlan must be 0..4094") };
        CniError e = new Harness().Run(plugin).Error();
        Assert.Equal(117, (int)e.Code);
        Assert.Equal("no VLAN 5000", e.Message);
        Assert.Equal("vlan must be 0..4094", e.Details);
        Assert.Equal(CniVersion.V1_0_0, e.CniVersion);
    }

    [Fact]
    public void Other_exceptions_become_999_with_the_message_and_a_log()
    {
        var plugin = new FakePlugin { Fail = _ => new InvalidOperationException("boom") };
        Harness h = new Harness().Run(plugin);
        CniError e = h.Error();
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal("boom", e.Message);
        Assert.Contains("InvalidOperationException: boom", e.Details, StringComparison.Ordinal);
        Assert.Contains("boom", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_answers_from_plugin_info_and_echoes_the_request_version()
    {
        var h = new Harness { Stdin = """{"cniVersion":"0.4.0"}""" };
        h.Env["CNI_COMMAND"] = "VERSION";
        var plugin = new FakePlugin { Info = new PluginInfo("x", [CniVersion.V0_4_0, CniVersion.V1_0_0]) };
        h.Run(plugin);
        Assert.Equal(0, h.ExitCode);
        Assert.Equal("{\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}\n", h.Stdout);
        h.Stdin = "";
        Assert.Contains("\"cniVersion\":\"1.1.0\"", h.Run(plugin).Stdout, StringComparison.Ordinal);
        Assert.Empty(plugin.Calls);
    }

    [Fact]
    public void Status_and_gc_have_default_bodies()
    {
        Assert.Equal(0, For("STATUS").Run(new MinimalPlugin()).ExitCode);
        Assert.Equal(0, For("GC").Run(new MinimalPlugin()).ExitCode);
    }

    [Fact]
    public void Gc_exposes_valid_attachments_with_the_old_key_as_fallback()
    {
        var plugin = new FakePlugin();
        var statusCapture = new List<GcRequest>();
        var gcPlugin = new GcRecorder(statusCapture);
        Harness h = For("GC");
        h.Stdin = """{"cniVersion":"1.1.0","name":"n","cni.dev/attachments":[{"containerID":"a","ifname":"eth0"},{"containerID":"b","ifname":"net1"}]}""";
        Assert.Equal(0, h.Run(gcPlugin).ExitCode);
        Assert.Equal([new Attachment("a", "eth0"), new Attachment("b", "net1")], Assert.Single(statusCapture).ValidAttachments);
    }

    [Fact]
    public void Gc_without_any_attachments_key_succeeds_frees_nothing_and_says_so()
    {
        // libcni sends neither key when its caller names no attachments (cnitool gc): the runtime has
        // not said what is valid, so the plugin is not asked to free anything.
        var capture = new List<GcRequest>();
        Harness h = For("GC");
        h.Stdin = """{"cniVersion":"1.1.0","name":"n","type":"gc","ipam":{"type":"host-local"}}""";
        h.Run(new GcRecorder(capture));
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.Equal("", h.Stdout);
        Assert.Empty(capture);
        Assert.Contains("neither \"cni.dev/valid-attachments\" nor \"cni.dev/attachments\"", h.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing is released", h.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cni.dev/valid-attachments", "[]")]
    [InlineData("cni.dev/valid-attachments", "null")]
    [InlineData("cni.dev/attachments", "[]")]
    [InlineData("cni.dev/attachments", "null")]
    public void Gc_with_an_empty_or_null_key_passes_an_empty_valid_set(string key, string value)
    {
        // Go marshals an empty list as null: present, and nothing in it is valid.
        var capture = new List<GcRequest>();
        Harness h = For("GC");
        h.Stdin = $$"""{"cniVersion":"1.1.0","name":"n","{{key}}":{{value}}}""";
        h.Run(new GcRecorder(capture));
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.Empty(Assert.Single(capture).ValidAttachments);
        Assert.DoesNotContain("nothing is released", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_with_a_list_passes_it_and_an_attachments_key_nested_elsewhere_does_not_count()
    {
        var capture = new List<GcRequest>();
        Harness h = For("GC");
        h.Stdin = """{"cniVersion":"1.1.0","name":"n","args":{"cni.dev/valid-attachments":[]},"cni.dev/valid-attachments":[{"containerID":"a","ifname":"eth0"}]}""";
        Assert.Equal(0, h.Run(new GcRecorder(capture)).ExitCode);
        Assert.Equal([new Attachment("a", "eth0")], Assert.Single(capture).ValidAttachments);

        // The key only inside another object is not the runtime's valid set.
        capture.Clear();
        h.Stdin = """{"cniVersion":"1.1.0","name":"n","args":{"cni.dev/valid-attachments":[]}}""";
        Assert.Equal(0, h.Run(new GcRecorder(capture)).ExitCode);
        Assert.Empty(capture);
        Assert.Contains("nothing is released", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_without_the_key_still_checks_the_version_first()
    {
        var capture = new List<GcRequest>();
        Harness h = For("GC");
        h.Stdin = """{"cniVersion":"1.0.0","name":"n"}""";
        Assert.Equal(CniErrorCode.IncompatibleVersion, h.Run(new GcRecorder(capture)).Error().Code);
        Assert.Empty(capture);
    }

    [Fact]
    public void Add_into_the_plugins_own_namespace_is_refused_unless_overridden()
    {
        var plugin = new FakePlugin();
        var h = new Harness();
        h.Env["CNI_NETNS"] = "/proc/self/ns/net";
        CniError e = h.Run(plugin).Error();
        Assert.Equal(CniErrorCode.InvalidNetNS, e.Code);
        Assert.Empty(plugin.Calls);
        h.Env["CNI_NETNS_OVERRIDE"] = "true";
        Assert.Equal(0, h.Run(plugin).ExitCode);
    }

    private sealed class GcRecorder(List<GcRequest> calls) : ICniPlugin
    {
        public PluginInfo Info { get; } = new("gc", CniVersion.All);

        public CniResult Add(AddRequest request) => new();

        public void Delete(DeleteRequest request)
        {
        }

        public void Check(CheckRequest request)
        {
        }

        public void GarbageCollect(GcRequest request) => calls.Add(request);
    }
}

/// <summary>VERSION reads cniVersion with a reader; it must pick what a parsed document would.</summary>
public class VersionRequestReaderTests
{
    [Theory]
    [InlineData("""{"cniVersion":"1.0.0"}""")]
    [InlineData("""  {"name":"n","cniVersion":"0.4.0","x":{"cniVersion":"9"}}  """)]
    [InlineData("""{"x":[{"cniVersion":"0.3.1"}],"cniVersion":"0.3.0"}""")]
    [InlineData("""{"cniVersion":"0.3.0","cniVersion":"1.1.0"}""")]
    [InlineData("""{"cniVersion":"0.3.0","cniVersion":1}""")]
    [InlineData("""{"cniVersion":1.0}""")]
    [InlineData("""{"cni\u0056ersion":"0.2.0"}""")]
    [InlineData("""{"other":"1.0.0"}""")]
    [InlineData("""["cniVersion","1.0.0"]""")]
    [InlineData("\"1.0.0\"")]
    [InlineData("{")]
    [InlineData("""{"cniVersion":"1.0.0"} trailing""")]
    [InlineData("""{"cniVersion":"1.0.0",}""")]
    [InlineData("""{"cniVersion":"1.0.0"/* c */}""")]
    [InlineData("   ")]
    [InlineData("")]
    public void Picks_what_a_parsed_document_would(string stdin)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(stdin);
        Assert.Equal(FromDocument(bytes), CniPlugin.RequestedVersion(bytes));
    }

    private static string? FromDocument(byte[] stdin)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(stdin);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("cniVersion", out System.Text.Json.JsonElement v)
                && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
