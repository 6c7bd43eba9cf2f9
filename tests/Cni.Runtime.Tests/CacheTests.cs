using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>The result cache: libcni's place and format, written atomically, entries of libcni read back.</summary>
public class CacheTests
{
    [Fact]
    public async Task Add_writes_a_cniCacheV1_entry_in_libcni_place_and_format()
    {
        using var p = new ScriptPlugins("cachefmt");
        p.Add("a", add: "res 10.1.0.7/24");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.ListWith("1.0.0", "", """{"type":"a","capabilities":{"portMappings":true}}""");
        var pod = new AttachmentParameters
        {
            ContainerId = "ctr1",
            NetNs = "/run/netns/cachefmt",
            IfName = "eth0",
            Args = [new("K8S_POD_NAME", "web")],
            CapabilityArgs = new Dictionary<string, JsonElement> { ["portMappings"] = JsonDocument.Parse("""[{"hostPort":1,"containerPort":2,"protocol":"tcp"}]""").RootElement },
        };
        await rt.AddNetworkListAsync(net, pod, TestContext.Current.CancellationToken);

        string path = Path.Combine(p.CacheDir, "results", "testnet-ctr1-eth0");
        Assert.Equal(path, rt.Cache.GetPath("testnet", "ctr1", "eth0"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(p.CacheDir, "results")));
        Assert.Equal(["testnet-ctr1-eth0"], Directory.GetFiles(Path.Combine(p.CacheDir, "results")).Select(Path.GetFileName));

        JsonObject entry = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
        Assert.Equal(["kind", "containerId", "config", "ifName", "networkName", "netns", "cniArgs", "capabilityArgs", "result"], entry.Select(kv => kv.Key));
        Assert.Equal("cniCacheV1", (string?)entry["kind"]);
        Assert.Equal("ctr1", (string?)entry["containerId"]);
        Assert.Equal(net.Bytes.ToArray(), Convert.FromBase64String((string)entry["config"]!));
        Assert.Equal("eth0", (string?)entry["ifName"]);
        Assert.Equal("testnet", (string?)entry["networkName"]);
        Assert.Equal("/run/netns/cachefmt", (string?)entry["netns"]);
        Assert.Equal("K8S_POD_NAME", (string?)entry["cniArgs"]![0]![0]);
        Assert.Equal("web", (string?)entry["cniArgs"]![0]![1]);
        Assert.Equal(1, (int?)entry["capabilityArgs"]!["portMappings"]![0]!["hostPort"]);
        Assert.Equal("1.0.0", (string?)entry["result"]!["cniVersion"]);
        Assert.Equal("10.1.0.7/24", (string?)entry["result"]!["ips"]![0]!["address"]);
    }

    [Fact]
    public void Entries_round_trip_through_the_cache()
    {
        using var dir = new TempDir("roundtrip");
        var cache = new ResultCache(dir.Path);
        var written = new CachedAttachment
        {
            NetworkName = "net",
            ContainerId = "c1",
            IfName = "eth1",
            NetNs = "/run/netns/x",
            Config = "{\"x\":1}"u8.ToArray(),
            CniArgs = [new("A", "1")],
            CapabilityArgs = new Dictionary<string, JsonElement> { ["mac"] = JsonDocument.Parse("\"c2:00:00:00:00:01\"").RootElement },
            Result = CniResult.Parse("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}]}""", null),
        };
        cache.Write(written);
        CachedAttachment read = cache.Read("net", "c1", "eth1")!;
        Assert.Equal("/run/netns/x", read.NetNs);
        Assert.Equal(written.Config.ToArray(), read.Config.ToArray());
        Assert.Equal([new KeyValuePair<string, string>("A", "1")], read.CniArgs);
        Assert.Equal("c2:00:00:00:00:01", read.CapabilityArgs!["mac"].GetString());
        Assert.Equal(CniVersion.V0_4_0, read.Result!.CniVersion);
        Assert.Equal("10.0.0.2/24", read.Result.Ips.Single().Address.ToString());
        Assert.Single(cache.List());
        Assert.Empty(cache.List(networkName: "other"));
        Assert.Single(cache.List(containerId: "c1"));
        Assert.True(cache.Delete("net", "c1", "eth1"));
        Assert.False(cache.Delete("net", "c1", "eth1"));
        Assert.Null(cache.Read("net", "c1", "eth1"));
    }

