using System.ComponentModel;
using System.Text;
using Cni.Spec;
using Tmds.Linux;

namespace Cni.Skel;

/// <summary>
/// The default <see cref="IPluginExecutor"/>: finds executables on <c>CNI_PATH</c> and runs them as
/// child processes with exactly the given environment, as a runtime runs plugins.
/// </summary>
/// <remarks>
/// <para>
/// The child is started from the calling thread with <c>posix_spawn</c>, so it is born in that thread's
/// network namespace; its stdin is written and its stdout and stderr read on that thread, and its exit
/// is reaped with <c>waitpid</c> (no helper thread, no <c>System.Diagnostics.Process</c>). It holds only
/// descriptors 0, 1 and 2 of ours. <see cref="Start"/> returns once the child is spawned and its stdin
/// written, and does the rest when the run is waited for, so the caller works while the child runs.
/// A binary that is still open for writing (an upgrade in progress) cannot be executed (<c>ETXTBSY</c>):
/// the executor waits a second and tries again, up to five attempts, as the reference does.
/// </para>
/// <para>
/// <see cref="Instance"/> waits as long as the plugin runs, as the reference does. An executor made with a
/// <see cref="Timeout"/> kills a plugin that has not finished in time with <c>SIGKILL</c>, reaps it, and fails the
/// call with code 11 (try again later), naming the plugin and the limit; a cancelled call kills it too.
/// </para>
/// </remarks>
public sealed class ProcessPluginExecutor : IPluginExecutor
{
    private const int Attempts = 5;

    /// <summary>Creates an executor that gives every run at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The limit of one run, start to exit (a busy-binary retry starts it again); <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is zero or negative (and not infinite).</exception>
    public ProcessPluginExecutor(TimeSpan timeout)
    {
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the timeout must be positive, or infinite");
        }

