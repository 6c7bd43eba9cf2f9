using Cni.Skel;
using Cni.Spec;

namespace Cni.Tests;

/// <summary>
/// Runs delegates as <see cref="ICniPlugin"/> objects in this process, by type name, through the real
/// dispatcher (<see cref="CniPlugin.Run(ICniPlugin, CniInvocation)"/>) with the environment and stdin
/// the delegator built. The delegate runs on the calling thread, so in the calling thread's network
/// namespace, as a child process would be; it delegates in turn through this executor.
/// </summary>
/// <remarks>
/// A test helper, not a Cni.Skel feature: running a delegate in the caller's process gives up what the
/// process boundary guarantees a plugin (its own environment, crash isolation, its own exit), so only
/// tests, which want to step into the delegate and need no published binary, should do it.
/// </remarks>
internal sealed class InProcessPluginExecutor(IReadOnlyDictionary<string, ICniPlugin> plugins) : IPluginExecutor
{
    private const string Prefix = "in-process:";
    private readonly Lock _lock = new();

    /// <summary>Every call, in order: the plugin type and its CNI_COMMAND.</summary>
    public List<(string Type, string Command)> Calls { get; } = [];

    public string Find(string type, IReadOnlyList<string> paths) =>
        plugins.ContainsKey(type)
            ? Prefix + type
            : throw new CniException(CniErrorCode.Internal, $"failed to find plugin \"{type}\" among the in-process plugins [{string.Join(" ", plugins.Keys)}]");

    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        string type = path[Prefix.Length..];
        lock (_lock)
        {
            Calls.Add((type, environment["CNI_COMMAND"]));
        }

        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = CniPlugin.Run(plugins[type], new CniInvocation(environment, new MemoryStream(stdin.ToArray()), stdout, stderr, this));
        return new PluginOutput(exit, stdout.ToArray(), stderr.ToString());
    }
}
