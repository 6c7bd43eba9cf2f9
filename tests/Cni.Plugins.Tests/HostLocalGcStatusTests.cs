using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// GC and STATUS (spec 1.1.0). The reference host-local on this machine implements neither (its skel answers
/// both with a no-op success), so ours is tested alone.
/// </summary>
public class HostLocalGcStatusTests
{
    private static string Cfg(string dir, string ipam, string extra = "", string name = "gcnet") => Config("1.1.0", dir, ipam, extra, name);

    private static ProcessResult Gc(string dir, string ipam, string attachments) =>
        Run(Ours, "GC", Cfg(dir, ipam, ",\"cni.dev/valid-attachments\":" + attachments), containerId: "", ifName: "");

    private static string[] Files(string networkDir) => [.. Directory.GetFiles(networkDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void Gc_frees_every_lease_not_among_the_valid_attachments()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("gc");
        string ipam = Ranges(Set("10.50.0.0/24"), Set("fd00:50::/120"));
        string net = dir.Network("gcnet");
        foreach ((string id, string ifName) in new[] { ("a", "eth0"), ("a", "net1"), ("b", "eth0"), ("c", "eth0") })
        {
            Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), id, ifName).ExitCode);
        }

        // Leases of old plugins hold only the container ID.
        File.WriteAllText(Path.Combine(net, "10.50.0.100"), "d");
        File.WriteAllText(Path.Combine(net, "10.50.0.101"), "e");
        Assert.Equal(10, Leases(net).Count);

        ProcessResult gc = Gc(dir.Path, ipam, """[{"containerID":"a","ifname":"eth0"},{"containerID":"d","ifname":"eth0"},{"containerID":"z","ifname":"eth0"}]""");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Dictionary<string, string> left = Leases(net);
        Assert.Equal(["10.50.0.100", "10.50.0.2", "fd00:50::2"], left.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("a\r\neth0", left["10.50.0.2"]);
        Assert.Equal("d", left["10.50.0.100"]);

        // What GC freed can be allocated again, and what it kept is still found by CHECK and released by DEL.
        Assert.Equal(0, Run(Ours, "CHECK", Cfg(dir.Path, ipam), "a").ExitCode);
        Assert.NotEqual(0, Run(Ours, "CHECK", Cfg(dir.Path, ipam), "b").ExitCode);
        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "b").ExitCode);

        // An empty list means no attachment is valid: everything goes, the store's own files stay.
        gc = Gc(dir.Path, ipam, "[]");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Equal([IndexFile, "last_reserved_ip.0", "last_reserved_ip.1", "lock"], Files(net));
    }

    [Fact]
    public void Gc_accepts_the_older_key_and_frees_nothing_without_attachments()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("gckey");
        string ipam = Ranges(Set("10.51.0.0/24"));
        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "a").ExitCode);
        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "b").ExitCode);

        // Without any attachments key the runtime named no valid set (cnitool gc): success, nothing is
        // released, and stderr says why.
        ProcessResult none = Run(Ours, "GC", Cfg(dir.Path, ipam), containerId: "", ifName: "");
        Assert.True(none.ExitCode == 0 && none.Stdout.Length == 0, none.ToString());
        Assert.Contains("nothing is released", none.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Leases(dir.Network("gcnet")).Count);

        ProcessResult old = Run(Ours, "GC", Cfg(dir.Path, ipam, ",\"cni.dev/attachments\":[{\"containerID\":\"b\",\"ifname\":\"eth0\"}]"), containerId: "", ifName: "");
        Assert.True(old.ExitCode == 0, old.ToString());
        Assert.Equal(["10.51.0.3"], Leases(dir.Network("gcnet")).Keys);

        // GC needs 1.1.0.
        ProcessResult v100 = Run(Ours, "GC", Config("1.0.0", dir.Path, ipam, ",\"cni.dev/valid-attachments\":[]", "gcnet"), containerId: "", ifName: "");
        Assert.Equal(1, ErrorOf(v100).Code);
        Assert.Single(Leases(dir.Network("gcnet")));
    }

    [Fact]
    public void Status_is_ready_until_the_range_is_exhausted()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("status");
        string ipam = Ranges(Set("10.52.0.0/30"));
        ProcessResult ready = Run(Ours, "STATUS", Cfg(dir.Path, ipam), containerId: "", ifName: "");
        Assert.True(ready.ExitCode == 0, ready.ToString());
        Assert.Equal("", ready.Stdout);

        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "a").ExitCode);
        (int exit, int code, string msg) = ErrorOf(Run(Ours, "STATUS", Cfg(dir.Path, ipam), containerId: "", ifName: ""));
        Assert.Equal((1, 50), (exit, code));
        Assert.Contains("no IP addresses available", msg, StringComparison.Ordinal);

        Assert.Equal(0, Run(Ours, "DEL", Cfg(dir.Path, ipam), "a").ExitCode);
        Assert.Equal(0, Run(Ours, "STATUS", Cfg(dir.Path, ipam), containerId: "", ifName: "").ExitCode);
    }

    [Fact]
    public void Status_is_50_when_any_range_set_is_exhausted_since_every_add_needs_all_of_them()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("status2");
        string ipam = Ranges(Set("10.53.0.0/24"), Set("10.54.0.0/30"));
        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "a").ExitCode);
        Assert.NotEqual(0, Run(Ours, "ADD", Cfg(dir.Path, ipam), "b").ExitCode);
        Assert.Equal(50, ErrorOf(Run(Ours, "STATUS", Cfg(dir.Path, ipam), containerId: "", ifName: "")).Code);
    }

    [Fact]
    public void Status_is_50_when_the_store_cannot_be_used()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("status3");
        string notADirectory = Path.Combine(dir.Path, "file");
        File.WriteAllText(notADirectory, "x");
        (int _, int code, string msg) = ErrorOf(Run(Ours, "STATUS", Cfg(notADirectory, Ranges(Set("10.55.0.0/24"))), containerId: "", ifName: ""));
        Assert.Equal(50, code);
        Assert.Equal($"IPAM store unusable: failed to create {notADirectory}: Not a directory", msg);

        // ADD says the same with the I/O code; the reference: 999, "mkdir <path>: not a directory".
        (int _, int addCode, string addMsg) = ErrorOf(Run(Ours, "ADD", Cfg(notADirectory, Ranges(Set("10.55.0.0/24")))));
        Assert.Equal((5, $"failed to create {notADirectory}: Not a directory"), (addCode, addMsg));
    }

    [Fact]
    public void Status_and_gc_check_the_configuration()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("status4");
        Assert.Equal(7, ErrorOf(Run(Ours, "STATUS", Cfg(dir.Path, Ranges(Set("10.56.0.1/24"))), containerId: "", ifName: "")).Code);
        Assert.Equal(7, ErrorOf(Gc(dir.Path, "", "[]")).Code);
    }

    [Fact]
    public void Results_in_1_1_0_carry_the_newer_route_fields_which_1_0_0_leaves_out_as_the_reference_does()
    {
        Requires.Root();
        using var goDir = new HostLocalDataDir("v11-go");
        using var ourDir = new HostLocalDataDir("v11-ours");
        string ipam = Ranges(Set("10.57.0.0/24")) + ",\"routes\":[{\"dst\":\"10.58.0.0/16\",\"gw\":\"10.57.0.1\",\"mtu\":1400,\"table\":100,\"scope\":0}]";

        // 1.0.0: the reference knows no route mtu/table/scope and drops them; ours does not write them in 1.0.0.
        ProcessResult go = Run(Go, "ADD", Config("1.0.0", goDir.Path, ipam, name: "v11"));
        ProcessResult ours = Run(Ours, "ADD", Config("1.0.0", ourDir.Path, ipam, name: "v11"));
        Assert.True(go.ExitCode == 0 && go.Stdout == ours.Stdout, $"go: {go}\nours: {ours}");

        // 1.1.0 (ours only): the same result with the route's 1.1.0 fields and no interfaces.
        ProcessResult v11 = Run(Ours, "ADD", Config("1.1.0", ourDir.Path, ipam, name: "v11"), "ctr2");
        System.Text.Json.Nodes.JsonNode result = System.Text.Json.Nodes.JsonNode.Parse(v11.Stdout)!;
        Assert.Equal("1.1.0", result["cniVersion"]!.GetValue<string>());
        Assert.Null(result["interfaces"]);
        Assert.Equal("10.57.0.3/24", result["ips"]![0]!["address"]!.GetValue<string>());
        Assert.Null(result["ips"]![0]!["version"]);
        Assert.Equal(1400, result["routes"]![0]!["mtu"]!.GetValue<int>());
        Assert.Equal(100, result["routes"]![0]!["table"]!.GetValue<int>());
        Assert.Equal(0, result["routes"]![0]!["scope"]!.GetValue<int>());
    }
}
