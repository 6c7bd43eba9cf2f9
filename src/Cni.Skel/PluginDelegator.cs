using System.Text;
using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// Runs other plugins on behalf of a request, as the specification's delegation section describes:
/// found by <c>type</c> on CNI_PATH, given the caller's environment with CNI_COMMAND set for the
/// call, the configuration on stdin, and their stderr passed through.
/// </summary>
/// <remarks>
/// <para>
/// A main plugin calls its IPAM plugin in one line (<c>request.Delegate.Add(config.Ipam.Type)</c>);
/// a meta plugin passes a configuration it built. An error object printed by the delegate is raised
/// again as a <see cref="CniException"/> with the delegate's code. How the delegate is found and run
/// is the invocation's <see cref="IPluginExecutor"/> (<see cref="CniInvocation.Executor"/>): child
/// processes by default, a fake or in-process plugins in tests.
/// </para>
/// <para>
/// <see cref="StartAdd"/>, <see cref="StartDelete"/> and <see cref="StartCheck"/> start a delegate and return
/// while it runs, so a plugin does its own kernel work at the same time (a bridge tearing its veth down while
/// host-local frees the lease); the <see cref="PendingDelegation"/> gives the outcome when it is waited for.
/// </para>
/// </remarks>
public sealed class PluginDelegator
{
    private readonly InvocationState _state;

    internal PluginDelegator(InvocationState state) => _state = state;

    /// <summary>The invocation's stderr, where a delegation nobody waited for reports its failure.</summary>
    internal TextWriter Log => _state.Log;

    /// <summary>Delegates ADD and returns the delegate's result, read in the configuration's version.</summary>
    /// <param name="type">The plugin to run (an executable name on CNI_PATH).</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <returns>The delegate's result.</returns>
    /// <exception cref="CniException">The plugin is missing or failed; the delegate's own code is kept.</exception>
    public CniResult Add(string type, ReadOnlyMemory<byte>? config = null)
    {
        ReadOnlyMemory<byte> stdin = config ?? _state.Stdin;
        return ReadAddResult(type, stdin, Execute(type, CniCommand.Add, stdin));
    }

    /// <summary>
    /// Starts delegating ADD and returns while the delegate runs, so the caller can do its own work meanwhile;
    /// <see cref="PendingDelegation.Result"/> waits for it and gives what <see cref="Add"/> would have returned.
    /// </summary>
    /// <remarks>
    /// Only for a delegate that does not need what the caller is about to do: an IPAM plugin that needs the
    /// container's interface to exist (<c>dhcp</c>) must be called with <see cref="Add"/> after the interface is made.
    /// Dispose of the pending delegation in every case (<c>using</c>): see <see cref="PendingDelegation"/>.
    /// </remarks>
    /// <param name="type">The plugin to run (an executable name on CNI_PATH).</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <returns>The running delegation.</returns>
    /// <exception cref="CniException">The plugin is missing or could not be started; its own failure is raised by the wait.</exception>
    public PendingDelegation StartAdd(string type, ReadOnlyMemory<byte>? config = null) => Start(type, CniCommand.Add, config ?? _state.Stdin);

    /// <summary>
    /// Starts delegating DEL and returns while the delegate runs; <see cref="PendingDelegation.Wait"/> waits for it
    /// and fails as <see cref="Delete"/> would have.
    /// </summary>
    /// <remarks>Dispose of the pending delegation in every case (<c>using</c>): see <see cref="PendingDelegation"/>.</remarks>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <returns>The running delegation.</returns>
    /// <exception cref="CniException">The plugin is missing or could not be started; its own failure is raised by the wait.</exception>
    public PendingDelegation StartDelete(string type, ReadOnlyMemory<byte>? config = null) => Start(type, CniCommand.Del, config ?? _state.Stdin);

    /// <summary>
    /// Starts delegating CHECK and returns while the delegate runs; <see cref="PendingDelegation.Wait"/> waits for it
    /// and fails as <see cref="Check"/> would have.
    /// </summary>
    /// <remarks>Dispose of the pending delegation in every case (<c>using</c>): see <see cref="PendingDelegation"/>.</remarks>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <returns>The running delegation.</returns>
    /// <exception cref="CniException">The plugin is missing or could not be started; its own failure is raised by the wait.</exception>
    public PendingDelegation StartCheck(string type, ReadOnlyMemory<byte>? config = null) => Start(type, CniCommand.Check, config ?? _state.Stdin);

    /// <summary>Delegates DEL.</summary>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <exception cref="CniException">The plugin is missing or failed.</exception>
    public void Delete(string type, ReadOnlyMemory<byte>? config = null) => Execute(type, CniCommand.Del, config ?? _state.Stdin);

