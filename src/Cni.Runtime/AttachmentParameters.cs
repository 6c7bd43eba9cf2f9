using System.Text.Json;

namespace Cni.Runtime;

/// <summary>
/// The attachment parameters of one ADD, CHECK or DEL (the specification's term; libcni's
/// <c>RuntimeConf</c>): which container, which namespace, which interface, and the arguments the
/// runtime passes to the plugins.
/// </summary>
/// <remarks>
/// The container ID, namespace and interface name become <c>CNI_CONTAINERID</c>, <c>CNI_NETNS</c>
/// and <c>CNI_IFNAME</c>; <see cref="Args"/> becomes <c>CNI_ARGS</c>; <see cref="CapabilityArgs"/>
/// fill each plugin's <c>runtimeConfig</c>, but only with the capabilities that plugin declares in
/// its <c>capabilities</c> map.
/// </remarks>
public sealed class AttachmentParameters
{
    /// <summary>The container ID (<c>CNI_CONTAINERID</c>): <c>^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$</c>.</summary>
    public required string ContainerId { get; init; }

    /// <summary>The path of the container's network namespace (<c>CNI_NETNS</c>); may be <see langword="null"/> for DEL when the namespace is gone.</summary>
    public string? NetNs { get; init; }

    /// <summary>The interface name inside the container (<c>CNI_IFNAME</c>), for example <c>eth0</c>.</summary>
    public required string IfName { get; init; }

    /// <summary>Generic arguments, in order (<c>CNI_ARGS</c>, written <c>K1=V1;K2=V2</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Args { get; init; } = [];

    /// <summary>
    /// Capability arguments by capability name (for example <c>portMappings</c>, <c>ips</c>, <c>mac</c>):
    /// each becomes <c>runtimeConfig.&lt;name&gt;</c> for the plugins whose <c>capabilities</c> map has that name set to true.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> CapabilityArgs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>
    /// The W3C trace context parent (<c>TRACEPARENT</c>) to pass to the plugins; when <see langword="null"/>,
    /// the current <see cref="System.Diagnostics.Activity"/>'s, if it has a W3C identifier.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C trace state (<c>TRACESTATE</c>) to pass with <see cref="TraceParent"/>; when <see langword="null"/>, the current activity's.</summary>
    public string? TraceState { get; init; }
}
