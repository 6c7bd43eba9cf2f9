using System.Text;
using Cni.Spec;
using Tmds.Linux;

namespace Cni.Skel.Tests;

/// <summary>
/// The process executor's mechanics, against real programs: the environment and stdin a child gets,
/// outputs far larger than a pipe's buffer in both directions at once, exit codes and signals, a missing
/// binary, descriptors that must not leak, and no zombie left behind. (ETXTBSY is in <see cref="DelegationTests"/>.)
/// </summary>
public sealed class SpawnExecutorTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-skel-spawn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PluginOutput Execute(string path, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, TextWriter? log = null) =>
        ProcessPluginExecutor.Instance.Execute(path, env ?? new Dictionary<string, string>(), stdin ?? [], log ?? TextWriter.Null);

    private string Script(string name, string body)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void The_child_gets_exactly_the_environment_given()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CNI_COMMAND"] = "ADD",
            ["CNI_PATH"] = "/opt/cni/bin",
            ["EMPTY"] = "",
            ["UNICODE"] = "naïve ✓",
            ["WITH_EQUALS"] = "a=b=c",
        };
        PluginOutput run = Execute("/usr/bin/env", env);
        Assert.Equal(0, run.ExitCode);
        string[] lines = Encoding.UTF8.GetString(run.Stdout.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(env.Select(e => $"{e.Key}={e.Value}").Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.Null(Environment.GetEnvironmentVariable("CNI_COMMAND"));
    }

    [Fact]
    public void Stdin_is_delivered_byte_for_byte_while_stdout_is_read_a_mebibyte_each_way()
    {
        // cat writes as it reads: a parent that wrote all of stdin before reading would deadlock once
        // both pipe buffers (64 KiB each) are full.
        byte[] input = new byte[MiB + 12345];
        new Random(10).NextBytes(input);
        PluginOutput run = Execute("/bin/cat", stdin: input);
        Assert.Equal(0, run.ExitCode);
        Assert.True(input.AsSpan().SequenceEqual(run.Stdout.Span), $"stdout is {run.Stdout.Length} bytes, not the {input.Length} sent");
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void A_mebibyte_on_stderr_then_on_stdout_does_not_deadlock()
    {
        // Filling stderr first blocks a child whose parent drains only stdout until it ends.
        string path = Script("loud", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o; exit 4");
        PluginOutput run = Execute(path);
        Assert.Equal(4, run.ExitCode);
        Assert.Equal(MiB, run.Stdout.Length);
        Assert.True(run.Stdout.Span.IndexOfAnyExcept((byte)'o') < 0, "stdout is all 'o'");
        Assert.Equal(new string('e', MiB), run.Stderr);
    }

    [Fact]
    public void A_child_that_ignores_a_large_stdin_is_not_waited_for_forever()
    {
        // The child exits without reading: writing the rest fails with EPIPE (not SIGPIPE), and its exit status stands.
        string path = Script("deaf", "echo bye; exit 3");
        PluginOutput run = Execute(path, stdin: new byte[4 * MiB]);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("bye\n", Encoding.UTF8.GetString(run.Stdout.Span));
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 1", 1)]
    [InlineData("exit 255", 255)]
    [InlineData("kill -TERM $$", 128 + 15)]
    [InlineData("kill -KILL $$", 128 + 9)]
    public void Exit_codes_and_signals_are_reported_as_a_shell_would(string body, int expected)
    {
        Assert.Equal(expected, Execute(Script("ends", "cat >/dev/null; " + body), stdin: "{}"u8.ToArray()).ExitCode);
    }

    [Fact]
    public void The_child_gets_sigpipe_at_its_default_not_this_processes_ignored_one()
    {
        // The .NET runtime ignores SIGPIPE; a child that inherited that would see EPIPE where a plugin expects to die.
        PluginOutput run = Execute(Script("sigign", "grep SigIgn /proc/$$/status"));
        ulong ignored = Convert.ToUInt64(Encoding.UTF8.GetString(run.Stdout.Span).Split(':')[1].Trim(), 16);
        Assert.Equal(0UL, ignored & (1UL << (13 - 1)));
    }

    [Fact]
    public void A_missing_binary_is_a_cni_error_naming_it_and_the_reason()
    {
        string path = Path.Combine(_dir, "gone");
        CniException e = Assert.Throws<CniException>(() => Execute(path));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Equal($"failed to start plugin {path}: No such file or directory", e.Message);
    }

    [Fact]
    public void A_file_without_execute_permission_is_a_cni_error()
    {
        string path = Script("noexec", "exit 0");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using var log = new StringWriter();
        CniException e = Assert.Throws<CniException>(() => Execute(path, log: log));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("Permission denied", e.Message, StringComparison.Ordinal);
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Only_descriptors_0_1_and_2_reach_the_child()
    {
        // A descriptor without close-on-exec (as a process may inherit one) is closed in the child too.
        int leaky = LibC.fcntl(1, LibC.F_DUPFD, 700);
        Assert.True(leaky >= 700, "fcntl(F_DUPFD)");
        try
        {
            Assert.Equal(0, LibC.fcntl(leaky, LibC.F_GETFD) & LibC.FD_CLOEXEC);
            // ls replaces the shell and lists its own descriptors: the three, and the one it reads the listing with.
            PluginOutput run = Execute(Script("fds", "exec ls -l /proc/$$/fd"));
            string[] entries = [.. Encoding.UTF8.GetString(run.Stdout.Span).Split('\n').Where(l => l.Contains(" -> ", StringComparison.Ordinal))];
            int[] fds = [.. entries.Select(l => int.Parse(l[..l.IndexOf(" -> ", StringComparison.Ordinal)].Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture))];
            Assert.DoesNotContain(leaky, fds);
            Assert.Equal([0, 1, 2], fds.Where(fd => fd < 3).Order());
            Assert.All(entries.Where(l => !l.Contains(" 0 -> ", StringComparison.Ordinal) && !l.Contains(" 1 -> ", StringComparison.Ordinal) && !l.Contains(" 2 -> ", StringComparison.Ordinal)),
                l => Assert.Matches(@"-> /proc/\d+/fd$", l));
        }
        finally
        {
            _ = LibC.close(leaky);
        }
    }

    [Fact]
    public void The_child_is_reaped_so_no_zombie_is_left()
    {
        PluginOutput run = Execute(Script("pid", "echo $$"));
        int pid = int.Parse(Encoding.UTF8.GetString(run.Stdout.Span).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still there (a zombie: {(File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : "")})");
    }

    [Fact]
    public void Runs_from_many_threads_at_once_keep_their_outputs_apart()
    {
        string path = Script("echo-env", "cat; echo \" $TAG\"; echo \"err $TAG\" >&2");
        PluginOutput[] runs = new PluginOutput[16];
        Parallel.For(0, runs.Length, i => runs[i] = Execute(
            path,
            new Dictionary<string, string> { ["TAG"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Encoding.UTF8.GetBytes("in" + i)));
        for (int i = 0; i < runs.Length; i++)
        {
            Assert.Equal($"in{i} {i}\n", Encoding.UTF8.GetString(runs[i].Stdout.Span));
            Assert.Equal($"err {i}\n", runs[i].Stderr);
        }
    }
}
