using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Skel.Tests;

/// <summary>
/// Delegations started and waited for later (<see cref="PluginDelegator.StartAdd"/> and its siblings), against
/// real child processes, the multi-call executor's in-process path and a user-written executor: the delegate
/// runs while the caller works, the outcome is the synchronous call's (result, error code, stderr), the time
/// limit counts from the start, and a delegation nobody waited for is still finished and reaped.
/// </summary>
public sealed class PendingDelegationTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-skel-pending-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A plugin whose verbs are the test's lambdas.</summary>
    private sealed class LambdaPlugin : ICniPlugin
    {
        public PluginInfo Info { get; } = new("lambda", CniVersion.All);

        public Func<AddRequest, CniResult> OnAdd { get; init; } = _ => new CniResult();

        public Action<DeleteRequest> OnDelete { get; init; } = _ => { };

        public Action<CheckRequest> OnCheck { get; init; } = _ => { };

        public CniResult Add(AddRequest request) => OnAdd(request);

        public void Delete(DeleteRequest request) => OnDelete(request);

        public void Check(CheckRequest request) => OnCheck(request);
    }

    private const string Result = """{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24","gateway":"10.1.2.1"}],"dns":{}}""";

    private string PidFile => Path.Combine(_dir, "pid");

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private Harness Harness(string verb, IPluginExecutor? executor = null)
    {
        var h = new Harness
        {
            Stdin = """{"cniVersion":"1.0.0","name":"pending","type":"lambda","ipam":{"type":"ipam"}}""",
            Executor = executor ?? new ProcessPluginExecutor(TimeSpan.FromSeconds(30)),
        };
        h.Env["CNI_COMMAND"] = verb;
        h.Env["CNI_PATH"] = _dir;
        return h;
    }

    private int WaitForPid()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), out int pid))
            {
                return pid;
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException("the delegate never wrote its pid");
    }

    /// <summary>The process's state letter from /proc (R, S, Z...), or null when no such process exists (reaped).</summary>
    private static char? ProcessState(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    [Fact]
    public void StartAdd_returns_while_the_delegate_runs_and_its_result_is_the_synchronous_one()
    {
        // The delegate saves what it was given, then blocks on a FIFO that only the caller, after StartAdd returned, opens.
        string fifo = Path.Combine(_dir, "fifo");
        Processes.Output("mkfifo", fifo);
        Script("ipam", $"cat > {_dir}/stdin-$CNI_COMMAND; env > {_dir}/env-$CNI_COMMAND; echo $$ > {PidFile}.tmp; mv {PidFile}.tmp {PidFile}\n[ \"$CNI_COMMAND\" = ADD ] && [ -e {_dir}/sync ] || read x < {fifo}\nprintf '%s' '{Result}'");
        bool wasRunning = false, completedBefore = true;
        string? overlapped = null;
        var plugin = new LambdaPlugin
        {
            OnAdd = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartAdd("ipam");
                int pid = WaitForPid();
                wasRunning = ProcessState(pid) is 'R' or 'S';
                completedBefore = ipam.IsCompleted;
                File.WriteAllText(fifo, "go\n");
                overlapped = ipam.Result.ToJsonString(CniVersion.V1_0_0);
                Assert.True(ipam.IsCompleted);
                Assert.Same(ipam.Result, ipam.Result);
                return ipam.Result;
            },
        };
        Harness pending = Harness("ADD").Run(plugin);
        Assert.True(pending.ExitCode == 0, pending.Stdout + pending.Stderr);
        Assert.True(wasRunning, "the delegate had finished (or was never started) when StartAdd returned");
        Assert.False(completedBefore);
        string pendingStdin = File.ReadAllText(Path.Combine(_dir, "stdin-ADD"));
        string[] pendingEnv = [.. File.ReadAllLines(Path.Combine(_dir, "env-ADD")).Where(l => !l.StartsWith("PWD=", StringComparison.Ordinal)).Order()];

        // The same delegation made synchronously: the same stdin bytes, environment and result.
        File.WriteAllText(Path.Combine(_dir, "sync"), "");
        string? synchronous = null;
        Harness sync = Harness("ADD").Run(new LambdaPlugin { OnAdd = request => { CniResult r = request.Delegate.Add("ipam"); synchronous = r.ToJsonString(CniVersion.V1_0_0); return r; } });
        Assert.True(sync.ExitCode == 0, sync.Stdout);
        Assert.Equal(synchronous, overlapped);
        Assert.Equal(sync.Stdout, pending.Stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "stdin-ADD")), pendingStdin);
        Assert.Equal(pending.Stdin, pendingStdin);
        Assert.Equal([.. File.ReadAllLines(Path.Combine(_dir, "env-ADD")).Where(l => !l.StartsWith("PWD=", StringComparison.Ordinal)).Order()], pendingEnv);
        Assert.Contains("CNI_COMMAND=ADD", pendingEnv);
    }

    [Fact]
    public void A_delegates_error_keeps_its_code_and_its_stderr_is_passed_on()
    {
        Script("ipam", """cat >/dev/null; echo "ipam says hello" >&2; printf '{"cniVersion":"1.0.0","code":11,"msg":"try later","details":"busy"}'; exit 1""");
        CniException? seen = null;
        Harness h = Harness("DEL").Run(new LambdaPlugin
        {
            OnDelete = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartDelete("ipam");
                seen = Assert.Throws<CniException>(ipam.Wait);

                // Waiting again gives the same outcome, without running anything again.
                Assert.Same(seen, Assert.Throws<CniException>(ipam.Wait));
                ipam.Wait();
            },
        });
        Assert.Equal(1, h.ExitCode);
        Assert.NotNull(seen);
        Assert.Equal(CniErrorCode.TryAgainLater, seen.Code);
        Assert.Equal("try later", seen.Message);
        Assert.Equal(CniErrorCode.TryAgainLater, h.Error().Code);
        Assert.Equal(1, CountOf(h.Stderr, "ipam says hello"));
    }

    [Fact]
    public void A_delegate_that_fails_silently_is_reported_as_the_synchronous_call_reports_it()
    {
        Script("ipam", "cat >/dev/null; exit 3");
        CniException? pending = null, sync = null;
        Harness("CHECK").Run(new LambdaPlugin
        {
            OnCheck = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartCheck("ipam");
                pending = Assert.Throws<CniException>(ipam.Wait);
                sync = Assert.Throws<CniException>(() => request.Delegate.Check("ipam"));
            },
        });
        Assert.NotNull(pending);
        Assert.Equal(CniErrorCode.Internal, pending.Code);
        Assert.Equal("plugin \"ipam\" failed on CHECK with exit code 3 and printed no error message", pending.Message);
        Assert.Equal(sync!.Message, pending.Message);
    }

    [Fact]
    public void An_add_that_prints_nothing_fails_on_the_wait_and_a_delete_has_no_result()
    {
        Script("ipam", "cat >/dev/null");
        CniException? add = null;
        Exception? noResult = null;
        Harness("ADD").Run(new LambdaPlugin
        {
            OnAdd = request =>
            {
                using (PendingDelegation ipam = request.Delegate.StartAdd("ipam"))
                {
                    add = Assert.Throws<CniException>(() => ipam.Result);
                }

                using (PendingDelegation del = request.Delegate.StartDelete("ipam"))
                {
                    noResult = Record.Exception(() => del.Result);
                    del.Wait();
                }

                return new CniResult();
            },
        });
        Assert.Equal("plugin \"ipam\" succeeded on ADD but printed no result", add!.Message);
        Assert.IsType<InvalidOperationException>(noResult);
    }

    [Fact]
    public void A_missing_delegate_fails_at_the_start_as_the_synchronous_call_fails()
    {
        CniException? e = null;
        Harness("DEL").Run(new LambdaPlugin { OnDelete = request => e = Assert.Throws<CniException>(() => request.Delegate.StartDelete("absent")) });
        Assert.StartsWith("failed to find plugin \"absent\" in path", e!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_limit_counts_from_the_start_and_the_hung_delegate_is_killed_and_reaped()
    {
        Script("ipam", $"echo $$ > {PidFile}.tmp; mv {PidFile}.tmp {PidFile}; exec sleep 60");
        CniException? e = null;
        TimeSpan waited = default;
        int pid = 0;
        Harness h = Harness("DEL", new ProcessPluginExecutor(TimeSpan.FromMilliseconds(800))).Run(new LambdaPlugin
        {
            OnDelete = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartDelete("ipam");
                pid = WaitForPid();

                // The caller's own work: most of the limit.
                Thread.Sleep(600);
                var clock = Stopwatch.StartNew();
                e = Assert.Throws<CniException>(ipam.Wait);
                waited = clock.Elapsed;
            },
        });
        Assert.True(h.ExitCode == 0, h.Stdout);
        Assert.Equal(CniErrorCode.TryAgainLater, e!.Code);
        Assert.Contains("did not finish within 0.8 s and was killed", e.Message, StringComparison.Ordinal);

        // A limit counted from the wait would have taken 800 ms more here.
        Assert.True(waited < TimeSpan.FromMilliseconds(600), $"the wait took {waited.TotalMilliseconds:0} ms");
        Assert.Null(ProcessState(pid));
    }

    [Fact]
    public void A_delegation_disposed_without_a_wait_finishes_is_reaped_and_logs_its_failure()
    {
        string done = Path.Combine(_dir, "done");
        Script("ipam", $"cat >/dev/null; echo $$ > {PidFile}.tmp; mv {PidFile}.tmp {PidFile}; sleep 0.3; touch {done}; printf '{{\"code\":7,\"msg\":\"bad lease\"}}'; exit 1");
        int pid = 0;
        char? stateAfter = 'R';
        Harness h = Harness("DEL").Run(new LambdaPlugin
        {
            OnDelete = request =>
            {
                using (PendingDelegation ipam = request.Delegate.StartDelete("ipam"))
                {
                    pid = WaitForPid();
                }

                stateAfter = ProcessState(pid);
            },
        });

        // The caller did not wait, so its own outcome stands; the delegate ran to its end (not killed), was reaped
        // (no zombie left: /proc has no such process), and its failure is on stderr rather than lost.
        Assert.Equal(0, h.ExitCode);
        Assert.True(File.Exists(done), "the delegate was killed instead of waited for");
        Assert.Null(stateAfter);
        Assert.Contains("plugin \"ipam\" failed on DEL, and nobody waited for it: bad lease", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_caller_throws_while_a_delegation_is_pending_the_delegate_completes_and_the_callers_error_stands()
    {
        string done = Path.Combine(_dir, "done");
        Script("ipam", $"cat >/dev/null; echo $$ > {PidFile}.tmp; mv {PidFile}.tmp {PidFile}; sleep 0.2; touch {done}");
        int pid = 0;
        Harness h = Harness("DEL").Run(new LambdaPlugin
        {
            OnDelete = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartDelete("ipam");
                pid = WaitForPid();
                throw new CniException(CniErrorCode.IOFailure, "the caller's own failure");
            },
        });
        Assert.Equal(CniErrorCode.IOFailure, h.Error().Code);
        Assert.Equal("the caller's own failure", h.Error().Message);
        Assert.True(File.Exists(done), "the delegate did not finish");
        Assert.Null(ProcessState(pid));
        Assert.DoesNotContain("nobody waited", h.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_child_writing_a_mebibyte_to_each_output_before_the_wait_does_not_deadlock()
    {
        // It fills both pipes long before the wait: it pauses until the wait drains them.
        string path = Script("loud", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o; exit 5");
        using IPluginRun run = ProcessPluginExecutor.Instance.Start(path, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty, TextWriter.Null);
        Thread.Sleep(200);
        PluginOutput output = run.Wait();
        Assert.Equal(5, output.ExitCode);
        Assert.Equal(MiB, output.Stdout.Length);
        Assert.True(output.Stdout.Span.IndexOfAnyExcept((byte)'o') < 0, "stdout is all 'o'");
        Assert.Equal(new string('e', MiB), output.Stderr);
    }

    [Fact]
    public void A_stdin_larger_than_a_pipe_is_written_partly_at_the_start_and_the_rest_at_the_wait()
    {
        byte[] input = new byte[MiB + 4321];
        new Random(11).NextBytes(input);
        using IPluginRun run = ProcessPluginExecutor.Instance.Start("/bin/cat", new Dictionary<string, string>(), input, TextWriter.Null);
        Thread.Sleep(100);
        PluginOutput output = run.Wait();
        Assert.Equal(0, output.ExitCode);
        Assert.True(input.AsSpan().SequenceEqual(output.Stdout.Span), $"stdout is {output.Stdout.Length} bytes, not the {input.Length} sent");
    }

    [Fact]
    public void A_delegate_result_larger_than_a_pipe_is_read_whole()
    {
        // About 200 KiB of routes in one result, written before the caller waits.
        Script("ipam", """cat >/dev/null; printf '{"cniVersion":"1.0.0","ips":[{"address":"10.1.2.3/24"}],"routes":['; i=0; while [ $i -lt 6000 ]; do printf '{"dst":"10.%d.%d.0/24"},' $((i / 250)) $((i % 250)); i=$((i + 1)); done; printf '{"dst":"0.0.0.0/0"}]}'""");
        int routes = 0;
        Harness h = Harness("ADD").Run(new LambdaPlugin
        {
            OnAdd = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartAdd("ipam");
                Thread.Sleep(300);
                routes = ipam.Result.Routes.Count;
                return ipam.Result;
            },
        });
        Assert.True(h.ExitCode == 0, h.Stdout.Length > 500 ? h.Stdout[..500] : h.Stdout);
        Assert.Equal(6001, routes);
        Assert.True(h.Stdout.Length > 128 * 1024, $"the result is {h.Stdout.Length} characters");
    }

    [Fact]
    public void A_user_written_executor_without_Start_runs_the_delegate_where_it_is_waited_for()
    {
        var fake = new FakePluginExecutor
        {
            Respond = call => call.Command == "ADD"
                ? FakePluginExecutor.Success(Result, stderr: "fake stderr\n")
                : FakePluginExecutor.Failure(CniErrorCode.TryAgainLater, "later", stderr: "fake failure\n"),
        };
        int callsAfterStart = -1, callsAfterWait = -1;
        CniException? del = null;
        Harness h = Harness("ADD", fake).Run(new LambdaPlugin
        {
            OnAdd = request =>
            {
                using PendingDelegation ipam = request.Delegate.StartAdd("ipam");
                callsAfterStart = fake.Calls.Count;
                CniResult result = ipam.Result;
                callsAfterWait = fake.Calls.Count;
                using PendingDelegation undo = request.Delegate.StartDelete("ipam");
                del = Assert.Throws<CniException>(undo.Wait);
                return result;
            },
        });
        Assert.True(h.ExitCode == 0, h.Stdout);
        Assert.Equal((0, 1), (callsAfterStart, callsAfterWait));
        Assert.Equal(["ADD", "DEL"], fake.Calls.Select(c => c.Command));
        Assert.Equal(h.Stdin, fake.Calls[0].StdinText);
        Assert.Equal("10.1.2.3/24", PluginRunnerText(h.Stdout));
        Assert.Equal(CniErrorCode.TryAgainLater, del!.Code);
        Assert.Contains("fake stderr", h.Stderr, StringComparison.Ordinal);
        Assert.Contains("fake failure", h.Stderr, StringComparison.Ordinal);
    }

    private static string PluginRunnerText(string stdout) => CniResult.Parse(Encoding.UTF8.GetBytes(stdout), CniVersion.V1_0_0).Ips[0].Address.ToString();

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public void The_multi_call_executor_runs_its_own_plugin_alongside_on_a_thread_born_in_the_callers_namespace()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("pending");

        // The delegate on CNI_PATH is this very executable, under the name the table holds it as.
        string self = new FileInfo("/proc/self/exe").ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        File.CreateSymbolicLink(Path.Combine(_dir, "ipam"), self);
        using var gate = new ManualResetEventSlim();
        int delegateThread = 0, callerThread = 0;
        string? delegateNamespace = null, delegateStdin = null, delegateCommand = null;
        var ipamPlugin = new LambdaPlugin
        {
            OnAdd = request =>
            {
                delegateThread = Environment.CurrentManagedThreadId;
                delegateNamespace = ThreadNamespace();
                delegateStdin = Encoding.UTF8.GetString(request.StdinData.Span);
                delegateCommand = request.Environment["CNI_COMMAND"];
                if (!gate.Wait(TimeSpan.FromSeconds(20)))
                {
                    throw new CniException(CniErrorCode.Internal, "the caller never opened the gate: StartAdd waited for the delegate");
                }

                return CniResult.Parse(Encoding.UTF8.GetBytes(Result), CniVersion.V1_0_0);
            },
            OnDelete = _ => throw new CniException(CniErrorCode.IOFailure, "in-process DEL failed"),
        };
        var executor = new MultiCallPluginExecutor(new Dictionary<string, Func<ICniPlugin>> { ["ipam"] = () => ipamPlugin });
        bool pendingWhileGated = false;
        string? callerNamespace = null;
        CniException? del = null;
        Harness? h = null;
        var caller = new Thread(() =>
        {
            // The caller's thread alone is moved into the test namespace, as a plugin working in a pod would be.
            using (SafeHandle handle = File.OpenHandle(ns.Path))
            {
                if (setns((int)handle.DangerousGetHandle(), 0x40000000) != 0)
                {
                    throw new InvalidOperationException($"setns failed: {Marshal.GetLastPInvokeError()}");
                }
            }

            callerNamespace = ThreadNamespace();
            h = Harness("ADD", executor).Run(new LambdaPlugin
            {
                OnAdd = request =>
                {
                    callerThread = Environment.CurrentManagedThreadId;
                    using PendingDelegation ipam = request.Delegate.StartAdd("ipam");
                    Thread.Sleep(50);
                    pendingWhileGated = !ipam.IsCompleted;
                    gate.Set();
                    CniResult result = ipam.Result;
                    using PendingDelegation undo = request.Delegate.StartDelete("ipam");
                    del = Assert.Throws<CniException>(undo.Wait);
                    return result;
                },
            });
        });
        caller.Start();
        Assert.True(caller.Join(TimeSpan.FromSeconds(60)), "the caller hung");
        Assert.NotNull(h);
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        Assert.True(pendingWhileGated, "the in-process delegate had finished before the caller let it");
        Assert.NotEqual(callerThread, delegateThread);
        Assert.NotEqual(ThreadNamespace(), callerNamespace);
        Assert.Equal(callerNamespace, delegateNamespace);
        Assert.Equal(h.Stdin, delegateStdin);
        Assert.Equal("ADD", delegateCommand);
        Assert.Equal("10.1.2.3/24", PluginRunnerText(h.Stdout));
        Assert.Equal(CniErrorCode.IOFailure, del!.Code);
        Assert.Equal("in-process DEL failed", del.Message);
        Assert.Null(Environment.GetEnvironmentVariable("CNI_COMMAND"));
    }

    private static string? ThreadNamespace() => new FileInfo("/proc/thread-self/ns/net").LinkTarget;

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
