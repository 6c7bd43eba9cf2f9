using System.Diagnostics;
using System.Text;
using Cni.Spec;

namespace Cni.Skel.Tests;

/// <summary>
/// The process executor's deadline and cancellation, against real programs: a plugin that hangs is
/// killed with SIGKILL and reaped (its process is gone when the call returns), the call fails with code 11
/// naming the plugin and the limit, a cancelled call kills it too, and a plugin that finishes in time is
/// not affected, however its output and exit are timed.
/// </summary>
public sealed class ExecutorDeadlineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-skel-deadline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string PidFile => Path.Combine(_dir, "pid");

    /// <summary>The pid the script wrote before it hung, and whether that process still exists (alive or a zombie).</summary>
    private bool ScriptProcessExists()
    {
        int pid = int.Parse(File.ReadAllText(PidFile).Trim());
        return Directory.Exists($"/proc/{pid}");
    }

    [Fact]
    public void A_plugin_that_hangs_is_killed_at_the_timeout_with_code_11_naming_it()
    {
        string path = Script("hangs", $"echo $$ > {PidFile}\nexec sleep 60");
        var executor = new ProcessPluginExecutor(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        CniException e = Assert.Throws<CniException>(() => executor.Execute(path, NoEnvironment, "{}"u8.ToArray(), TextWriter.Null, TestContext.Current.CancellationToken));
        clock.Stop();
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Contains(path, e.Message);
        Assert.Contains("0.5 s", e.Message);
        Assert.Contains("killed", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 450, 10_000);
        Assert.False(ScriptProcessExists(), "the hung plugin is still there (not killed, or not reaped)");
    }

    [Fact]
    public void A_plugin_that_closes_its_outputs_and_hangs_is_killed_too()
    {
        // The outputs reach end of file at once, so the deadline has to hold on the wait for the exit.
        string path = Script("detaches", $"echo $$ > {PidFile}\nexec sleep 60 >/dev/null 2>&1 </dev/null");
        var executor = new ProcessPluginExecutor(TimeSpan.FromMilliseconds(300));
        CniException e = Assert.Throws<CniException>(() => executor.Execute(path, NoEnvironment, ReadOnlyMemory<byte>.Empty, TextWriter.Null, TestContext.Current.CancellationToken));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.False(ScriptProcessExists(), "the plugin is still there");
    }

    [Fact]
    public void Cancelling_kills_the_plugin_and_throws_OperationCanceledException()
    {
        string path = Script("hangs", $"echo $$ > {PidFile}\nexec sleep 60");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ProcessPluginExecutor.Instance.Execute(path, NoEnvironment, ReadOnlyMemory<byte>.Empty, TextWriter.Null, cancel.Token));
        Assert.InRange(clock.ElapsedMilliseconds, 250, 10_000);
        Assert.False(ScriptProcessExists(), "the cancelled plugin is still there");
    }

    [Fact]
    public void A_token_cancelled_before_the_call_starts_nothing()
    {
        string marker = Path.Combine(_dir, "ran");
        string path = Script("marks", $"touch {marker}");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ProcessPluginExecutor.Instance.Execute(path, NoEnvironment, ReadOnlyMemory<byte>.Empty, TextWriter.Null, cancel.Token));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_plugin_that_finishes_in_time_gives_its_output_and_exit_code()
    {
        // Input, both outputs, a pause after the outputs are closed, and a non-zero exit: all inside the limit.
        string path = Script("works", "cat\necho err >&2\nexec >&- 2>&-\nsleep 0.2\nexit 3");
        var executor = new ProcessPluginExecutor(TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource();
        PluginOutput run = executor.Execute(path, NoEnvironment, "fed"u8.ToArray(), TextWriter.Null, cancel.Token);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("fed", Encoding.UTF8.GetString(run.Stdout.Span));
        Assert.Equal("err\n", run.Stderr);
    }

    [Fact]
    public void RunProgram_kills_a_program_at_its_timeout()
    {
        string path = Script("hangs", $"echo $$ > {PidFile}\nexec sleep 60");
        CniException e = Assert.Throws<CniException>(() =>
            ProcessPluginExecutor.RunProgram(path, [], NoEnvironment, ReadOnlyMemory<byte>.Empty, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.Equal(CniErrorCode.TryAgainLater, e.Code);
        Assert.Contains(path, e.Message);
        Assert.False(ScriptProcessExists());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_timeout_that_is_not_positive_is_refused(int milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessPluginExecutor(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void The_shared_instance_has_no_time_limit() =>
        Assert.Equal(Timeout.InfiniteTimeSpan, ProcessPluginExecutor.Instance.Timeout);
}