    [Fact]
    public void Replacing_an_entry_leaves_no_temporary_file()
    {
        using var dir = new TempDir("replace");
        var cache = new ResultCache(dir.Path);
        for (int i = 0; i < 3; i++)
        {
            cache.Write(new CachedAttachment { NetworkName = "n", ContainerId = "c", IfName = "eth0", NetNs = "/ns" + i });
        }

        Assert.Equal("/ns2", cache.Read("n", "c", "eth0")!.NetNs);
        Assert.Equal(["n-c-eth0"], Directory.GetFiles(cache.ResultsDirectory).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("", "c", "eth0")]
    [InlineData("n", "a/b", "eth0")]
    [InlineData("n", "c", "..")]
    public void Paths_outside_the_cache_are_refused(string network, string container, string ifName)
    {
        var cache = new ResultCache("/tmp/nowhere");
        Assert.Throws<ArgumentException>(() => cache.GetPath(network, container, ifName));
    }

    /// <summary>An entry as libcni 1.x writes it (Go's encoding/json: struct order, result keys sorted, "dns":{} kept).</summary>
    private static string LibcniEntry(string config) => $$$"""
        {"kind":"cniCacheV1","containerId":"ctr1","config":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(config))}}}","ifName":"eth0","networkName":"testnet","netns":"/run/netns/golang","cniArgs":[["IgnoreUnknown","1"],["K8S_POD_NAME","go"]],"capabilityArgs":{"portMappings":[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]},"result":{"cniVersion":"1.0.0","dns":{},"interfaces":[{"mac":"aa:bb:cc:dd:ee:ff","name":"eth0","sandbox":"/run/netns/golang"}],"ips":[{"address":"10.22.0.5/16","gateway":"10.22.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}]}}
        """;

    [Fact]
    public async Task An_entry_written_by_libcni_is_read_and_used_by_delete()
    {
        using var p = new ScriptPlugins("libcni");
        p.Add("a");
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.ListWith("1.0.0", "", """{"type":"a","capabilities":{"portMappings":true}}""");
        Directory.CreateDirectory(rt.Cache.ResultsDirectory);
        File.WriteAllText(rt.Cache.GetPath("testnet", "ctr1", "eth0"), LibcniEntry(Encoding.UTF8.GetString(net.Bytes.Span)));

        CachedAttachment entry = rt.Cache.Read("testnet", "ctr1", "eth0")!;
        Assert.Equal("/run/netns/golang", entry.NetNs);
        Assert.Equal(net.Bytes.ToArray(), entry.Config.ToArray());
        Assert.Equal("10.22.0.1", entry.Result!.Ips[0].Gateway!.ToString());
        Assert.Single(rt.Cache.List("testnet"));

        await rt.DeleteNetworkListAsync(net, new AttachmentParameters { ContainerId = "ctr1", IfName = "eth0", NetNs = "/run/netns/golang" }, TestContext.Current.CancellationToken);
        JsonObject stdin = JsonNode.Parse(p.Stdin("a", "DEL"))!.AsObject();
        Assert.Equal("10.22.0.5/16", (string?)stdin["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal(8080, (int?)stdin["runtimeConfig"]!["portMappings"]![0]!["hostPort"]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAME=go", p.Env("a", "DEL")["CNI_ARGS"]);
        Assert.False(File.Exists(rt.Cache.GetPath("testnet", "ctr1", "eth0")));
    }

    [Fact]
    public async Task A_legacy_entry_holding_a_bare_result_is_used_as_prevResult()
    {
        using var p = new ScriptPlugins("legacy");
        p.Add("a");
        CniRuntime rt = p.Runtime();
        Directory.CreateDirectory(rt.Cache.ResultsDirectory);
        File.WriteAllText(rt.Cache.GetPath("testnet", "ctr1", "eth0"), """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.3.0.9/24"}]}""");
        await rt.DeleteNetworkListAsync(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        JsonObject stdin = JsonNode.Parse(p.Stdin("a", "DEL"))!.AsObject();
        Assert.Equal("1.0.0", (string?)stdin["prevResult"]!["cniVersion"]);
        Assert.Equal("10.3.0.9/24", (string?)stdin["prevResult"]!["ips"]![0]!["address"]);
    }

    [Fact]
    public async Task The_cached_result_is_given_in_the_list_version()
    {
        using var p = new ScriptPlugins("cachedres");
        p.Add("a", add: "res 10.4.0.4/24");
        CniRuntime rt = p.Runtime();
        await rt.AddNetworkListAsync(ScriptPlugins.List("0.4.0", "a"), ScriptPlugins.Pod(), TestContext.Current.CancellationToken);
        CniResult cached = rt.GetCachedResult(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod())!;
        Assert.Equal(CniVersion.V1_0_0, cached.CniVersion);
        Assert.Equal("10.4.0.4/24", cached.Ips.Single().Address.ToString());
        Assert.Null(rt.GetCachedResult(ScriptPlugins.List("1.0.0", "a"), ScriptPlugins.Pod("other")));
    }
}
