using Cni.Spec;

namespace Cni.Skel;

/// <summary>Everything the dispatcher learned about one invocation; requests are views of it.</summary>
internal sealed class InvocationState
{
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    public required TextWriter Log { get; init; }
    public required CniCommand Command { get; init; }
    public required IPluginExecutor Executor { get; init; }
    public NetworkConfig? Config { get; set; }
    public ReadOnlyMemory<byte> Stdin { get; set; }
    public string? ContainerId { get; set; }
    public string? NetNs { get; set; }
    public string? IfName { get; set; }
    public CniArgs Args { get; set; } = CniArgs.Empty;
    public IReadOnlyList<string> PluginPaths { get; set; } = [];
    public CniResult? PrevResult { get; set; }

    public string? Get(string name) => Environment.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;
}
