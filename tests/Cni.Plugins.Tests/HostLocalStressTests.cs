using System.Diagnostics;
using System.Text.RegularExpressions;
using Cni.Tests;
using static Cni.Plugins.Tests.HostLocalKit;

namespace Cni.Plugins.Tests;

/// <summary>
/// Many host-local processes at once, and processes killed in the middle of ADD and DEL. The long versions
/// (hundreds of crash rounds, 60,000 leases) live in bench/host-local.
/// </summary>
public partial class HostLocalStressTests
{
    /// <summary>Starts a plugin process that waits for its configuration on stdin.</summary>
    private static Process Start(string command, string containerId, string config)
    {
        var psi = new ProcessStartInfo(Ours)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Clear();
        foreach ((string k, string? v) in PluginRunner.Env(command, "/var/run/netns/cnitest-none", containerId))
        {
            psi.Environment[k] = v;
        }

        return Process.Start(psi)!;
    }

    /// <summary>Starts every process first (each blocks on stdin), then releases them all at once.</summary>
    private static List<(string Id, int Exit, string Stdout)> RunAtOnce(string command, IReadOnlyList<string> ids, string config)
    {
        List<Process> processes = [.. ids.Select(id => Start(command, id, config))];
        List<Task<string>> outputs = [.. processes.Select(p => p.StandardOutput.ReadToEndAsync())];
        List<Task<string>> errors = [.. processes.Select(p => p.StandardError.ReadToEndAsync())];
        foreach (Process p in processes)
        {
            p.StandardInput.Write(config);
            p.StandardInput.Close();
        }

        var results = new List<(string, int, string)>();
        for (int i = 0; i < processes.Count; i++)
        {
            Assert.True(processes[i].WaitForExit(120_000), $"{ids[i]} did not finish");
            results.Add((ids[i], processes[i].ExitCode, outputs[i].Result));
            _ = errors[i].Result;
            processes[i].Dispose();
        }

        return results;
    }

    [Fact]
    public void Processes_started_at_once_share_a_slash_24_without_duplicates()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("conc");
        string config = Config("1.0.0", dir.Path, Ranges(Set("10.60.0.0/24")), name: "conc");

        // 260 at once for the 253 addresses of a /24 (.2 to .254; .1 is the gateway): every address is
        // handed out exactly once and the 7 left over get the exhaustion error.
        List<string> ids = [.. Enumerable.Range(0, 260).Select(i => "conc" + i)];
        var adds = RunAtOnce("ADD", ids, config);
        var ok = adds.Where(r => r.Exit == 0).ToList();
        var failed = adds.Where(r => r.Exit != 0).ToList();
        List<string> addresses = [.. ok.Select(r => Addresses(new ProcessResult(0, r.Stdout, ""), "1.0.0")[0])];
        Assert.Equal(253, ok.Count);
        Assert.Equal(253, addresses.Distinct().Count());
        Assert.Equal(Enumerable.Range(2, 253).Select(i => $"10.60.0.{i}/24").Order(), addresses.Order());
        Assert.All(failed, r => Assert.Equal((1, 999, "failed to allocate for range 0: no IP addresses available in range set: 10.60.0.1-10.60.0.254"),
            ErrorOf(new ProcessResult(r.Exit, r.Stdout, ""))));

        // Every lease file names its holder, and holders match what each process printed.
        Dictionary<string, string> leases = Leases(dir.Network("conc"));
        Assert.Equal(253, leases.Count);
        foreach ((string id, _, string stdout) in ok)
        {
            string address = Addresses(new ProcessResult(0, stdout, ""), "1.0.0")[0].Split('/')[0];
            Assert.Equal(id + "\r\neth0", leases[address]);
        }

        var dels = RunAtOnce("DEL", ids, config);
        Assert.All(dels, r => Assert.True(r.Exit == 0, r.Stdout));
        Assert.Equal([IndexFile, "last_reserved_ip.0", "lock"], Directory.GetFiles(dir.Network("conc")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"^kill\d+\r\neth0$")]
    private static partial Regex CompleteRecord();

    /// <summary>
    /// 20 rounds: a batch of ADDs and DELs is started and every process still running after a random delay is
    /// killed with SIGKILL. No lease file may ever be empty or partial; DEL after the first ten rounds, and GC
    /// alone after the next ten, leave only the store's own files. bench/host-local/crash.sh runs the same for hundreds of rounds.
    /// </summary>
    [Fact]
    public void Processes_killed_in_the_middle_of_add_and_del_leave_no_partial_lease()
    {
        Requires.Root();
        using var dir = new HostLocalDataDir("crash");
        string config = Config("1.0.0", dir.Path, Ranges(Set("10.61.0.0/24"), Set("fd00:61::/120")), name: "crash");
        string net = dir.Network("crash");
        var random = new Random(1234);
        int killed = 0;

        // Ten rounds, then DEL of every container must leave only the store's own files; ten more, then GC alone.
        KillRounds(config, net, random, ref killed);
        foreach (int i in Enumerable.Range(0, 40))
        {
            ProcessResult del = Run(Ours, "DEL", config, "kill" + i);
            Assert.True(del.ExitCode == 0, del.ToString());
        }

        AssertOnlyStoreFiles(net, "after DEL");
        KillRounds(config, net, random, ref killed);
        Assert.True(killed > 0, "no process was killed: the test proved nothing");
        ProcessResult gc = Run(Ours, "GC", config.Replace("\"cniVersion\":\"1.0.0\"", "\"cniVersion\":\"1.1.0\"", StringComparison.Ordinal)[..^1] + ",\"cni.dev/valid-attachments\":[]}", "", "");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        AssertOnlyStoreFiles(net, "after GC");
    }