        Timeout = timeout;
    }

    /// <summary>The executor without a time limit; it holds no state.</summary>
    public static ProcessPluginExecutor Instance { get; } = new(System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>The limit of one run; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> when there is none.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Finds the first executable regular file named <paramref name="type"/> in the directories.</summary>
    /// <param name="type">The plugin's executable name; never a path.</param>
    /// <param name="paths">The directories, in order.</param>
    /// <returns>The file's full path.</returns>
    /// <exception cref="CniException">The type is a path (code 7), or no directory has it (code 999).</exception>
    public string Find(string type, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ConfigRules.ValidateType(type);
        foreach (string dir in paths)
        {
            string candidate = Path.Combine(dir, type);
            var info = new FileInfo(candidate);
            if (info.Exists && (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        throw new CniException(
            CniErrorCode.Internal,
            $"failed to find plugin \"{type}\" in path [{string.Join(" ", paths)}]",
            paths.Count == 0 ? "CNI_PATH is empty" : null);
    }

    /// <summary>Runs the executable and waits for it, feeding stdin and capturing stdout and stderr.</summary>
    /// <param name="path">The executable.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="stdin">Its standard input.</param>
    /// <param name="log">Where a retry on a busy binary is reported.</param>
    /// <returns>The exit code and the captured output.</returns>
    /// <exception cref="CniException">The executable could not be started (code 999), or did not finish within <see cref="Timeout"/> and was killed (code 11).</exception>
    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log) =>
        Execute(path, environment, stdin, log, CancellationToken.None);

    /// <summary>Runs the executable and waits for it until it exits, <see cref="Timeout"/> passes or the token is cancelled.</summary>
    /// <param name="path">The executable.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="stdin">Its standard input.</param>
    /// <param name="log">Where a retry on a busy binary is reported.</param>
    /// <param name="cancellationToken">Cancels the run: the plugin is killed and reaped.</param>
    /// <returns>The exit code and the captured output.</returns>
    /// <exception cref="CniException">The executable could not be started (code 999), or did not finish within <see cref="Timeout"/> and was killed (code 11).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the plugin was killed.</exception>
    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log, CancellationToken cancellationToken)
    {
        using Run run = StartRun(path, environment, stdin, log, cancellationToken);
        return run.Wait();
    }

    /// <summary>
    /// Spawns the executable and returns at once, its stdin written (what the pipe takes now, the rest when it is
    /// waited for); <see cref="IPluginRun.Wait"/> reads its stdout and stderr and reaps it. <see cref="Timeout"/>
    /// counts from here. Disposed without a wait, the run still waits for the child to exit (at most until the
    /// timeout, when it is killed) and reaps it.
    /// </summary>
    /// <remarks>
    /// The child is spawned from the calling thread, so it is born in that thread's network namespace. Until it
    /// is waited for, a child that writes more than a pipe holds (64 KiB) pauses; it never deadlocks, since the
    /// wait drains both outputs while it writes the rest of stdin.
    /// </remarks>
    /// <param name="path">The executable.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="stdin">Its standard input; held, unchanged, until the run is waited for.</param>
    /// <param name="log">Where a retry on a busy binary is reported.</param>
    /// <returns>The running child.</returns>
    /// <exception cref="CniException">The executable could not be started (code 999); waiting for it fails with code 11 when it was killed at the timeout.</exception>
    public IPluginRun Start(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log) =>
        StartRun(path, environment, stdin, log, CancellationToken.None);

    private Run StartRun(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new Run(this, path, ChildProcess.Start(path, environment, stdin, null, Timeout, cancellationToken));
            }
            catch (Win32Exception e) when (e.NativeErrorCode == LibC.ETXTBSY && attempt < Attempts)
            {
                log.WriteLine($"plugin {path} is busy (text file busy), retrying in 1 s");
                if (cancellationToken.WaitHandle.WaitOne(1000))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (Exception e) when (e is Win32Exception or IOException)
            {
                throw StartFailure(path, e);
            }
        }
    }

    private static CniException StartFailure(string path, Exception e) =>
        new(CniErrorCode.Internal, $"failed to start plugin {path}: {e.Message}", null, e);

    /// <summary>A spawned child: the exchange and the reaping happen when it is waited for (or disposed).</summary>
    private sealed class Run(ProcessPluginExecutor owner, string path, ChildProcess.Running child) : IPluginRun
    {
        public PluginOutput Wait()
        {
            try
            {
                ChildProcess.Result run = child.Complete();
                return new PluginOutput(run.ExitCode, run.Stdout, Encoding.UTF8.GetString(run.Stderr));
            }
            catch (TimeoutException)
            {
                throw new CniException(
                    CniErrorCode.TryAgainLater,
                    $"plugin {path} did not finish within {owner.Timeout.TotalSeconds:0.###} s and was killed",
                    "the plugin may be stuck; the operation can be retried");
            }
            catch (Exception e) when (e is Win32Exception or IOException)
            {
                throw StartFailure(path, e);
            }
        }

        public void Dispose() => child.Dispose();
    }

    /// <summary>
    /// Runs a program that is not a plugin (a node tool a plugin needs) the same way a delegate is run:
    /// <c>posix_spawn</c>, the given arguments and environment only, stdin fed and stdout and stderr captured
    /// synchronously, the exit reaped directly. No shell is involved and no PATH search is made.
    /// </summary>
    /// <param name="path">The program's absolute path.</param>
    /// <param name="arguments">Its arguments (argv[1] on); argv[0] is <paramref name="path"/>.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="stdin">Its standard input.</param>
    /// <returns>The exit code (128 + the signal's number when a signal ended it) and the captured output.</returns>
    /// <exception cref="CniException">The program could not be started (code 999, naming it and the reason).</exception>
    public static PluginOutput RunProgram(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin) =>
        RunProgram(path, arguments, environment, stdin, System.Threading.Timeout.InfiniteTimeSpan, CancellationToken.None);

    /// <summary>
    /// Runs a program that is not a plugin as <see cref="RunProgram(string, IReadOnlyList{string}, IReadOnlyDictionary{string, string}, ReadOnlyMemory{byte})"/>
    /// does, killing it with <c>SIGKILL</c> (and reaping it) when it has not exited within <paramref name="timeout"/>
    /// or the token is cancelled.
    /// </summary>
    /// <param name="path">The program's absolute path.</param>
    /// <param name="arguments">Its arguments (argv[1] on); argv[0] is <paramref name="path"/>.</param>
    /// <param name="environment">Its whole environment.</param>
    /// <param name="stdin">Its standard input.</param>
    /// <param name="timeout">The limit, start to exit; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">Cancels the run: the program is killed and reaped.</param>
    /// <returns>The exit code (128 + the signal's number when a signal ended it) and the captured output.</returns>
    /// <exception cref="CniException">The program could not be started (code 999), or was killed at the timeout (code 11), naming it.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the program was killed.</exception>
    public static PluginOutput RunProgram(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        try
        {
            ChildProcess.Result run = ChildProcess.Run(path, environment, stdin, arguments, timeout, cancellationToken);
            return new PluginOutput(run.ExitCode, run.Stdout, Encoding.UTF8.GetString(run.Stderr));
        }
        catch (TimeoutException)
        {
            throw new CniException(CniErrorCode.TryAgainLater, $"{path} did not finish within {timeout.TotalSeconds:0.###} s and was killed");
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to start {path}: {e.Message}", null, e);
        }
    }
}
