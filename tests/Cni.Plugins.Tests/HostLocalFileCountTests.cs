using System.Text.RegularExpressions;
using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// What one call of the published host-local does to the file system, counted with strace: an ADD creates one
/// file (the lease) and flushes it once, as the reference creates one; a DEL creates none; and nothing of ours
/// outlives the network directory.
/// </summary>
public partial class HostLocalFileCountTests
{
    private static string Cfg(string dir) => Config("1.0.0", dir, Ranges(Set("10.47.0.0/24")));

    /// <summary>Runs <paramref name="plugin"/> under <c>strace -f</c> and returns the file system calls it made.</summary>
    private static string[] Traced(string plugin, string command, string config, string containerId)
    {
        string strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists) ?? "";
        if (strace.Length == 0)
        {
            Requires.Unavailable("strace is not installed (apt-get install strace)");
        }

        string log = Path.GetTempFileName();
        try
        {
            Dictionary<string, string?> env = PluginRunner.Env(command, "/var/run/netns/cnitest-none", containerId, "eth0");
            ProcessResult r = Processes.Run(strace, env, config,
                ["-f", "-qq", "-o", log, "-e", "trace=open,openat,creat,link,linkat,symlink,symlinkat,rename,renameat,renameat2,mkdir,mkdirat,mknod,mknodat,unlink,unlinkat,fsync,fdatasync", plugin]);
            Assert.True(r.ExitCode == 0, r.ToString());
            return File.ReadAllLines(log);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>Calls that gave a new name to a file: O_CREAT|O_EXCL and O_TMPFILE opens don't count until linked; link, symlink, rename, mkdir, mknod that succeeded do.</summary>
    private static string[] NamesCreated(string[] calls) =>
        [.. calls.Where(c => Succeeded(c) && (NameCall().IsMatch(c) || (Open().IsMatch(c) && c.Contains("O_CREAT|O_EXCL", StringComparison.Ordinal))))];

    private static bool Succeeded(string call) => Regex.IsMatch(call, @"\) += \d+$");

    [GeneratedRegex(@"^\d+ +(link|linkat|symlink|symlinkat|rename|renameat|renameat2|mkdir|mkdirat|mknod|mknodat)\(")]
    private static partial Regex NameCall();

    [GeneratedRegex(@"^\d+ +(open|openat|creat)\(")]
    private static partial Regex Open();

    [Fact]
    public void An_add_creates_one_file_and_flushes_it_once_and_a_del_creates_none()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("count");
        Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path), "warm").ExitCode); // the first ADD also makes lock, last_reserved_ip.0 and the index
        string[] before = Directory.GetFileSystemEntries(dir.Network());

        string[] add = Traced(Ours, "ADD", Cfg(dir.Path), "c1");
        string created = Assert.Single(NamesCreated(add));
        Assert.Matches(@"linkat\(.*""10\.47\.0\.3""", created);
        Assert.Single(add, c => Regex.IsMatch(c, @"^\d+ +(fsync|fdatasync)\("));
        Assert.DoesNotContain(add, c => Regex.IsMatch(c, @"^\d+ +unlink(at)?\("));
        Assert.Equal(before.Length + 1, Directory.GetFileSystemEntries(dir.Network()).Length);
        Assert.Equal(["10.47.0.2", "10.47.0.3"], Leases(dir.Network()).Keys.Order(StringComparer.Ordinal));

        string[] del = Traced(Ours, "DEL", Cfg(dir.Path), "c1");
        Assert.Empty(NamesCreated(del));
        Assert.DoesNotContain(del, c => Regex.IsMatch(c, @"^\d+ +(fsync|fdatasync)\("));
        Assert.Single(del, c => Regex.IsMatch(c, @"^\d+ +unlink(at)?\(") && Succeeded(c));
        Assert.Equal(before.Length, Directory.GetFileSystemEntries(dir.Network()).Length);
    }

    [Fact]
    public void The_reference_also_creates_one_file_per_add()
    {
        // The yardstick of the test above, measured rather than assumed.
        Requires.Root();
        using var dir = new HostLocalDataDir("countgo");
        Assert.Equal(0, Run(Go, "ADD", Cfg(dir.Path), "warm").ExitCode);
        string[] add = Traced(Go, "ADD", Cfg(dir.Path), "c1");
        string created = Assert.Single(add, c => Succeeded(c) && (NameCall().IsMatch(c) || (Open().IsMatch(c) && c.Contains("O_CREAT|O_EXCL", StringComparison.Ordinal))));
        Assert.Contains("10.47.0.3", created, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_the_network_directory_leaves_nothing_of_ours_in_the_data_directory()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("rmrf");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, Run(Ours, "ADD", Cfg(dir.Path), "c" + i).ExitCode);
        }

        Assert.Equal(0, Run(Ours, "DEL", Cfg(dir.Path), "c1").ExitCode);
        Assert.Equal([NetName], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        Directory.Delete(dir.Network(), recursive: true);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // Reset: the next ADD starts from the beginning, and the old holders are unknown.
        Assert.Equal("10.47.0.2/24", Addresses(Run(Ours, "ADD", Cfg(dir.Path), "c0"), "1.0.0")[0]);
        Assert.Equal(0, Run(Ours, "CHECK", Cfg(dir.Path), "c0").ExitCode);
        Assert.NotEqual(0, Run(Ours, "CHECK", Cfg(dir.Path), "c2").ExitCode);
    }
}
