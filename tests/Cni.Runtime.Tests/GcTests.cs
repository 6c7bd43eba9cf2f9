using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>GC (spec 1.1.0): stale cached attachments deleted, then every plugin told the valid ones under both keys.</summary>
public class GcTests
{
    private static async Task<(ScriptPlugins P, CniRuntime Rt, CniNetwork Net)> TwoPods(string tag, string version = "1.1.0", string extra = "", string? aOther = null)
    {
        var p = new ScriptPlugins(tag);
        p.Add("a", other: aOther);
        p.Add("b");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.ListWith(version, extra, """{"type":"a"}""", """{"type":"b"}""");
        CniNetwork addNet = ScriptPlugins.ListWith(version, "", """{"type":"a"}""", """{"type":"b"}""");
        await rt.AddNetworkListAsync(addNet, ScriptPlugins.Pod("pod1"), TestContext.Current.CancellationToken);
        await rt.AddNetworkListAsync(addNet, ScriptPlugins.Pod("pod2"), TestContext.Current.CancellationToken);
        p.ClearCalls();
        return (p, rt, net);
    }

    private static List<(string, string)> Attachments(JsonNode? list) =>
        list!.AsArray().Select(a => ((string)a!["containerID"]!, (string)a["ifname"]!)).ToList();

    [Fact]
    public async Task Stale_cached_attachments_are_deleted_then_every_plugin_gets_the_valid_ones_under_both_keys()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gc");
        using (p)
        {
            await rt.GarbageCollectAsync(net, [new Attachment("pod1", "eth0")], TestContext.Current.CancellationToken);
            Assert.Equal(["b DEL pod2", "a DEL pod2", "a GC ", "b GC "], p.Calls());
            JsonObject stdin = JsonNode.Parse(p.Stdin("b", "GC", ""))!.AsObject();
            Assert.Equal([("pod1", "eth0")], Attachments(stdin["cni.dev/valid-attachments"]));
            Assert.Equal([("pod1", "eth0")], Attachments(stdin["cni.dev/attachments"]));
            Assert.Null(stdin["prevResult"]);
            Assert.Equal("1.1.0", (string?)stdin["cniVersion"]);
            Assert.Equal("GC", p.Env("a", "GC", "")["CNI_COMMAND"]);
            Assert.Equal(["pod1"], rt.Cache.List("testnet").Select(c => c.ContainerId));
        }
    }

    [Fact]
    public async Task Without_a_valid_list_the_cached_attachments_are_the_valid_ones()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gcnull");
        using (p)
        {
            await rt.GarbageCollectAsync(net, null, TestContext.Current.CancellationToken);
            Assert.Equal(["a GC ", "b GC "], p.Calls());
            JsonObject stdin = JsonNode.Parse(p.Stdin("a", "GC", ""))!.AsObject();
            Assert.Equal([("pod1", "eth0"), ("pod2", "eth0")], Attachments(stdin["cni.dev/valid-attachments"]));
            Assert.Equal(2, rt.Cache.List("testnet").Count);
        }
    }

    [Fact]
    public async Task An_empty_valid_list_deletes_every_cached_attachment()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gcempty");
        using (p)
        {
            await rt.GarbageCollectAsync(net, [], TestContext.Current.CancellationToken);
            Assert.Equal(4, p.Calls().Count(c => c.Contains(" DEL ", StringComparison.Ordinal)));
            Assert.Empty(Attachments(JsonNode.Parse(p.Stdin("a", "GC", ""))!["cni.dev/valid-attachments"]));
            Assert.Empty(rt.Cache.List("testnet"));
        }
    }

    [Fact]
    public async Task DisableGC_does_nothing()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gcoff", extra: ",\"disableGC\":true");
        using (p)
        {
            await rt.GarbageCollectAsync(net, [], TestContext.Current.CancellationToken);
            Assert.Empty(p.Calls());
            Assert.Equal(2, rt.Cache.List("testnet").Count);
        }
    }

    [Fact]
    public async Task Below_1_1_0_only_the_stale_attachments_are_deleted()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gc10", version: "1.0.0");
        using (p)
        {
            await rt.GarbageCollectAsync(net, [new Attachment("pod2", "eth0")], TestContext.Current.CancellationToken);
            Assert.Equal(["b DEL pod1", "a DEL pod1"], p.Calls());
        }
    }

    [Fact]
    public async Task Gc_goes_on_after_a_failing_plugin_and_reports_it()
    {
        (ScriptPlugins p, CniRuntime rt, CniNetwork net) = await TwoPods("gcfail", aOther: """printf '{"code":120,"msg":"cannot list leases"}'; exit 1""");
        using (p)
        {
            CniPluginException e = await Assert.ThrowsAsync<CniPluginException>(() => rt.GarbageCollectAsync(net, null, TestContext.Current.CancellationToken));
            Assert.Equal("a", e.PluginType);
            Assert.Equal("GC", e.Command);
            Assert.Equal(["a GC ", "b GC "], p.Calls());
        }
    }

    [Fact]
    public async Task Gc_waits_for_an_add_in_flight_so_its_attachment_is_valid()
    {
        using var p = new ScriptPlugins("gcwait");
        p.Add("slow", add: $"touch {p.LogDir}/adding; sleep 1; res 10.80.0.1/24");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.1.0", "slow");
        Task add = rt.AddNetworkListAsync(net, ScriptPlugins.Pod("inflight"), TestContext.Current.CancellationToken);
        string marker = Path.Combine(p.LogDir, "adding");
        for (int i = 0; i < 200 && !File.Exists(marker); i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(marker), "the ADD did not start");
        await rt.GarbageCollectAsync(net, null, TestContext.Current.CancellationToken);
        await add;
        Assert.Equal(["slow ADD inflight", "slow GC "], p.Calls());
        Assert.Equal([("inflight", "eth0")], Attachments(JsonNode.Parse(p.Stdin("slow", "GC", ""))!["cni.dev/valid-attachments"]));
    }
}
