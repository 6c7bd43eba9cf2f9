using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// Our NativeAOT host-local beside the reference binary, each with its own fresh data directory: the same
/// sequence of ADDs, DELs and CHECKs must print the same bytes and leave the same files, contents and modes.
/// </summary>
/// <remarks>
/// Intentional differences, asserted here: configuration errors carry code 7 (invalid network config) where
/// the reference says 999 with the same message; our error objects carry <c>cniVersion</c>.
/// </remarks>
public class HostLocalSideBySideTests
{
    private sealed record Step(string Command, string Container, string Config, string? CniArgs = null, string IfName = "eth0");

    /// <summary>Runs each step through both binaries and compares output and the network directories after every step.</summary>
    private static void RunBoth(IEnumerable<Func<string, Step>> steps, IEnumerable<string> networks)
    {
        using var goDir = new HostLocalDataDir("go");
        using var ourDir = new HostLocalDataDir("ours");
        int n = 0;
        foreach (Func<string, Step> make in steps)
        {
            n++;
            Step g = make(goDir.Path), o = make(ourDir.Path);
            ProcessResult rg = Run(Go, g.Command, g.Config, g.Container, g.IfName, g.CniArgs);
            ProcessResult ro = Run(Ours, o.Command, o.Config, o.Container, o.IfName, o.CniArgs);
            string where = $"step {n}: {o.Command} {o.Container} {o.Config} ARGS={o.CniArgs}\ngo: {rg}\nours: {ro}";
            Assert.True(rg.ExitCode == ro.ExitCode, "exit codes differ at " + where);
            if (rg.ExitCode == 0)
            {
                Assert.True(rg.Stdout == ro.Stdout, "outputs differ at " + where);
            }
            else
            {
                AssertSameError(rg, ro, where);
            }

            foreach (string net in networks)
            {
                Assert.True(Snapshot(goDir.Network(net)) == Snapshot(ourDir.Network(net)),
                    $"network directory {net} differs after {where}\ngo:\n{Snapshot(goDir.Network(net))}\nours:\n{Snapshot(ourDir.Network(net))}");
            }
        }
    }

