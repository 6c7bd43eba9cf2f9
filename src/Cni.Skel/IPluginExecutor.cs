namespace Cni.Skel;

/// <summary>
/// How <see cref="PluginDelegator"/> finds and runs a delegate plugin: the seam between delegation
/// (which environment and stdin to send, how to read what comes back) and the mechanics of running
/// a program.
/// </summary>
/// <remarks>
/// <para>
/// The default, <see cref="ProcessPluginExecutor"/>, runs executables found on <c>CNI_PATH</c> as child
/// processes, as a runtime does. Give another one to <see cref="CniInvocation"/> to test a main or meta
/// plugin's delegation: a fake that records what it was sent and returns a canned result or error, or
/// one that runs <see cref="ICniPlugin"/> objects in the same process.
/// </para>
/// <para>
/// An executor only runs things; it does not interpret them. The delegator checks the type before
/// <see cref="Find"/> (a type is never a path), and reads <see cref="PluginOutput"/>: a zero exit code
/// with the result on stdout, or a non-zero one with an error object, which is raised again as a
/// <see cref="Cni.Spec.CniException"/> with the delegate's code.
/// </para>
/// </remarks>
public interface IPluginExecutor
{
    /// <summary>Finds the plugin named <paramref name="type"/> in a list of directories.</summary>
    /// <param name="type">The plugin's name (the configuration's <c>type</c>); already checked not to be a path.</param>
    /// <param name="paths">The directories of <c>CNI_PATH</c>, in order.</param>
    /// <returns>What <see cref="Execute"/> is given as its path: for executables, the file's full path.</returns>
    /// <exception cref="Cni.Spec.CniException">No such plugin (code 999, naming the type and the directories).</exception>
    string Find(string type, IReadOnlyList<string> paths);

    /// <summary>Runs a plugin to completion and captures what it printed.</summary>
    /// <param name="path">What <see cref="Find"/> returned.</param>
    /// <param name="environment">The plugin's whole environment, <c>CNI_COMMAND</c> included.</param>
    /// <param name="stdin">The configuration to send on its stdin.</param>
    /// <param name="log">Where the executor reports what it does itself (a retry, for example): the caller's stderr.</param>
    /// <returns>The exit code, stdout and stderr of the run.</returns>
    /// <exception cref="Cni.Spec.CniException">The plugin could not be started.</exception>
    PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log);

    /// <summary>
    /// Starts a plugin and returns without waiting for it, so the caller can work while it runs
    /// (<see cref="PluginDelegator.StartAdd"/> and its siblings); <see cref="IPluginRun.Wait"/> gives what
    /// <see cref="Execute"/> would have returned.
    /// </summary>
    /// <remarks>
    /// The default runs nothing here: the plugin is run through <see cref="Execute"/> when the run is waited for
    /// (or disposed of without a wait), so an executor that does not override this sees its calls at the very
    /// point, and in the order, the synchronous calls made them: correct for every executor, concurrent for none.
    /// <see cref="ProcessPluginExecutor"/> spawns the
    /// child and returns; <see cref="MultiCallPluginExecutor"/> runs an in-process plugin on a thread of its own.
    /// An executor that overrides this must make the run's <see cref="IDisposable.Dispose"/> finish it (a child
    /// reaped, a thread joined) when nobody waited.
    /// </remarks>
    /// <param name="path">What <see cref="Find"/> returned.</param>
    /// <param name="environment">The plugin's whole environment, <c>CNI_COMMAND</c> included; not changed by the caller while it runs.</param>
    /// <param name="stdin">The configuration to send on its stdin; not changed by the caller while it runs.</param>
    /// <param name="log">Where the executor reports what it does itself: the caller's stderr.</param>
    /// <returns>The running plugin.</returns>
    /// <exception cref="Cni.Spec.CniException">The plugin could not be started.</exception>
    IPluginRun Start(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log) =>
        new DeferredPluginRun(() => Execute(path, environment, stdin, log));
}

/// <summary>A plugin started by <see cref="IPluginExecutor.Start"/>: wait for it once, and dispose of it in any case.</summary>
public interface IPluginRun : IDisposable
{
    /// <summary>Waits until the plugin has finished and returns what it did, as <see cref="IPluginExecutor.Execute"/> would have.</summary>
    /// <returns>The exit code, stdout and stderr of the run.</returns>
    /// <exception cref="Cni.Spec.CniException">The run failed as a run (it was killed at its time limit, for example).</exception>
    PluginOutput Wait();
}

/// <summary>A run made when it is waited for (or disposed of): <see cref="IPluginExecutor.Start"/>'s default.</summary>
internal sealed class DeferredPluginRun(Func<PluginOutput> run) : IPluginRun
{
    private PluginOutput? _output;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;
    private bool _ran;

    public PluginOutput Wait()
    {
        if (!_ran)
        {
            _ran = true;
            try
            {
                _output = run();
            }
            catch (Exception e)
            {
                _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }

        _failure?.Throw();
        return _output!;
    }

    /// <summary>Runs it if nobody waited (a started delegation always runs), dropping the outcome.</summary>
    public void Dispose()
    {
        if (!_ran)
        {
            try
            {
                _ = Wait();
            }
            catch (Exception)
            {
                // Nobody asked for the outcome; PendingDelegation reports a failure it waited for itself.
            }
        }
    }
}

/// <summary>What a delegate plugin did: its exit code and what it wrote on stdout and stderr.</summary>
public sealed class PluginOutput
{
    /// <summary>Creates the output of one run.</summary>
    /// <param name="exitCode">The exit code: 0 for success.</param>
    /// <param name="stdout">Standard output: the result on success, the error object on failure.</param>
    /// <param name="stderr">Standard error (logs); the delegator passes it on to its own stderr.</param>
    public PluginOutput(int exitCode, ReadOnlyMemory<byte> stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The exit code: 0 for success.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output: the result on success, the error object on failure.</summary>
    public ReadOnlyMemory<byte> Stdout { get; }

    /// <summary>Standard error.</summary>
    public string Stderr { get; }
}
