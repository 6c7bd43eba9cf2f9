using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>The chain rules, run against real (shell-script) plugin processes that record what they are given.</summary>
public class ChainTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public async Task Add_runs_the_plugins_in_order_and_chains_each_result_as_the_next_prevResult()
    {
        using var p = new ScriptPlugins("chain");
        p.Add("a", add: "res 10.1.0.1/24");
        p.Add("b", add: "res 10.2.0.2/24");
        p.Add("c", add: "res 10.3.0.3/24");
        CniResult result = await p.Runtime().AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "b", "c"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Equal(["a ADD ctr1", "b ADD ctr1", "c ADD ctr1"], p.Calls());
        Assert.Null(Json(p.Stdin("a", "ADD"))["prevResult"]);
        Assert.Equal("10.1.0.1/24", (string?)Json(p.Stdin("b", "ADD"))["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal("10.2.0.2/24", (string?)Json(p.Stdin("c", "ADD"))["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal("10.3.0.3/24", result.Ips.Single().Address.ToString());
        Assert.Equal(CniVersion.V1_0_0, result.CniVersion);
    }

    [Fact]
    public async Task Name_and_version_are_injected_into_every_plugin_and_other_keys_kept()
    {
        using var p = new ScriptPlugins("inject");
        p.Add("a");
        CniNetwork net = ScriptPlugins.ListWith("0.4.0", "", """{"type":"a","name":"wrong","cniVersion":"0.1.0","mine":{"deep":[1,2]}}""");
        await p.Runtime().AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        JsonObject stdin = Json(p.Stdin("a", "ADD"));
        Assert.Equal("testnet", (string?)stdin["name"]);
        Assert.Equal("0.4.0", (string?)stdin["cniVersion"]);
        Assert.Equal(2, (int?)stdin["mine"]!["deep"]![1]);
    }

    [Fact]
    public async Task RuntimeConfig_gets_only_the_capabilities_a_plugin_declares()
    {
        using var p = new ScriptPlugins("caps");
        p.Add("a");
        p.Add("b");
        p.Add("c");
        CniNetwork net = ScriptPlugins.ListWith(
            "1.0.0",
            "",
            """{"type":"a","capabilities":{"portMappings":true,"mac":false}}""",
            """{"type":"b","runtimeConfig":{"own":1}}""",
            """{"type":"c","capabilities":{"ips":true},"runtimeConfig":{"own":2}}""");
        var caps = new Dictionary<string, JsonElement>
        {
            ["portMappings"] = JsonDocument.Parse("""[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]""").RootElement,
            ["mac"] = JsonDocument.Parse("\"c2:11:22:33:44:55\"").RootElement,
            ["ips"] = JsonDocument.Parse("""["10.9.9.9/24"]""").RootElement,
        };
        await p.Runtime().AddNetworkListAsync(net, new AttachmentParameters { ContainerId = "ctr1", NetNs = "/run/netns/x", IfName = "eth0", CapabilityArgs = caps }, TestContext.Current.CancellationToken);
        JsonObject a = Json(p.Stdin("a", "ADD"))["runtimeConfig"]!.AsObject();
        Assert.Equal(["portMappings"], a.Select(kv => kv.Key));
        Assert.Equal(8080, (int?)a["portMappings"]![0]!["hostPort"]);
        Assert.Equal(1, (int?)Json(p.Stdin("b", "ADD"))["runtimeConfig"]!["own"]);
        JsonObject c = Json(p.Stdin("c", "ADD"))["runtimeConfig"]!.AsObject();
        Assert.Equal(["ips"], c.Select(kv => kv.Key));
    }

    [Fact]
    public async Task The_environment_is_what_a_runtime_sets()
    {
        using var p = new ScriptPlugins("env");
        p.Add("a");
        var pod = new AttachmentParameters
        {
            ContainerId = "ctr1",
            NetNs = "/run/netns/envtest",
            IfName = "net1",
            Args = [new("IgnoreUnknown", "1"), new("K8S_POD_NAME", "web")],
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "congo=t61rcWkgMzE",
        };
        await p.Runtime().AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), pod, TestContext.Current.CancellationToken);
        Dictionary<string, string> env = p.Env("a", "ADD");
        Assert.Equal("ADD", env["CNI_COMMAND"]);
        Assert.Equal("ctr1", env["CNI_CONTAINERID"]);
        Assert.Equal("/run/netns/envtest", env["CNI_NETNS"]);
        Assert.Equal("net1", env["CNI_IFNAME"]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAME=web", env["CNI_ARGS"]);
        Assert.Equal(p.BinDir, env["CNI_PATH"]);
        Assert.Equal(pod.TraceParent, env["TRACEPARENT"]);
        Assert.Equal(pod.TraceState, env["TRACESTATE"]);
    }

    [Fact]
    public async Task The_trace_context_comes_from_the_current_activity_when_none_is_given()
    {
        using var p = new ScriptPlugins("trace");
        p.Add("a");
        using var activity = new Activity("cni-test");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = "k=v";
        activity.Start();
        await p.Runtime().AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        activity.Stop();
        Dictionary<string, string> env = p.Env("a", "ADD");
        Assert.Equal(activity.Id, env["TRACEPARENT"]);
        Assert.Equal("k=v", env["TRACESTATE"]);
    }

    [Fact]
    public async Task Without_a_trace_context_no_trace_variables_are_set()
    {
        using var p = new ScriptPlugins("notrace");
        p.Add("a");
        Activity.Current = null;
        await p.Runtime().AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.False(p.Env("a", "ADD").ContainsKey("TRACEPARENT"));
    }

    [Fact]
    public async Task A_chain_of_plugins_with_different_versions_gets_prevResult_converted_to_each()
    {
        using var p = new ScriptPlugins("conv");
        p.Add("new1", add: "res 10.1.0.1/24", versions: "\"1.0.0\",\"1.1.0\"");
        p.Add("old", add: "res 10.2.0.2/24", versions: "\"0.3.0\",\"0.3.1\"");
        p.Add("new2", add: "res 10.3.0.3/24", versions: "\"1.0.0\"");
        CniNetwork net = ScriptPlugins.ListWith("1.1.0", ",\"cniVersions\":[\"0.3.1\",\"1.0.0\"]", """{"type":"new1"}""", """{"type":"old"}""", """{"type":"new2"}""");
        CniResult result = await p.Runtime().AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);

        Assert.Equal("1.1.0", (string?)Json(p.Stdin("new1", "ADD"))["cniVersion"]);
        JsonObject old = Json(p.Stdin("old", "ADD"));
        Assert.Equal("0.3.1", (string?)old["cniVersion"]);
        Assert.Equal("0.3.1", (string?)old["prevResult"]!["cniVersion"]);
        Assert.Equal("4", (string?)old["prevResult"]!["ips"]![0]!["version"]);
        JsonObject new2 = Json(p.Stdin("new2", "ADD"));
        Assert.Equal("1.0.0", (string?)new2["cniVersion"]);
        Assert.Equal("1.0.0", (string?)new2["prevResult"]!["cniVersion"]);
        Assert.Null(new2["prevResult"]!["ips"]![0]!["version"]);
        Assert.Equal("10.2.0.2/24", (string?)new2["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal(CniVersion.V1_1_0, result.CniVersion);
    }

    [Fact]
    public async Task Check_passes_the_cached_result_to_every_plugin_in_order()
    {
        using var p = new ScriptPlugins("check");
        (CniRuntime rt, CniNetwork net) = await AddTwoPlugins(p);
        await rt.CheckNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Equal(["a CHECK ctr1", "b CHECK ctr1"], p.Calls());
        Assert.Equal("10.2.0.2/24", (string?)Json(p.Stdin("a", "CHECK"))["prevResult"]!["ips"]![0]!["address"]);
    }

    [Theory]
    [InlineData("0.3.1")]
    [InlineData("0.2.0")]
    public async Task Check_is_refused_below_0_4_0_before_any_plugin_runs(string version)
    {
        using var p = new ScriptPlugins("check03");
        p.Add("a");
        CniException e = await Assert.ThrowsAsync<CniException>(() => p.Runtime().CheckNetworkListAsync(ScriptPlugins.List(version, "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Contains("CHECK", e.Message, StringComparison.Ordinal);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task Check_is_skipped_when_disabled()
    {
        using var p = new ScriptPlugins("nocheck");
        p.Add("a", other: "exit 1");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.ListWith("1.0.0", ",\"disableCheck\":\"true\"", """{"type":"a"}""");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        await rt.CheckNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Equal(["a ADD ctr1"], p.Calls());
    }

    [Fact]
    public async Task Check_without_a_previous_add_is_an_unknown_container()
    {
        using var p = new ScriptPlugins("checknone");
        p.Add("a");
        CniException e = await Assert.ThrowsAsync<CniException>(() => p.Runtime().CheckNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.UnknownContainer, e.Code);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task Check_failure_names_the_plugin_and_keeps_its_code()
    {
        using var p = new ScriptPlugins("checkfail");
        p.Add("a");
        p.Add("b", other: """printf '{"code":107,"msg":"eth0 has the wrong address"}'; exit 1""");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.0.0", "a", "b");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => rt.CheckNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken));
        Assert.Equal((CniErrorCode)107, e.Code);
        Assert.Equal("b", e.PluginType);
        Assert.Equal("CHECK", e.Command);
        Assert.Contains("plugin type=\"b\" name=\"testnet\" failed (CHECK): eth0 has the wrong address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_runs_in_reverse_order_with_the_cached_result_and_removes_the_entry()
    {
        using var p = new ScriptPlugins("del");
        (CniRuntime rt, CniNetwork net) = await AddTwoPlugins(p);
        string entry = rt.Cache.GetPath("testnet", "ctr1", "eth0");
        Assert.True(File.Exists(entry));
        await rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Equal(["b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.Equal("10.2.0.2/24", (string?)Json(p.Stdin("a", "DEL"))["prevResult"]!["ips"]![0]!["address"]);
        Assert.False(File.Exists(entry));

        // Idempotent: a second DEL runs the plugins again, without prevResult, and succeeds.
        p.ClearCalls();
        await rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Equal(["b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.Null(Json(p.Stdin("a", "DEL"))["prevResult"]);
    }

    [Fact]
    public async Task Delete_below_0_4_0_sends_no_prevResult()
    {
        using var p = new ScriptPlugins("del03");
        p.Add("a");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("0.3.1", "a");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        await rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        Assert.Null(Json(p.Stdin("a", "DEL"))["prevResult"]);
    }

    [Fact]
    public async Task Delete_without_a_netns_sends_an_empty_CNI_NETNS()
    {
        using var p = new ScriptPlugins("delnons");
        p.Add("a");
        await p.Runtime().DeleteNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), new AttachmentParameters { ContainerId = "ctr1", IfName = "eth0" }, TestContext.Current.CancellationToken);
        Assert.Equal(string.Empty, p.Env("a", "DEL")["CNI_NETNS"]);
    }

    [Fact]
    public async Task Status_asks_every_plugin_and_stops_at_the_first_not_ready()
    {
        using var p = new ScriptPlugins("status");
        p.Add("a");
        p.Add("b", other: """printf '{"code":50,"msg":"no addresses left"}'; exit 1""");
        p.Add("c");
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => p.Runtime().GetStatusAsync(ScriptPlugins.List("1.1.0", "a", "b", "c"), TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.PluginNotAvailable, e.Code);
        Assert.Equal("b", e.PluginType);
        Assert.Equal(["a STATUS ", "b STATUS "], p.Calls());
        Assert.Equal("STATUS", p.Env("a", "STATUS", "")["CNI_COMMAND"]);
    }

    [Fact]
    public async Task Status_below_1_1_0_does_nothing()
    {
        using var p = new ScriptPlugins("status10");
        p.Add("a", other: "exit 1");
        await p.Runtime().GetStatusAsync(ScriptPlugins.List("1.0.0", "a"), TestContext.Current.CancellationToken);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task Validate_checks_every_plugin_and_returns_the_enabled_capabilities()
    {
        using var p = new ScriptPlugins("validate");
        p.Add("a");
        p.Add("b");
        CniNetwork net = ScriptPlugins.ListWith("1.0.0", "", """{"type":"a","capabilities":{"portMappings":true,"mac":false}}""", """{"type":"b","capabilities":{"bandwidth":true}}""");
        IReadOnlyList<string> caps = await p.Runtime().ValidateNetworkListAsync(net, TestContext.Current.CancellationToken);
        Assert.Equal(["bandwidth", "portMappings"], caps);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task Invalid_attachment_parameters_are_refused_before_any_plugin_runs()
    {
        using var p = new ScriptPlugins("badparams");
        p.Add("a");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.0.0", "a");
        CniException e1 = await Assert.ThrowsAsync<CniException>(() => rt.AddNetworkListAsync(net, new AttachmentParameters { ContainerId = "bad/id", NetNs = "/x", IfName = "eth0" }, TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e1.Code);
        CniException e2 = await Assert.ThrowsAsync<CniException>(() => rt.AddNetworkListAsync(net, new AttachmentParameters { ContainerId = "ok", NetNs = "/x", IfName = "a-much-too-long-name" }, TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e2.Code);
        CniException e3 = await Assert.ThrowsAsync<CniException>(() => rt.AddNetworkListAsync(net, new AttachmentParameters { ContainerId = "ok", IfName = "eth0" }, TestContext.Current.CancellationToken));
        Assert.Contains("CNI_NETNS", e3.Message, StringComparison.Ordinal);
        Assert.Empty(p.Calls());
    }

    /// <summary>Plugins a (10.1.0.1/24) and b (10.2.0.2/24) in a 1.0.0 list, added for the default pod; the calls of that ADD are forgotten.</summary>
    private static async Task<(CniRuntime Runtime, CniNetwork Net)> AddTwoPlugins(ScriptPlugins p)
    {
        p.Add("a", add: "res 10.1.0.1/24");
        p.Add("b", add: "res 10.2.0.2/24");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.0.0", "a", "b");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        p.ClearCalls();
        return (rt, net);
    }
}