    /// <summary>Delegates CHECK.</summary>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <exception cref="CniException">The plugin is missing or failed.</exception>
    public void Check(string type, ReadOnlyMemory<byte>? config = null) => Execute(type, CniCommand.Check, config ?? _state.Stdin);

    /// <summary>Delegates STATUS.</summary>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <exception cref="CniException">The plugin is missing or reported itself unavailable.</exception>
    public void Status(string type, ReadOnlyMemory<byte>? config = null) => Execute(type, CniCommand.Status, config ?? _state.Stdin);

    /// <summary>Delegates GC.</summary>
    /// <param name="type">The plugin to run.</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <exception cref="CniException">The plugin is missing or failed.</exception>
    public void GarbageCollect(string type, ReadOnlyMemory<byte>? config = null) => Execute(type, CniCommand.GC, config ?? _state.Stdin);

    /// <summary>Finds a plugin on the request's CNI_PATH, through the invocation's <see cref="IPluginExecutor"/>.</summary>
    /// <param name="type">The plugin's executable name.</param>
    /// <returns>Where the plugin is: for the default executor, the full path of the first executable file of that name.</returns>
    /// <exception cref="CniException">The type is a path (code 7), or no directory has it (code 999).</exception>
    public string Find(string type)
    {
        ConfigRules.ValidateType(type);
        return _state.Executor.Find(type, _state.PluginPaths);
    }

    /// <summary>Finds a plugin in a list of directories: the first executable regular file named <paramref name="type"/>.</summary>
    /// <param name="type">The plugin's executable name; never a path.</param>
    /// <param name="paths">The directories, in order.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="CniException">The type is a path (code 7), or no directory has it (code 999).</exception>
    public static string FindInPath(string type, IReadOnlyList<string> paths) => ProcessPluginExecutor.Instance.Find(type, paths);

    private static CniVersion ConfigVersion(ReadOnlyMemory<byte> config)
    {
        try
        {
            return NetworkConfig.Parse(config.Span).CniVersion;
        }
        catch (CniException)
        {
            return CniVersion.V0_1_0;
        }
    }

    /// <summary>The delegate's ADD output read as a result in the version of the configuration sent.</summary>
    internal static CniResult ReadAddResult(string type, ReadOnlyMemory<byte> stdin, byte[] output)
    {
        CniVersion configVersion = ConfigVersion(stdin);
        if (output.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new CniException(CniErrorCode.Internal, $"plugin \"{type}\" succeeded on ADD but printed no result");
        }

        return CniResult.Parse(output, configVersion);
    }

    private Dictionary<string, string> EnvironmentFor(CniCommand command) =>
        new(_state.Environment, StringComparer.Ordinal)
        {
            ["CNI_COMMAND"] = DispatchTables.Name(command),
        };

    private byte[] Execute(string type, CniCommand command, ReadOnlyMemory<byte> stdin)
    {
        string path = Find(type);
        return Complete(type, command, _state.Executor.Execute(path, EnvironmentFor(command), stdin, _state.Log));
    }

    private PendingDelegation Start(string type, CniCommand command, ReadOnlyMemory<byte> stdin)
    {
        string path = Find(type);
        IPluginRun run = _state.Executor.Start(path, EnvironmentFor(command), stdin, _state.Log);
        return new PendingDelegation(this, type, command, stdin, run);
    }

    /// <summary>Passes the delegate's stderr on, and returns its stdout on success or raises its error as ours.</summary>
    internal byte[] Complete(string type, CniCommand command, PluginOutput run)
    {
        if (run.Stderr.Length > 0)
        {
            _state.Log.Write(run.Stderr);
        }

        byte[] output = run.Stdout.ToArray();
        if (run.ExitCode == 0)
        {
            return output;
        }

        string verb = DispatchTables.Name(command);
        if (output.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            string tail = run.Stderr.Trim();
            throw new CniException(
                CniErrorCode.Internal,
                tail.Length == 0
                    ? $"plugin \"{type}\" failed on {verb} with exit code {run.ExitCode} and printed no error message"
                    : $"plugin \"{type}\" failed on {verb} with exit code {run.ExitCode}: {Tail(tail)}");
        }

        CniError error;
        try
        {
            error = CniError.Parse(output);
        }
        catch (CniException)
        {
            throw new CniException(
                CniErrorCode.Internal,
                $"plugin \"{type}\" failed on {verb} with exit code {run.ExitCode} and printed something that is not an error object: {Tail(Encoding.UTF8.GetString(output).Trim())}");
        }

        throw error.ToException();
    }

    private static string Tail(string text) => text.Length <= 500 ? text : "..." + text[^500..];
}
