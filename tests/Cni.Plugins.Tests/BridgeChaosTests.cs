using System.Diagnostics;
using System.Globalization;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// SIGKILL chaos on the whole chain: bridge ADD and DEL (and host-local, its child, in the same process group;
/// with the multi-call binary, host-local in-process) killed after a random delay, then what a runtime does
/// next — DEL, retried until it succeeds, or GC once the sandbox is gone — must leave nothing behind
/// (<see cref="ChaosKit.AssertClean"/>). 20 rounds here; <c>bench/chaos/run.sh</c> runs the same test with
/// <c>CNI_CHAOS_ROUNDS</c> rounds. Every round's kind and delay come from one seed, printed and settable
/// (<c>CNI_CHAOS_SEED</c>), so a failing round can be replayed.
/// </summary>
public sealed class BridgeChaosTests
{
    private const string Extra = "\"isGateway\":true,\"ipMasq\":true,\"macspoofchk\":true";

    private enum Kind
    {
        /// <summary>ADD killed, then DEL.</summary>
        KillAddThenDel,

        /// <summary>ADD succeeds, DEL killed, then DEL again.</summary>
        KillDelThenDel,

        /// <summary>ADD killed, the sandbox (pod namespace) removed without a DEL, then GC with no valid attachment.</summary>
        KillAddThenGc,
    }

    [Theory]
    [InlineData("standalone")]
    [InlineData("multi-call")]
    public void Sigkill_at_random_points_leaves_nothing_after_the_retried_del_or_gc(string binaries)
    {
        Requires.Root();
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("CNI_CHAOS_ROUNDS"), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 10;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("CNI_CHAOS_SEED"), CultureInfo.InvariantCulture, out int s) ? s : Random.Shared.Next();
        var rng = new Random(seed);
        var output = new Report(TestContext.Current.TestOutputHelper, Environment.GetEnvironmentVariable("CNI_CHAOS_REPORT"));
        output.WriteLine($"chaos ({binaries}): seed {seed}, {rounds} rounds (replay: CNI_CHAOS_SEED={seed} CNI_CHAOS_ROUNDS={rounds})");

        string bridge, hostLocal;
        if (binaries == "multi-call")
        {
            bridge = MultiCallTests.Multi("bridge");
            hostLocal = MultiCallTests.Multi("host-local");
        }
        else
        {
            bridge = RepoPaths.OurPlugin("bridge");
            hostLocal = RepoPaths.OurPlugin("host-local");
        }

        using var node = new BridgeNode("chaos", hostLocal);
        string config = node.Config(version: "1.1.0", extra: Extra);

        // How long one ADD or DEL takes here, warm (a first probe makes the bridge and loads the binaries; the
        // second is timed around the plugin runs alone): the delays are drawn up to a little beyond the longer.
        // A span taken from a cold first run (a namespace made, the bridge created, caches cold) was many times an
        // ADD's time, and every kill then came after the plugin had finished.
        double slowest = 0;
        for (int probeRun = 0; probeRun < 2; probeRun++)
        {
            using TestNamespace probe = node.Pod("probe" + probeRun.ToString(CultureInfo.InvariantCulture));
            foreach (string verb in new[] { "ADD", "DEL" })
            {
                var clock = Stopwatch.StartNew();
                Assert.Equal(0, node.Run(bridge, verb, probe.Path, config, "probe").ExitCode);
                slowest = probeRun == 0 ? 0 : Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            }
        }

        double span = slowest * 1.3;
        output.WriteLine($"one ADD or DEL takes about {slowest:0} ms here; kills are drawn in [0, {span:0}] ms");