    private static void AssertOnlyStoreFiles(string net, string when)
    {
        string[] left = [.. Directory.GetFileSystemEntries(net).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.All(left, f => Assert.True(f is "lock" or IndexFile || f!.StartsWith("last_reserved_ip.", StringComparison.Ordinal), $"{when}, left behind: {string.Join(", ", left)}"));
        Assert.Contains(IndexFile, left); // and it lists no lease any more
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(net, IndexFile)), l => l.StartsWith('+'));
    }

    private static void KillRounds(string config, string net, Random random, ref int killed)
    {
        for (int round = 0; round < 10; round++)
        {
            List<Process> batch = [];
            foreach (int i in Enumerable.Range(0, 8))
            {
                string id = "kill" + random.Next(40);
                Process p = Start(random.Next(3) == 0 ? "DEL" : "ADD", id, config);
                p.StandardInput.Write(config);
                p.StandardInput.Close();
                batch.Add(p);
            }

            Thread.Sleep(random.Next(0, 25));
            foreach (Process p in batch)
            {
                if (!p.HasExited)
                {
                    try
                    {
                        p.Kill();
                        killed++;
                    }
                    catch (InvalidOperationException)
                    {
                        // It finished in between.
                    }
                }

                p.WaitForExit();
                p.Dispose();
            }

            // After every round: every lease file is a complete record.
            if (!Directory.Exists(net))
            {
                continue;
            }

            foreach ((string name, string content) in Leases(net))
            {
                Assert.True(CompleteRecord().IsMatch(content), $"round {round}: lease {name} holds \"{content}\"");
            }

            // No container holds two addresses of one family.
            foreach (IGrouping<string, KeyValuePair<string, string>> holder in Leases(net).GroupBy(l => l.Value))
            {
                Assert.True(holder.Count(l => l.Key.Contains('.')) <= 1 && holder.Count(l => l.Key.Contains(':')) <= 1, $"{holder.Key} holds {string.Join(", ", holder.Select(l => l.Key))}");
            }
        }
    }

    /// <summary>
    /// The reference reads every lease file to release one; ours must not. With 3,000 leases on disk (written in
    /// the reference's layout), strace counts the opens of files in the network directory during one DEL.
    /// </summary>
    [Fact]
    public void Del_reads_a_few_files_not_every_lease()
    {
        Requires.Root();
        string strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists) ?? "";
        if (strace.Length == 0)
        {
            Requires.Unavailable("strace is missing (apt-get install strace)");
        }

        using var dir = new HostLocalDataDir("opens");
        string config = Config("1.0.0", dir.Path, Ranges(Set("10.62.0.0/16")), name: "opens");
        string net = dir.Network("opens");
        Directory.CreateDirectory(net);
        for (int i = 0; i < 3000; i++)
        {
            File.WriteAllText(Path.Combine(net, $"10.62.{(i + 2) >> 8}.{(i + 2) & 255}"), $"seed{i}\r\neth0");
        }

        Assert.Equal(0, Run(Ours, "ADD", config, "probe").ExitCode); // the first call after another writer rebuilds the index
        int OpensInNetworkDir(string plugin, string id)
        {
            string log = Path.Combine(dir.Path, "strace-" + id);
            ProcessResult r = Processes.Run(strace, PluginRunner.Env("DEL", null, id), config, ["-f", "-e", "trace=open,openat", "-o", log, plugin]);
            Assert.True(r.ExitCode == 0, r.ToString());
            return File.ReadLines(log).Count(l => l.Contains(net + "/", StringComparison.Ordinal) || (l.Contains("openat(", StringComparison.Ordinal) && l.Contains("\"10.62.", StringComparison.Ordinal)));
        }

        int ours = OpensInNetworkDir(Ours, "probe");
        Assert.False(Leases(net).ContainsValue("probe\r\neth0"), "DEL released the lease");
        Assert.True(ours is >= 1 and < 20, $"our DEL opened {ours} files of the network directory (it must read the lease it releases, and few others)");

        // The reference, for contrast, opens every lease (a DEL of seed0, which it finds on its walk).
        int go = OpensInNetworkDir(Go, "seed0");
        Assert.True(go >= 3000, $"the reference's DEL opened only {go} files: the comparison is void");
    }
}
