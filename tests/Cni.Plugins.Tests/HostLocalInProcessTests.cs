using Cni.Plugins.HostLocal;
using Cni.Spec;
using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// host-local in-process (its library's <see cref="HostLocalPlugin"/> through the dispatcher) against a
/// fresh temporary data directory: ADD, DEL and GC, and the same output as the published binary.
/// host-local touches no network namespace, so it runs on the test's thread.
/// </summary>
public sealed class HostLocalInProcessTests
{
    private static ProcessResult InProcess(string command, string config, string containerId = "ctr1", string ifName = "eth0") =>
        PluginHarness.RunInProcess(new HostLocalPlugin(), PluginRunner.Env(command, "/var/run/netns/cnitest-none", containerId, ifName), config).AsProcessResult();

    [Fact]
    public void Add_and_del_write_and_remove_the_lease_files()
    {
        using var dir = new HostLocalDataDir("inproc");
        string config = Config("1.0.0", dir.Path, Ranges(Set("10.60.0.0/24"), Set("fd00:60::/120")));
        ProcessResult add = InProcess("ADD", config);
        Assert.Equal(["10.60.0.2/24", "fd00:60::2/120"], Addresses(add, "1.0.0"));
        Dictionary<string, string> leases = Leases(dir.Network());
        Assert.Equal(["10.60.0.2", "fd00:60::2"], leases.Keys.Order(StringComparer.Ordinal));
        Assert.All(leases.Values, v => Assert.Equal("ctr1\r\neth0", v));

        // A second interface of the same container gets the next addresses.
        Assert.Equal(["10.60.0.3/24", "fd00:60::3/120"], Addresses(InProcess("ADD", config, ifName: "net1"), "1.0.0"));

        Assert.Equal(0, InProcess("DEL", config).ExitCode);
        Assert.Equal(["10.60.0.3", "fd00:60::3"], Leases(dir.Network()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, InProcess("DEL", config).ExitCode);
        Assert.Equal(0, InProcess("DEL", config, ifName: "net1").ExitCode);
        Assert.Empty(Leases(dir.Network()));
    }

    [Fact]
    public void Gc_frees_what_is_not_valid_and_without_the_key_frees_nothing()
    {
        using var dir = new HostLocalDataDir("inprocgc");
        string ipam = Ranges(Set("10.61.0.0/24"));
        foreach (string id in new[] { "a", "b", "c" })
        {
            Assert.Equal(0, InProcess("ADD", Config("1.1.0", dir.Path, ipam), id).ExitCode);
        }

        // No attachments key (cnitool gc): success, nothing freed, and the reason on stderr.
        ProcessResult none = InProcess("GC", Config("1.1.0", dir.Path, ipam), "", "");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("nothing is released", none.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, Leases(dir.Network()).Count);

        ProcessResult gc = InProcess("GC", Config("1.1.0", dir.Path, ipam, ",\"cni.dev/valid-attachments\":[{\"containerID\":\"b\",\"ifname\":\"eth0\"}]"), "", "");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Equal(["10.61.0.3"], Leases(dir.Network()).Keys);

        // null is how Go writes an empty list: nothing is valid.
        gc = InProcess("GC", Config("1.1.0", dir.Path, ipam, ",\"cni.dev/valid-attachments\":null"), "", "");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.Empty(Leases(dir.Network()));
    }

    [Theory]
    [MemberData(nameof(AllGoVersions), MemberType = typeof(HostLocalKit))]
    public void In_process_prints_what_the_published_binary_prints(string version)
    {
        using var inProcess = new HostLocalDataDir("inprocv");
        using var published = new HostLocalDataDir("pubv");
        string ipam = Ranges(Set("10.62.0.0/24")) + ",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]";
        ProcessResult a = InProcess("ADD", Config(version, inProcess.Path, ipam));
        ProcessResult b = Run(Ours, "ADD", Config(version, published.Path, ipam));
        Assert.True(a.ExitCode == 0 && a.Stdout == b.Stdout, $"in-process: {a}\npublished: {b}");
        Assert.Equal(Snapshot(published.Network()), Snapshot(inProcess.Network()));
    }
}
