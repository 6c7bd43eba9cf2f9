using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>Our NativeAOT loopback and the Go reference, each on a fresh namespace, in every version.</summary>
public class LoopbackTests
{
    public static TheoryData<string> Versions => new("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0");

    private static string Config(string version) => $$"""{"cniVersion":"{{version}}","name":"lo-net","type":"loopback"}""";

    private static bool LoIsUp(TestNamespace ns)
    {
        JsonNode link = JsonNode.Parse(ns.Ip("-j", "link", "show", "lo"))![0]!;
        return link["flags"]!.AsArray().Any(f => f!.GetValue<string>() == "UP");
    }

    /// <summary>
    /// The addresses a result reports. The Go loopback writes every version in the 1.0.0 shape (even
    /// 0.2.0, with no ip4/ip6 and no ips[].version), so its output is read as 1.0.0 whatever it claims.
    /// </summary>
    private static string[] Addresses(string stdout, bool goShape)
    {
        string json = goShape ? System.Text.RegularExpressions.Regex.Replace(stdout, "\"cniVersion\": \"[^\"]*\"", "\"cniVersion\": \"1.0.0\"") : stdout;
        return [.. CniResult.Parse(json, null).Ips.Select(i => i.Address.ToString()).Order()];
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Add_check_del_match_the_reference(string version)
    {
        Requires.Root();
        (string ours, string go) = PluginRunner.Pair("loopback");
        using var nsOurs = TestNamespace.Create("lo-ours");
        using var nsGo = TestNamespace.Create("lo-go");
        Assert.False(LoIsUp(nsOurs));

        ProcessResult a1 = Processes.Run(ours, PluginRunner.Env("ADD", nsOurs.Path, ifName: "lo"), Config(version));
        ProcessResult a2 = Processes.Run(go, PluginRunner.Env("ADD", nsGo.Path, ifName: "lo"), Config(version));
        Assert.Equal(a2.ExitCode, a1.ExitCode);
        Assert.True(a1.ExitCode == 0, a1.ToString());
        Assert.True(LoIsUp(nsOurs), "ADD brought lo up in the kernel");
        CniResult r = CniResult.Parse(a1.Stdout, null);
        Assert.Equal(version, r.CniVersion.ToString());
        bool legacy = CniVersion.Parse(version) < CniVersion.V0_3_0;
        if (legacy)
        {
            // Spec-shaped 0.1.0/0.2.0: first IPv4 and first IPv6 only, which lo has exactly one of each.
            Assert.Contains("\"ip4\"", a1.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("lo", r.Interfaces[0].Name);
            Assert.Equal(nsOurs.Path, r.Interfaces[0].Sandbox);
        }

        Assert.Equal(Addresses(a2.Stdout, goShape: true), Addresses(a1.Stdout, goShape: false));

        if (!legacy && CniVersion.Parse(version) >= CniVersion.V0_4_0)
        {
            string withPrev = Config(version)[..^1] + ",\"prevResult\":" + a1.Stdout + "}";
            Assert.Equal(0, Processes.Run(ours, PluginRunner.Env("CHECK", nsOurs.Path, ifName: "lo"), withPrev).ExitCode);
        }

        ProcessResult d1 = Processes.Run(ours, PluginRunner.Env("DEL", nsOurs.Path, ifName: "lo"), Config(version));
        ProcessResult d2 = Processes.Run(go, PluginRunner.Env("DEL", nsGo.Path, ifName: "lo"), Config(version));
        Assert.Equal(d2.ExitCode, d1.ExitCode);
        Assert.Equal(0, d1.ExitCode);
        Assert.Equal("", d1.Stdout);
        Assert.False(LoIsUp(nsOurs), "DEL brought lo down");
        Assert.Equal(LoIsUp(nsGo), LoIsUp(nsOurs));
    }

    [Fact]
    public void Check_fails_when_lo_is_down()
    {
        Requires.Root();
        string ours = RepoPaths.OurPlugin("loopback");
        using var ns = TestNamespace.Create("lo-check");
        ProcessResult r = Processes.Run(ours, PluginRunner.Env("CHECK", ns.Path, ifName: "lo"), Config("1.0.0")[..^1] + ",\"prevResult\":{\"cniVersion\":\"1.0.0\"}}");
        Assert.Contains("down", PluginRunner.Error(r).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/run/netns/cnitest-never-created")]
    public void Del_without_a_namespace_succeeds_like_the_reference(string? netns)
    {
        (string ours, string go) = PluginRunner.Pair("loopback");
        ProcessResult d1 = Processes.Run(ours, PluginRunner.Env("DEL", netns, ifName: "lo"), Config("1.0.0"));
        ProcessResult d2 = Processes.Run(go, PluginRunner.Env("DEL", netns, ifName: "lo"), Config("1.0.0"));
        Assert.Equal(0, d1.ExitCode);
        Assert.Equal(d2.ExitCode, d1.ExitCode);
    }

    [Fact]
    public void Add_on_a_path_that_is_not_a_namespace_fails_like_the_reference()
    {
        (string ours, string go) = PluginRunner.Pair("loopback");
        string notNs = Path.GetTempFileName();
        try
        {
            ProcessResult a1 = Processes.Run(ours, PluginRunner.Env("ADD", notNs, ifName: "lo"), Config("1.0.0"));
            ProcessResult a2 = Processes.Run(go, PluginRunner.Env("ADD", notNs, ifName: "lo"), Config("1.0.0"));
            Assert.Equal(a2.ExitCode, a1.ExitCode);
            Assert.Contains(notNs, PluginRunner.Error(a1).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notNs);
        }
    }
}
