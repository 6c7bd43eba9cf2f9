using Cni.Skel;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>
/// A delegation executor that runs delegates as <see cref="ICniPlugin"/> objects in this process, by type,
/// through the real dispatcher with the environment and stdin the delegator built. A delegate runs on the
/// calling thread (so in its network namespace, as a child process would be) and delegates in turn through
/// this executor.
/// </summary>
/// <remarks>
/// For tests only: running a delegate in the caller's process gives up what the process boundary gives a
/// plugin (its own environment, crash isolation, its own exit); tests want to step into the delegate and
/// need no published binary.
/// </remarks>
public sealed class InProcessPluginExecutor : IPluginExecutor
{
    private const string Prefix = "in-process:";
    private readonly IReadOnlyDictionary<string, ICniPlugin> _plugins;
    private readonly Lock _lock = new();
    private readonly List<(string Type, string Command)> _calls = [];

    /// <summary>Creates the executor over plugins by type name.</summary>
    /// <param name="plugins">The delegates, keyed by the <c>type</c> a configuration names.</param>
    public InProcessPluginExecutor(IReadOnlyDictionary<string, ICniPlugin> plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        _plugins = plugins;
    }

    /// <summary>Every call, in order: the plugin type and its CNI_COMMAND.</summary>
    public IReadOnlyList<(string Type, string Command)> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <inheritdoc/>
    public string Find(string type, IReadOnlyList<string> paths) =>
        _plugins.ContainsKey(type)
            ? Prefix + type
            : throw new CniException(CniErrorCode.Internal, $"failed to find plugin \"{type}\" among the in-process plugins [{string.Join(" ", _plugins.Keys)}]");

    /// <inheritdoc/>
    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);
        string type = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : throw new ArgumentException($"{path} was not found by this executor", nameof(path));
        lock (_lock)
        {
            _calls.Add((type, environment.TryGetValue("CNI_COMMAND", out string? command) ? command : ""));
        }

        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = CniPlugin.Run(_plugins[type], new CniInvocation(environment, new MemoryStream(stdin.ToArray()), stdout, stderr, this));
        return new PluginOutput(exit, stdout.ToArray(), stderr.ToString());
    }
}
