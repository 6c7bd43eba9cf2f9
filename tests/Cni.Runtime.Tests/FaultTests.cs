using System.Diagnostics;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>Plugins that hang, crash, print garbage, are missing or fail: the errors name them, and nothing is left half done.</summary>
public class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_plugin_that_hangs_is_killed_at_the_timeout_and_the_error_says_so()
    {
        using var p = new ScriptPlugins("hang");
        p.Add("a");
        p.Add("hang", add: $"echo $$ > {p.LogDir}/hang.pid; exec sleep 600");
        CniRuntime rt = p.Runtime(timeout: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => rt.AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "hang"), ScriptPlugins.Pod(), Ct));
        clock.Stop();
        int pid = int.Parse(File.ReadAllText(Path.Combine(p.LogDir, "hang.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
            Assert.Equal("hang", e.PluginType);
            Assert.Contains("plugin type=\"hang\"", e.Message, StringComparison.Ordinal);
            Assert.Contains("killed", e.Message, StringComparison.Ordinal);
            Assert.Contains("1 s", e.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
            Assert.False(Directory.Exists($"/proc/{pid}"), $"the hung plugin (pid {pid}) is still there");

            // The failed ADD was rolled back: every plugin got its DEL, in reverse order.
            Assert.Equal(["a ADD ctr1", "hang ADD ctr1", "hang DEL ctr1", "a DEL ctr1"], p.Calls());
        }
        finally
        {
            if (Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("sleep", StringComparison.Ordinal))
            {
                Process.GetProcessById(pid).Kill();
            }
        }
    }

    [Fact]
    public async Task Cancellation_kills_the_running_plugin()
    {
        using var p = new ScriptPlugins("cancel");
        p.Add("hang", add: $"echo $$ > {p.LogDir}/hang.pid; exec sleep 600");
        CniRuntime rt = p.Runtime(timeout: TimeSpan.FromMinutes(5));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rt.AddNetworkListAsync(ScriptPlugins.List("1.0.0", "hang"), ScriptPlugins.Pod(), cts.Token));
        int pid = int.Parse(File.ReadAllText(Path.Combine(p.LogDir, "hang.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the cancelled plugin (pid {pid}) is still there");
        Assert.Contains("hang DEL ctr1", p.Calls());
    }

    [Fact]
    public async Task A_plugin_that_crashes_gives_an_error_naming_it_and_the_signal()
    {
        CniPluginException e = await AddOneFailingPlugin("crash", "kill -SEGV $$", "plugin type=\"crash\" name=\"testnet\" failed (ADD)", "signal 11");
        Assert.Equal(CniErrorCode.Internal, e.Code);
    }

    [Fact]
    public async Task A_plugin_that_prints_garbage_on_success_gives_an_error_naming_it()
    {
        CniPluginException e = await AddOneFailingPlugin("garbage", "echo 'this is not a result'", "plugin type=\"garbage\"", "not a result");
        Assert.Contains("this is not a result", e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_prints_garbage_on_failure_gives_an_error_naming_it()
    {
        CniPluginException e = await AddOneFailingPlugin("garbage", "echo 'panic: oops'; echo 'goroutine 1' >&2; exit 2", "exit code 2", "panic: oops");
        Assert.Contains("goroutine 1", e.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_succeeds_without_a_result_gives_an_error_naming_it()
    {
        await AddOneFailingPlugin("silent", "true", "no result");
    }

    [Fact]
    public async Task A_plugin_error_object_keeps_its_code_message_and_details()
    {
        CniPluginException e = await AddOneFailingPlugin("a", """printf '{"code":7,"msg":"invalid key \\"mtu\\"","details":"mtu must be a number"}'; exit 1""");
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal("invalid key \"mtu\"", e.Error.Message);
        Assert.Equal("mtu must be a number", e.Details);
        Assert.Equal("plugin type=\"a\" name=\"testnet\" failed (ADD): invalid key \"mtu\"", e.Message);
    }

    [Fact]
    public async Task A_missing_plugin_is_found_by_version_validation_before_any_add_runs()
    {
        using var p = new ScriptPlugins("missing");
        p.Add("a");
        p.Add("b");
        CniPluginException e = await AddFails(p, "a", "b", "nosuch");
        Assert.Equal("nosuch", e.PluginType);
        Assert.Contains("failed to find plugin \"nosuch\"", e.Message, StringComparison.Ordinal);
        Assert.Empty(p.Calls());
        Assert.False(File.Exists(Path.Combine(p.CacheDir, "results", "testnet-ctr1-eth0")));
    }

    [Fact]
    public async Task A_plugin_that_supports_none_of_the_versions_is_found_before_any_add_runs()
    {
        using var p = new ScriptPlugins("oldver");
        p.Add("a");
        p.Add("old", versions: "\"0.3.0\",\"0.3.1\"");
        CniPluginException e = await AddFails(p, "a", "old");
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Equal("old", e.PluginType);
        Assert.Contains("does not support config version \"1.0.0\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("0.3.1", e.Details, StringComparison.Ordinal);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task A_type_with_a_path_is_refused()
    {
        using var p = new ScriptPlugins("pathtype");
        p.Add("a");
        CniNetwork net = ScriptPlugins.List("1.0.0", "a");
        net.Config.Plugins![0]["type"] = "../bin/a";
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => p.Runtime().AddNetworkListAsync(net, ScriptPlugins.Pod(), Ct));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Empty(p.Calls());
    }

    [Fact]
    public async Task An_add_that_fails_at_the_third_plugin_is_rolled_back_in_reverse_order()
    {
        using var p = new ScriptPlugins("rollback");
        p.Add("a");
        p.Add("b");
        p.Add("c", add: """printf '{"code":999,"msg":"refused"}'; exit 1""");
        CniRuntime rt = p.Runtime();
        await Assert.ThrowsAsync<CniPluginException>(() => rt.AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "b", "c"), ScriptPlugins.Pod(), Ct));
        Assert.Equal(["a ADD ctr1", "b ADD ctr1", "c ADD ctr1", "c DEL ctr1", "b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.Null(rt.Cache.Read("testnet", "ctr1", "eth0"));
    }

    [Fact]
    public async Task Rollback_can_be_turned_off()
    {
        using var p = new ScriptPlugins("norollback");
        p.Add("a");
        p.Add("c", add: "exit 1");
        await Assert.ThrowsAsync<CniPluginException>(() => p.Runtime(rollBack: false).AddNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "c"), ScriptPlugins.Pod(), Ct));
        Assert.Equal(["a ADD ctr1", "c ADD ctr1"], p.Calls());
    }

    [Fact]
    public async Task Delete_without_a_cache_entry_still_runs_every_plugin()
    {
        using var p = new ScriptPlugins("delnocache");
        p.Add("a");
        p.Add("b");
        p.Add("c");
        await p.Runtime().DeleteNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "b", "c"), ScriptPlugins.Pod(), Ct);
        Assert.Equal(["c DEL ctr1", "b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.Null(JsonNode.Parse(p.Stdin("a", "DEL"))!["prevResult"]);
    }

    [Theory]
    [InlineData("{garbage")]
    [InlineData("""{"kind":"cniCacheV1","containerId":"ctr1","config":"!!notbase64","ifName":"eth0","networkName":"testnet"}""")]
    [InlineData("""{"kind":"cniCacheV1","result":{"cniVersion":"1.0.0","ips":[{"address":"not-an-ip"}]}}""")]
    [InlineData("")]
    public async Task Delete_with_a_corrupt_cache_entry_still_runs_every_plugin_and_removes_it(string content)
    {
        using var p = new ScriptPlugins("delcorrupt");
        p.Add("a");
        p.Add("b");
        CniRuntime rt = p.Runtime();
        string entry = rt.Cache.GetPath("testnet", "ctr1", "eth0");
        Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
        File.WriteAllText(entry, content);
        Assert.ThrowsAny<CniException>(() => rt.Cache.Read("testnet", "ctr1", "eth0"));
        await rt.DeleteNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "b"), ScriptPlugins.Pod(), Ct);
        Assert.Equal(["b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.False(File.Exists(entry));
    }

    [Fact]
    public async Task Delete_stops_at_the_first_failing_plugin_and_keeps_the_cache_entry()
    {
        using var p = new ScriptPlugins("delstop");
        p.Add("a");
        p.Add("b", del: """printf '{"code":11,"msg":"busy"}'; exit 1""");
        p.Add("c");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.0.0", "a", "b", "c");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), Ct);
        p.ClearCalls();
        CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod(), Ct));
        Assert.Equal("b", e.PluginType);
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Equal(["c DEL ctr1", "b DEL ctr1"], p.Calls());
        Assert.NotNull(rt.Cache.Read("testnet", "ctr1", "eth0"));
    }

    [Fact]
    public async Task Delete_can_go_on_after_a_failure_and_reports_every_failure()
    {
        using var p = new ScriptPlugins("delcont");
        p.Add("a", del: """printf '{"code":101,"msg":"a is stuck"}'; exit 1""");
        p.Add("b");
        p.Add("c", del: """printf '{"code":102,"msg":"c is stuck"}'; exit 1""");
        CniRuntime rt = p.Runtime(continueDelete: true);
        CniNetwork net = ScriptPlugins.List("1.0.0", "a", "b", "c");
        await rt.AddNetworkListAsync(net, ScriptPlugins.Pod(), Ct);
        p.ClearCalls();
        CniException e = await Assert.ThrowsAsync<CniException>(() => rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod(), Ct));
        Assert.Equal(["c DEL ctr1", "b DEL ctr1", "a DEL ctr1"], p.Calls());
        Assert.Contains("c is stuck", e.Message, StringComparison.Ordinal);
        Assert.Contains("a is stuck", e.Message, StringComparison.Ordinal);
        AggregateException all = Assert.IsType<AggregateException>(e.InnerException);
        Assert.Equal(["c", "a"], all.InnerExceptions.Cast<CniPluginException>().Select(x => x.PluginType));
        Assert.NotNull(rt.Cache.Read("testnet", "ctr1", "eth0"));
    }

    [Fact]
    public async Task Delete_with_a_missing_plugin_still_runs_the_others_when_going_on()
    {
        using var p = new ScriptPlugins("delmissing");
        p.Add("a");
        p.Add("c");
        CniException e = await Assert.ThrowsAsync<CniPluginException>(() => p.Runtime(continueDelete: true).DeleteNetworkListAsync(ScriptPlugins.List("1.0.0", "a", "gone", "c"), ScriptPlugins.Pod(), Ct));
        Assert.Contains("gone", e.Message, StringComparison.Ordinal);
        Assert.Equal(["c DEL ctr1", "a DEL ctr1"], p.Calls());
    }

    /// <summary>ADD of a 1.0.0 list of <paramref name="types"/> with a default runtime over <paramref name="p"/>: the plugin error it must fail with.</summary>
    private static Task<CniPluginException> AddFails(ScriptPlugins p, params string[] types) =>
        Assert.ThrowsAsync<CniPluginException>(() => p.Runtime().AddNetworkListAsync(ScriptPlugins.List("1.0.0", types), ScriptPlugins.Pod(), Ct));

    /// <summary>
    /// One plugin, <paramref name="type"/>, whose ADD runs <paramref name="add"/>: the error adding it gives, which must
    /// name it and hold each of <paramref name="inMessage"/> in its message.
    /// </summary>
    private static async Task<CniPluginException> AddOneFailingPlugin(string type, string add, params string[] inMessage)
    {
        using var p = new ScriptPlugins(type);
        p.Add(type, add: add);
        CniPluginException e = await AddFails(p, type);
        Assert.Equal(type, e.PluginType);
        foreach (string text in inMessage)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        return e;
    }
}
