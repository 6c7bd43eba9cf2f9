using Cni.Spec;

namespace Cni.Skel;

/// <summary>What every verb receives: the configuration, the environment and the means to log and delegate.</summary>
public abstract class CniRequest
{
    private protected CniRequest(InvocationState state)
    {
        Config = state.Config!;
        StdinData = state.Stdin;
        PluginPaths = state.PluginPaths;
        Args = state.Args;
        Environment = state.Environment;
        Log = state.Log;
        Delegate = new PluginDelegator(state);
    }

    /// <summary>The network configuration from stdin, validated.</summary>
    public NetworkConfig Config { get; }

    /// <summary>The configuration's version, which the plugin supports (checked before the call).</summary>
    public CniVersion Version => Config.CniVersion;

    /// <summary>The raw configuration bytes from stdin, for forwarding unchanged.</summary>
    public ReadOnlyMemory<byte> StdinData { get; }

    /// <summary>The directories of <c>CNI_PATH</c>, in order.</summary>
    public IReadOnlyList<string> PluginPaths { get; }

    /// <summary>The parsed <c>CNI_ARGS</c>.</summary>
    public CniArgs Args { get; }

    /// <summary>The environment the plugin was run with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Where to log: the plugin's stderr.</summary>
    public TextWriter Log { get; }

    /// <summary>Runs other plugins (an IPAM plugin, a delegate) with this request's environment.</summary>
    public PluginDelegator Delegate { get; }
}

/// <summary>A request about one attachment: a container and an interface.</summary>
public abstract class AttachmentRequest : CniRequest
{
    private protected AttachmentRequest(InvocationState state)
        : base(state)
    {
        ContainerId = state.ContainerId!;
        IfName = state.IfName!;
        PrevResult = state.PrevResult;
    }

    /// <summary>The container ID (<c>CNI_CONTAINERID</c>).</summary>
    public string ContainerId { get; }

    /// <summary>The interface name inside the container (<c>CNI_IFNAME</c>).</summary>
    public string IfName { get; }

    /// <summary>The previous result in the chain (<c>prevResult</c>), read in the configuration's version; <see langword="null"/> when absent.</summary>
    public CniResult? PrevResult { get; }
}

/// <summary>ADD (spec 0.1.0).</summary>
public sealed class AddRequest : AttachmentRequest
{
    internal AddRequest(InvocationState state)
        : base(state) => NetNs = state.NetNs!;

    /// <summary>The container's network namespace path (<c>CNI_NETNS</c>); never empty.</summary>
    public string NetNs { get; }
}

/// <summary>DEL (spec 0.1.0).</summary>
public sealed class DeleteRequest : AttachmentRequest
{
    internal DeleteRequest(InvocationState state)
        : base(state) => NetNs = string.IsNullOrEmpty(state.NetNs) ? null : state.NetNs;

    /// <summary>The container's network namespace path, or <see langword="null"/> when the runtime gave none (it may be gone).</summary>
    public string? NetNs { get; }
}

/// <summary>CHECK (spec 0.4.0).</summary>
public sealed class CheckRequest : AttachmentRequest
{
    internal CheckRequest(InvocationState state)
        : base(state) => NetNs = state.NetNs!;

    /// <summary>The container's network namespace path (<c>CNI_NETNS</c>); never empty.</summary>
    public string NetNs { get; }

    /// <summary>The previous result, which CHECK requires.</summary>
    /// <returns>The previous result.</returns>
    /// <exception cref="CniException">It is absent (code 7).</exception>
    public CniResult RequirePrevResult() =>
        PrevResult ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, "required prevResult missing: CHECK needs the result of ADD in \"prevResult\"");
}

/// <summary>STATUS (spec 1.1.0).</summary>
public sealed class StatusRequest : CniRequest
{
    internal StatusRequest(InvocationState state)
        : base(state)
    {
    }
}

/// <summary>GC (spec 1.1.0).</summary>
public sealed class GcRequest : CniRequest
{
    internal GcRequest(InvocationState state)
        : base(state) => ValidAttachments = state.Config!.ValidAttachments ?? [];

    /// <summary>
    /// The attachments still in use, from <c>cni.dev/valid-attachments</c> (or the older
    /// <c>cni.dev/attachments</c>). Empty (the key is <c>[]</c> or <c>null</c>) means none is valid:
    /// everything may be released. A configuration with neither key never reaches the plugin: the
    /// dispatcher answers it with success and releases nothing.
    /// </summary>
    public IReadOnlyList<Attachment> ValidAttachments { get; }
}
