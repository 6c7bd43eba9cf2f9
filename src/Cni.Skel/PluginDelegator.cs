using System.Text;
using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// Runs other plugins on behalf of a request, as the specification's delegation section describes:
/// found by <c>type</c> on CNI_PATH, given the caller's environment with CNI_COMMAND set for the
/// call, the configuration on stdin, and their stderr passed through.
/// </summary>
/// <remarks>
/// A main plugin calls its IPAM plugin in one line (<c>request.Delegate.Add(config.Ipam.Type)</c>);
/// a meta plugin passes a configuration it built. An error object printed by the delegate is raised
/// again as a <see cref="CniException"/> with the delegate's code. How the delegate is found and run
/// is the invocation's <see cref="IPluginExecutor"/> (<see cref="CniInvocation.Executor"/>): child
/// processes by default, a fake or in-process plugins in tests.
/// </remarks>
public sealed class PluginDelegator
{
    private readonly InvocationState _state;

    internal PluginDelegator(InvocationState state) => _state = state;

    /// <summary>Delegates ADD and returns the delegate's result, read in the configuration's version.</summary>
    /// <param name="type">The plugin to run (an executable name on CNI_PATH).</param>
    /// <param name="config">The configuration to send; <see langword="null"/> sends the request's own stdin.</param>
    /// <returns>The delegate's result.</returns>
    /// <exception cref="CniException">The plugin is missing or failed; the delegate's own code is kept.</exception>
    public CniResult Add(string type, ReadOnlyMemory<byte>? config = null)
    {
        ReadOnlyMemory<byte> stdin = config ?? _state.Stdin;
        byte[] output = Execute(type, CniCommand.Add, stdin);
        CniVersion configVersion = ConfigVersion(stdin);
        if (output.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new CniException(CniErrorCode.Internal, $"plugin \"{type}\" succeeded on ADD but printed no result");
        }

        return CniResult.Parse(output, configVersion);
    }

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

    private byte[] Execute(string type, CniCommand command, ReadOnlyMemory<byte> stdin)
    {
        string path = Find(type);
        var environment = new Dictionary<string, string>(_state.Environment, StringComparer.Ordinal)
        {
            ["CNI_COMMAND"] = DispatchTables.Name(command),
        };
        PluginOutput run = _state.Executor.Execute(path, environment, stdin, _state.Log);
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
