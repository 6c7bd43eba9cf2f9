using Cni.Spec;

namespace Cni.Runtime.Tests;

/// <summary>One runtime used from many tasks at once: different attachments in parallel, one attachment's verbs one at a time.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_concurrent_adds_of_different_pods_all_succeed_with_their_own_cache_entries()
    {
        using var p = new ScriptPlugins("fifty");
        p.Add("a", add: "n=${CNI_CONTAINERID#pod-}; res 10.50.$n.1/24");
        p.Add("b", add: "n=${CNI_CONTAINERID#pod-}; res 10.60.$n.2/24");
        CniRuntime rt = p.Runtime(timeout: TimeSpan.FromMinutes(2));
        CniNetwork net = ScriptPlugins.List("1.0.0", "a", "b");
        CniResult[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            rt.AddNetworkListAsync(net, ScriptPlugins.Pod($"pod-{i}", $"/run/netns/pod-{i}"), TestContext.Current.CancellationToken)));
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"10.60.{i}.2/24", results[i].Ips.Single().Address.ToString());
            CachedAttachment entry = rt.Cache.Read("testnet", $"pod-{i}", "eth0")!;
            Assert.Equal($"pod-{i}", entry.ContainerId);
            Assert.Equal($"/run/netns/pod-{i}", entry.NetNs);
            Assert.Equal($"10.60.{i}.2/24", entry.Result!.Ips.Single().Address.ToString());
        }

        Assert.Equal(50, rt.Cache.List("testnet").Count);
    }

    [Fact]
    public async Task The_verbs_of_one_attachment_are_serialised_and_those_of_different_attachments_are_not()
    {
        using var p = new ScriptPlugins("serial");
        string seq = Path.Combine(p.LogDir, "seq");
        string body = $"echo \"start $CNI_CONTAINERID\" >> {seq}; sleep 0.4; echo \"end $CNI_CONTAINERID\" >> {seq}";
        p.Add("slow", add: body + "; res 10.70.0.1/24", del: body);
        CniRuntime rt = p.Runtime();
        CniNetwork net = ScriptPlugins.List("1.0.0", "slow");

        await Task.WhenAll(
            rt.AddNetworkListAsync(net, ScriptPlugins.Pod("same"), TestContext.Current.CancellationToken),
            rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod("same"), TestContext.Current.CancellationToken),
            rt.AddNetworkListAsync(net, ScriptPlugins.Pod("same"), TestContext.Current.CancellationToken),
            rt.DeleteNetworkListAsync(net, ScriptPlugins.Pod("same"), TestContext.Current.CancellationToken));
        string[] lines = File.ReadAllLines(seq);
        Assert.Equal(8, lines.Length);
        for (int i = 0; i < lines.Length; i += 2)
        {
            Assert.Equal("start same", lines[i]);
            Assert.Equal("end same", lines[i + 1]);
        }

        File.Delete(seq);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => rt.AddNetworkListAsync(net, ScriptPlugins.Pod($"par{i}"), TestContext.Current.CancellationToken)));
        string[] parallel = File.ReadAllLines(seq);
        Assert.True(parallel[0].StartsWith("start", StringComparison.Ordinal) && parallel[1].StartsWith("start", StringComparison.Ordinal), "different attachments did not run at once:\n" + string.Join('\n', parallel));
    }
}
