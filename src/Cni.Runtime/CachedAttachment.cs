using System.Text.Json;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// One entry of the result cache: what an ADD attached (network, container, interface), with what
/// (the list's bytes, namespace, arguments) and the result it got. The same fields as libcni's
/// <c>cniCacheV1</c> entries.
/// </summary>
public sealed class CachedAttachment
{
    /// <summary>The network's name (<c>networkName</c>).</summary>
    public required string NetworkName { get; init; }

    /// <summary>The container ID (<c>containerId</c>).</summary>
    public required string ContainerId { get; init; }

    /// <summary>The interface name (<c>ifName</c>).</summary>
    public required string IfName { get; init; }

    /// <summary>The configuration list's bytes (<c>config</c>, base64 in the file).</summary>
    public ReadOnlyMemory<byte> Config { get; init; }

    /// <summary>The namespace path (<c>netns</c>), if any.</summary>
    public string? NetNs { get; init; }

    /// <summary>The generic arguments (<c>cniArgs</c>, pairs), if any.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? CniArgs { get; init; }

    /// <summary>The capability arguments (<c>capabilityArgs</c>), if any.</summary>
    public IReadOnlyDictionary<string, JsonElement>? CapabilityArgs { get; init; }

    /// <summary>The ADD result (<c>result</c>), in the version it was written in; <see langword="null"/> when absent.</summary>
    public CniResult? Result { get; init; }
}
