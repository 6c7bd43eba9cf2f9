using System.Text.Json.Serialization;
using Cni.Spec;

namespace Cni.Ipam;

// The keys of host-local's configuration as written, before HostLocalConfig.Load checks them. Ranges are
// Cni.Spec's IpRangeConfig, the type runtimeConfig.ipRanges uses too; addresses stay text here so that each
// bad value fails with the reference's message rather than a decoder's.

/// <summary>The configuration's <c>ipam</c> key, the only one host-local reads beside the well-known ones.</summary>
internal sealed class HostLocalNetConf
{
    [JsonPropertyName("ipam")]
    public HostLocalIpamSettings? Ipam { get; set; }
}

/// <summary>
/// The deprecated single range written at the top of <c>ipam</c> (<c>subnet</c>, <c>rangeStart</c>, <c>rangeEnd</c>,
/// <c>gateway</c>): the <c>ipam</c> object read a second time, as the range it also is.
/// </summary>
internal sealed class HostLocalLegacyRange
{
    [JsonPropertyName("ipam")]
    public IpRangeConfig? Ipam { get; set; }
}

/// <summary>The <c>ipam</c> object as host-local defines it, less the legacy range (<see cref="HostLocalLegacyRange"/>).</summary>
internal sealed class HostLocalIpamSettings
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Range sets: each inner array is one pool, yielding one address per attachment.</summary>
    [JsonPropertyName("ranges")]
    public List<List<IpRangeConfig>>? Ranges { get; set; }

    [JsonPropertyName("routes")]
    public List<RouteSetting>? Routes { get; set; }

    [JsonPropertyName("dataDir")]
    public string? DataDir { get; set; }

    [JsonPropertyName("resolvConf")]
    public string? ResolvConf { get; set; }
}

/// <summary>One entry of <c>ipam.routes</c>, copied into the result as written.</summary>
internal sealed class RouteSetting
{
    [JsonPropertyName("dst")]
    public string? Dst { get; set; }

    [JsonPropertyName("gw")]
    public string? Gw { get; set; }

    [JsonPropertyName("mtu")]
    public int? Mtu { get; set; }

    [JsonPropertyName("advmss")]
    public int? AdvMss { get; set; }

    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    [JsonPropertyName("table")]
    public int? Table { get; set; }

    [JsonPropertyName("scope")]
    public int? Scope { get; set; }
}

[JsonSerializable(typeof(HostLocalNetConf))]
[JsonSerializable(typeof(HostLocalLegacyRange))]
internal sealed partial class HostLocalJsonContext : JsonSerializerContext;