        var killed = new Dictionary<Kind, int>();
        var finished = new Dictionary<Kind, int>();
        int retries = 0, deferredCleanups = 0;
        for (int round = 0; round < rounds; round++)
        {
            var kind = (Kind)rng.Next(3);
            int delay = (int)(rng.NextDouble() * span);
            string id = "chaos" + round.ToString(CultureInfo.InvariantCulture);
            string context = $"round {round} ({kind}, kill at {delay} ms, seed {seed})";
            TestNamespace pod = node.Pod("c" + round.ToString(CultureInfo.InvariantCulture));
            bool wasRunning;
            double? finishedMs;
            if (kind == Kind.KillDelThenDel)
            {
                ProcessResult add = node.Run(bridge, "ADD", pod.Path, config, id);
                Assert.True(add.ExitCode == 0, $"{context}: ADD {add}");
                wasRunning = KillAfter(node, bridge, "DEL", pod.Path, config, id, delay, out finishedMs);
            }
            else
            {
                wasRunning = KillAfter(node, bridge, "ADD", pod.Path, config, id, delay, out finishedMs);
            }

            (wasRunning ? killed : finished)[kind] = (wasRunning ? killed : finished).GetValueOrDefault(kind) + 1;
            if (finishedMs is double took && took * 1.3 < span)
            {
                // The probe was slower than the plugins are now (CI once timed a warm probe at 2 s, an ADD then
                // took tens of ms): the window follows the plugin's own time, so later kills land while it runs.
                span = took * 1.3;
            }
            if (kind == Kind.KillAddThenGc)
            {
                // The kernel destroys a namespace, and the veth ends in it with their peers, in a deferred work
                // item after its last reference goes: wait for that before GC, as a runtime's next GC would be.
                pod.Dispose();
                var cleanup = Stopwatch.StartNew();
                while (BridgeNode.LinkNames(node.Node).Length > 1 && cleanup.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(20);
                }

                if (cleanup.ElapsedMilliseconds >= 20)
                {
                    deferredCleanups++;
                }

                string gc = config[..config.LastIndexOf('}')] + ",\"cni.dev/valid-attachments\":[]}";
                ProcessResult r = node.Run(bridge, "GC", null, gc);
                Assert.True(r.ExitCode == 0, $"{context}: GC {r}");
            }
            else
            {
                // The runtime retries DEL until it succeeds; a clean DEL succeeds the first time.
                ProcessResult r = node.Run(bridge, "DEL", pod.Path, config, id);
                for (int attempt = 0; r.ExitCode != 0 && attempt < 3; attempt++)
                {
                    retries++;
                    output.WriteLine($"{context}: DEL failed, retrying: {r}");
                    r = node.Run(bridge, "DEL", pod.Path, config, id);
                }

                Assert.True(r.ExitCode == 0, $"{context}: DEL {r}");
            }

            ChaosKit.AssertClean(node, pod, context);
            pod.Dispose();
        }

        output.WriteLine($"killed while running: {Figures(killed)}; finished before the kill: {Figures(finished)}; DEL retries needed: {retries}; waits for the kernel's deferred namespace cleanup before GC: {deferredCleanups}; leaks: 0");

        // A chaos run that never kills anything proves nothing.
        Assert.True(killed.Values.Sum() > 0 || rounds < 5, $"no round killed a running plugin (seed {seed})");
    }

    // Kills the plugin after delayMs; when it finished before that, finishedMs says how long it took.
    private static bool KillAfter(BridgeNode node, string plugin, string command, string netns, string config, string id, int delayMs, out double? finishedMs)
    {
        var clock = Stopwatch.StartNew();
        using PluginProcess p = ChaosKit.Start(node, plugin, command, netns, config, id);
        finishedMs = delayMs > 0 && p.Process.WaitForExit(delayMs) ? clock.Elapsed.TotalMilliseconds : null;
        return ChaosKit.Kill(p);
    }

    /// <summary>The test's output, and with <c>CNI_CHAOS_REPORT</c> a file the bench script prints.</summary>
    private sealed class Report(ITestOutputHelper? helper, string? file)
    {
        public void WriteLine(string line)
        {
            helper?.WriteLine(line);
            if (!string.IsNullOrEmpty(file))
            {
                File.AppendAllText(file, line + Environment.NewLine);
            }
        }
    }

    private static string Figures(Dictionary<Kind, int> counts) =>
        string.Join(", ", Enum.GetValues<Kind>().Select(k => $"{k} {counts.GetValueOrDefault(k)}"));
}