    /// <summary>The same message; the same code, except configuration errors (ours 7, the reference 999).</summary>
    internal static void AssertSameError(ProcessResult go, ProcessResult ours, string where)
    {
        (int _, int goCode, string goMsg) = ErrorOf(go);
        (int _, int ourCode, string ourMsg) = ErrorOf(ours);
        Assert.True(goMsg == ourMsg, $"messages differ at {where}");
        Assert.True(goCode == ourCode || (goCode == 999 && ourCode == 7), $"codes differ ({goCode} vs {ourCode}) at {where}");
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void Exhaustion_and_round_robin_of_a_small_subnet(string version)
    {
        Requires.Root();
        string Cfg(string dir) => Config(version, dir, Ranges(Set("10.11.0.0/29")), name: "small");
        List<Func<string, Step>> steps = [];
        for (int i = 1; i <= 7; i++)
        {
            string id = "c" + i;
            steps.Add(d => new Step("ADD", id, Cfg(d)));
        }

        foreach ((string cmd, string id) in new[]
        {
            ("DEL", "c3"), ("DEL", "c5"), ("ADD", "c8"), ("ADD", "c9"), ("ADD", "c10"), ("DEL", "c1"), ("DEL", "nobody"),
            ("DEL", "c1"), ("ADD", "c1"), ("ADD", "c1"), ("DEL", "c2"), ("DEL", "c4"), ("DEL", "c6"), ("DEL", "c8"), ("DEL", "c9"),
        })
        {
            steps.Add(d => new Step(cmd, id, Cfg(d)));
        }

        RunBoth(steps, ["small"]);
    }

    [Fact]
    public void A_slash_30_holds_one_address()
    {
        Requires.Root();
        string Cfg(string dir) => Config("1.0.0", dir, Ranges(Set("10.12.0.0/30")), name: "thirty");
        RunBoth(
        [
            d => new Step("ADD", "a", Cfg(d)), d => new Step("ADD", "b", Cfg(d)), d => new Step("DEL", "a", Cfg(d)),
            d => new Step("ADD", "b", Cfg(d)), d => new Step("ADD", "a", Cfg(d)), d => new Step("DEL", "b", Cfg(d)),
        ], ["thirty"]);
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void Requested_addresses(string version)
    {
        Requires.Root();
        string Cfg(string dir, string extra = "") => Config(version, dir, Ranges(Set("10.13.0.0/24")), extra, name: "req");
        RunBoth(
        [
            d => new Step("ADD", "r1", Cfg(d, ",\"runtimeConfig\":{\"ips\":[\"10.13.0.50/24\"]}")),
            d => new Step("ADD", "r2", Cfg(d, ",\"args\":{\"cni\":{\"ips\":[\"10.13.0.51\"]}}")),
            d => new Step("ADD", "r3", Cfg(d), "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.13.0.52"),
            d => new Step("ADD", "r4", Cfg(d), "IP=10.13.0.50"),          // taken
            d => new Step("ADD", "r4", Cfg(d), "IP=10.13.0.1"),           // the gateway
            d => new Step("ADD", "r4", Cfg(d), "IP=10.99.0.1"),           // outside every range set
            d => new Step("ADD", "r4", Cfg(d), "IP=10.13.0.0"),           // the network address
            d => new Step("ADD", "r4", Cfg(d), "IP=10.13.0.255"),         // the broadcast address
            d => new Step("ADD", "r4", Cfg(d), "IP=bogus"),
            d => new Step("ADD", "r4", Cfg(d), "FOO=bar"),
            d => new Step("ADD", "r4", Cfg(d)),                           // round robin resumes after .52
            d => new Step("ADD", "r5", Cfg(d, ",\"runtimeConfig\":{\"ips\":[\"10.13.0.60\",\"10.98.0.1\"]}")), // one cannot be had: all or nothing
            d => new Step("DEL", "r1", Cfg(d)),
            d => new Step("ADD", "r6", Cfg(d), "IP=10.13.0.50"),          // free again
            d => new Step("DEL", "r2", Cfg(d)), d => new Step("DEL", "r3", Cfg(d)), d => new Step("DEL", "r4", Cfg(d)), d => new Step("DEL", "r6", Cfg(d)),
        ], ["req"]);
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void Two_range_sets_of_one_family(string version)
    {
        Requires.Root();
        // Below 0.3.0 both refuse the configuration: one address per family only.
        string Cfg(string dir, string extra = "") => Config(version, dir,
            Ranges(Set("10.14.0.0/24"), Set("""{"subnet":"10.15.0.0/24","rangeStart":"10.15.0.10","rangeEnd":"10.15.0.12","gateway":"10.15.0.254"}""")), extra, name: "two");
        RunBoth(
        [
            d => new Step("ADD", "t1", Cfg(d)), d => new Step("ADD", "t2", Cfg(d)), d => new Step("ADD", "t3", Cfg(d)),
            d => new Step("ADD", "t4", Cfg(d)),                            // second set exhausted: the first set's address is given back
            d => new Step("DEL", "t2", Cfg(d)),
            d => new Step("ADD", "t5", Cfg(d, ",\"runtimeConfig\":{\"ips\":[\"10.15.0.11\",\"10.14.0.77\"]}")),
            d => new Step("ADD", "t6", Cfg(d)),
            d => new Step("DEL", "t1", Cfg(d)), d => new Step("DEL", "t3", Cfg(d)), d => new Step("DEL", "t5", Cfg(d)), d => new Step("DEL", "t6", Cfg(d)),
        ], ["two"]);
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void IPv6_and_dual_stack_with_routes_and_dns(string version)
    {
        Requires.Root();
        string resolv = Path.Combine(Path.GetTempPath(), $"cnitest-hl-resolv-{Guid.NewGuid():N}");
        File.WriteAllText(resolv, "# comment\n; other\nnameserver 10.16.0.53\nnameserver fd00:16::53\ndomain example.test\nsearch a.test b.test\noptions ndots:2 timeout:1\n");
        try
        {
            string V6(string dir) => Config(version, dir, Ranges(Set("fd00:17::/126")), name: "six");
            string Dual(string dir) => Config(version, dir,
                Ranges(Set("10.16.0.0/24"), Set("fd00:16::/64")) + $$""","resolvConf":"{{resolv}}","routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0","gw":"fd00:16::1"},{"dst":"192.168.0.0/16","gw":"10.16.0.1"}]""",
                name: "dual");
            RunBoth(
            [
                d => new Step("ADD", "s1", V6(d)), d => new Step("ADD", "s2", V6(d)), d => new Step("ADD", "s3", V6(d)),
                d => new Step("DEL", "s1", V6(d)), d => new Step("ADD", "s3", V6(d)),
                d => new Step("ADD", "d1", Dual(d)), d => new Step("ADD", "d2", Dual(d)), d => new Step("ADD", "d2", Dual(d), IfName: "net1"),
                d => new Step("ADD", "d3", Dual(d), "IP=fd00:16::99"),
                d => new Step("DEL", "d2", Dual(d)), d => new Step("ADD", "d4", Dual(d)),
                d => new Step("DEL", "d1", Dual(d)), d => new Step("DEL", "d2", Dual(d), IfName: "net1"), d => new Step("DEL", "d3", Dual(d)), d => new Step("DEL", "d4", Dual(d)),
            ], ["six", "dual"]);
        }
        finally
        {
            File.Delete(resolv);
        }
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void Legacy_range_and_runtime_ranges_are_prepended(string version)
    {
        Requires.Root();
        // runtimeConfig.ipRanges first, then the legacy top-level range, then ipam.ranges. Below 0.3.0 only
        // one set per family is allowed, so the sets mix families there.
        bool old = version is "0.1.0" or "0.2.0";
        string Cfg(string dir, string runtime) => Config(version, dir,
            "\"subnet\":\"10.18.0.0/24\",\"rangeStart\":\"10.18.0.100\",\"gateway\":\"10.18.0.254\"," + Ranges(old ? Set("fd00:18::/120") : Set("10.19.0.0/24")),
            runtime, name: "legacy");
        string withRuntime = ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"" + (old ? "fd00:20::/120" : "10.20.0.0/24") + "\"}]]}";
        RunBoth(
        [
            d => new Step("ADD", "l1", Cfg(d, "")),
            d => new Step("ADD", "l2", Cfg(d, withRuntime)),
            d => new Step("DEL", "l1", Cfg(d, "")),
            d => new Step("DEL", "l2", Cfg(d, withRuntime)),
        ], ["legacy"]);
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void Check_finds_the_attachment_or_fails_as_the_reference(string version)
    {
        Requires.Root();
        string Cfg(string dir) => Config(version, dir, Ranges(Set("10.21.0.0/24")), name: "chk");
        RunBoth(
        [
            d => new Step("ADD", "k1", Cfg(d)),
            d => new Step("CHECK", "k1", Cfg(d)),
            d => new Step("CHECK", "k1", Cfg(d), IfName: "eth1"),
            d => new Step("CHECK", "k2", Cfg(d)),
            d => new Step("DEL", "k1", Cfg(d)),
            d => new Step("CHECK", "k1", Cfg(d)),
        ], ["chk"]);
    }

    [Fact]
    public void Legacy_id_only_leases_are_found_and_released_as_the_reference_does()
    {
        Requires.Root();
        // Files written by old plugins hold only the container ID. CHECK finds them; DEL releases them
        // (with two range sets, the reference's second pass releases them even when exact leases exist).
        string Cfg(string dir) => Config("1.0.0", dir, Ranges(Set("10.22.0.0/24"), Set("10.23.0.0/24")), name: "old");
        Step Seed(string dir)
        {
            Directory.CreateDirectory(Path.Combine(dir, "old"));
            File.WriteAllText(Path.Combine(dir, "old", "10.22.0.40"), "legacy1");
            File.WriteAllText(Path.Combine(dir, "old", "10.23.0.40"), "legacy1");
            File.WriteAllText(Path.Combine(dir, "old", "10.22.0.41"), "legacy2\n");
            return new Step("CHECK", "legacy1", Cfg(dir));
        }

        RunBoth(
        [
            Seed,
            d => new Step("CHECK", "legacy2", Cfg(d)),
            d => new Step("ADD", "legacy2", Cfg(d)),
            d => new Step("DEL", "legacy1", Cfg(d)),
            d => new Step("DEL", "legacy2", Cfg(d)),
            d => new Step("CHECK", "legacy2", Cfg(d)),
        ], ["old"]);
    }
}
