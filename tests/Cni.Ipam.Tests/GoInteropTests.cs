using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Cni.Spec;
using Cni.Tests;
using static Cni.Ipam.Tests.T;

namespace Cni.Ipam.Tests;

/// <summary>
/// Side by side with the Go reference binary, through the filesystem only: both implementations work in
/// the same data directory and must see each other's leases, locks and round-robin position.
/// </summary>
public class GoInteropTests
{
    private const string V4 = "10.10.0.0/29";
    private const string V6 = "fd00::/125";

    private static (int Exit, string Stdout) Go(string command, string dataDir, string containerId, string ranges = $$"""[[{"subnet":"{{V4}}"}],[{"subnet":"{{V6}}"}]]""", string ifName = "eth0", string extra = "")
    {
        string path = Requires.ReferencePlugin("host-local");
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = containerId;
        psi.Environment["CNI_NETNS"] = "/var/run/netns/none";
        psi.Environment["CNI_IFNAME"] = ifName;
        psi.Environment["CNI_PATH"] = Requires.ReferencePluginDir;
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write($$$"""{"cniVersion":"1.0.0","name":"net1",{{{extra}}}"ipam":{"type":"host-local","dataDir":"{{{dataDir}}}","ranges":{{{ranges}}}}}""");
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout);
    }

    private static string[] GoAddresses(string stdout)
    {
        using JsonDocument doc = JsonDocument.Parse(stdout);
        return [.. doc.RootElement.GetProperty("ips").EnumerateArray().Select(ip => ip.GetProperty("address").GetString()!)];
    }

    private static string GoError(string stdout)
    {
        using JsonDocument doc = JsonDocument.Parse(stdout);
        return doc.RootElement.GetProperty("msg").GetString()!;
    }

    private static HostLocalIpam Ours(DiskIpamStore store) =>
        new(store, [Set(Range(V4)), Set(Range(V6))]);

    private static string[] Leases(string net) =>
        [.. Directory.EnumerateFiles(net).Select(Path.GetFileName).Where(n => IpAddressMath.TryParse(n!) is not null).Order(StringComparer.Ordinal)!];

    [Fact]
    public void We_continue_where_the_go_binary_left_off_and_release_its_leases()
    {
        using var dir = new TempDir();
        Assert.Equal(["10.10.0.2/29", "fd00::2/125"], GoAddresses(Go("ADD", dir.Path, "go1").Stdout));
        Assert.Equal(["10.10.0.3/29", "fd00::3/125"], GoAddresses(Go("ADD", dir.Path, "go2").Stdout));

        using var store = new DiskIpamStore(dir.Path, "net1");
        HostLocalIpam ipam = Ours(store);
        Assert.Equal(["10.10.0.4/29", "fd00::4/125"], ipam.Allocate("ours1", "eth0").Select(a => a.ToString()));
        Assert.Contains("10.10.0.2 has been allocated to go1", Assert.Throws<CniException>(() => ipam.Allocate("go1", "eth0")).Message);
        Assert.Equal(2, ipam.Find("go2", "eth0").Count);

        Assert.Equal(["10.10.0.2", "fd00::2"], ipam.Release("go1", "eth0").Select(l => l.Address.ToString()).Order());
        Assert.Equal(["10.10.0.3", "10.10.0.4", "fd00::3", "fd00::4"], Leases(dir.Net()));

        // The Go binary resumes after our last reservation.
        Assert.Equal(["10.10.0.5/29", "fd00::5/125"], GoAddresses(Go("ADD", dir.Path, "go3").Stdout));
        // Our index notices what the Go binary did behind its back.
        Assert.Equal(2, ipam.Find("go3", "eth0").Count);
        Assert.Equal(2, ipam.Release("go3", "eth0").Count);
    }

    [Fact]
    public void The_go_binary_continues_where_we_left_off_and_releases_our_leases()
    {
        using var dir = new TempDir();
        using (var store = new DiskIpamStore(dir.Path, "net1"))
        {
            HostLocalIpam ipam = Ours(store);
            ipam.Allocate("ours1", "eth0");
            ipam.Allocate("ours2", "eth0");
        }

        Assert.Equal(["10.10.0.4/29", "fd00::4/125"], GoAddresses(Go("ADD", dir.Path, "go1").Stdout));
        Assert.Equal(0, Go("CHECK", dir.Path, "ours2").Exit);
        Assert.Equal(0, Go("DEL", dir.Path, "ours1").Exit);
        Assert.Equal(["10.10.0.3", "10.10.0.4", "fd00::3", "fd00::4"], Leases(dir.Net()));
        Assert.Equal(0, Go("DEL", dir.Path, "nobody").Exit);
        Assert.True(File.Exists(Path.Combine(dir.Net(), LeaseIndex.FileName)), "the Go binary leaves our index alone");

        using var again = new DiskIpamStore(dir.Path, "net1");
        HostLocalIpam ours = Ours(again);
        Assert.Empty(ours.Find("ours1", "eth0"));
        Assert.Equal(["10.10.0.5/29", "fd00::5/125"], ours.Allocate("ours3", "eth0").Select(a => a.ToString()));
        Assert.Equal(2, ours.Release("go1", "eth0").Count);
    }

    [Fact]
    public void Release_after_the_go_binary_touched_the_directory_rebuilds_the_index_once()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        HostLocalIpam ipam = Ours(store);
        ipam.Allocate("ours1", "eth0");
        ipam.Allocate("ours2", "eth0");
        int before = store.Index.RebuildCount;

        Assert.Equal(0, Go("ADD", dir.Path, "go1").Exit);
        Assert.Equal(0, Go("DEL", dir.Path, "ours2").Exit); // behind our index's back
        Assert.Equal(["10.10.0.2", "fd00::2"], ipam.Release("ours1", "eth0").Select(l => l.Address.ToString()).Order());
        Assert.Equal(before + 1, store.Index.RebuildCount);
        Assert.Empty(ipam.Release("ours2", "eth0"));
        Assert.Equal(["10.10.0.4", "fd00::4"], ipam.Release("go1", "eth0").Select(l => l.Address.ToString()).Order());
        Assert.Equal(before + 1, store.Index.RebuildCount); // trusted again from the rebuild on
        Assert.Empty(Leases(dir.Net()));
        Assert.DoesNotContain(File.ReadAllLines(store.IndexPath), l => l.StartsWith('+'));

        // And a fresh process after the Go binary's DEL of a lease it never made.
        Assert.Equal(["10.10.0.5/29", "fd00::5/125"], Ours(store).Allocate("ours3", "eth0").Select(a => a.ToString()));
        Assert.Equal(0, Go("DEL", dir.Path, "ours3").Exit);
        using var next = new DiskIpamStore(dir.Path, "net1");
        Assert.Empty(Ours(next).Find("ours3", "eth0"));
        Assert.Equal(1, next.Index.RebuildCount);
        Assert.Empty(Leases(dir.Net()));
    }

    [Fact]
    public void Both_write_the_same_bytes_names_and_modes()
    {
        using var goDir = new TempDir();
        using var ourDir = new TempDir();
        Go("ADD", goDir.Path, "c1");
        Go("ADD", goDir.Path, "c2", ifName: "net9");
        using (var store = new DiskIpamStore(ourDir.Path, "net1"))
        {
            HostLocalIpam ipam = Ours(store);
            ipam.Allocate("c1", "eth0");
            ipam.Allocate("c2", "net9");
        }

        string[] Visible(string net) => [.. Directory.EnumerateFileSystemEntries(net).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] names = Visible(goDir.Net());
        // Every file the reference writes, the same; beside them only our owner index.
        Assert.Equal([LeaseIndex.FileName, .. names], Visible(ourDir.Net()));
        foreach (string name in names)
        {
            string g = Path.Combine(goDir.Net(), name), o = Path.Combine(ourDir.Net(), name);
            Assert.Equal(File.ReadAllBytes(g), File.ReadAllBytes(o));
            Assert.Equal(File.GetUnixFileMode(g), File.GetUnixFileMode(o));
        }

        Assert.Equal(File.GetUnixFileMode(goDir.Net()), File.GetUnixFileMode(ourDir.Net()));
    }

    [Fact]
    public void Error_messages_match_the_go_binary()
    {
        using var goDir = new TempDir();
        using var ourDir = new TempDir();
        const string Slash30 = """[[{"subnet":"10.10.0.0/30"}]]""";
        using var store = new DiskIpamStore(ourDir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/30"))]);

        Go("ADD", goDir.Path, "c1", Slash30);
        ipam.Allocate("c1", "eth0");
        // Duplicate attachment.
        Assert.Equal(GoError(Go("ADD", goDir.Path, "c1", Slash30).Stdout), Assert.Throws<CniException>(() => ipam.Allocate("c1", "eth0")).Message);
        // Exhaustion.
        Assert.Equal(GoError(Go("ADD", goDir.Path, "c2", Slash30).Stdout), Assert.Throws<CniException>(() => ipam.Allocate("c2", "eth0")).Message);
        // Requested gateway, requested address taken, and a request no range set holds.
        string gw = """ "args":{"cni":{"ips":["10.10.0.1"]}},""";
        Assert.Equal(GoError(Go("ADD", goDir.Path, "c3", Slash30, extra: gw).Stdout), Assert.Throws<CniException>(() => ipam.Allocate("c3", "eth0", [Ip("10.10.0.1")])).Message);
        string taken = """ "args":{"cni":{"ips":["10.10.0.2"]}},""";
        Assert.Equal(GoError(Go("ADD", goDir.Path, "c3", Slash30, extra: taken).Stdout), Assert.Throws<CniException>(() => ipam.Allocate("c3", "eth0", [Ip("10.10.0.2")])).Message);
        Go("DEL", goDir.Path, "c1", Slash30);
        ipam.Release("c1", "eth0");
        string stray = """ "args":{"cni":{"ips":["192.168.9.9"]}},""";
        Assert.Equal(GoError(Go("ADD", goDir.Path, "c4", Slash30, extra: stray).Stdout), Assert.Throws<CniException>(() => ipam.Allocate("c4", "eth0", [Ip("192.168.9.9")])).Message);
        Assert.Empty(store.GetLeases());
    }

    [Fact]
    public void Our_lock_holds_off_the_go_binary()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        Process go;
        using (store.Lock())
        {
            var psi = new ProcessStartInfo(Requires.ReferencePlugin("host-local"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            psi.Environment["CNI_COMMAND"] = "ADD";
            psi.Environment["CNI_CONTAINERID"] = "go1";
            psi.Environment["CNI_NETNS"] = "/x";
            psi.Environment["CNI_IFNAME"] = "eth0";
            psi.Environment["CNI_PATH"] = Requires.ReferencePluginDir;
            go = Process.Start(psi)!;
            go.StandardInput.Write($$$"""{"cniVersion":"1.0.0","name":"net1","ipam":{"type":"host-local","dataDir":"{{{dir.Path}}}","ranges":[[{"subnet":"{{{V4}}}"}]]}}""");
            go.StandardInput.Close();
            Assert.False(go.WaitForExit(700), "the Go binary must wait for our flock");
            Assert.Empty(Leases(dir.Net()));
        }

        Assert.True(go.WaitForExit(10_000));
        Assert.Equal(0, go.ExitCode);
        go.Dispose();
        Assert.Equal(["10.10.0.2"], Leases(dir.Net()));
    }

    [Fact]
    public void Go_reads_our_legacy_and_current_files_and_gc_keeps_its_files()
    {
        using var dir = new TempDir();
        Go("ADD", dir.Path, "go1");
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.6"), new LeaseOwner("legacy", null), 0);
        HostLocalIpam ipam = Ours(store);
        Assert.Equal(0, Go("CHECK", dir.Path, "legacy").Exit);

        Assert.Equal(3, ipam.CollectGarbage([]).Count);
        Assert.Empty(Leases(dir.Net()));
        Assert.True(File.Exists(Path.Combine(dir.Net(), "lock")));
        Assert.True(File.Exists(Path.Combine(dir.Net(), "last_reserved_ip.0")));
        Assert.True(File.Exists(Path.Combine(dir.Net(), "last_reserved_ip.1")));
        // And the Go binary still works in the collected directory.
        Assert.Equal(["10.10.0.2/29", "fd00::3/125"], GoAddresses(Go("ADD", dir.Path, "go2").Stdout));
    }
}
