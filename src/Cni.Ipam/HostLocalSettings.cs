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

/// <summary>The <c>ipam</c> object as host-local defines it.</summary>
internal sealed class HostLocalIpamSettings
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Range sets: each inner array is one pool, yielding one address per attachment.</summary>
    [JsonPropertyName("ranges")]
    public List<List<IpRangeConfig>>? Ranges { get; set; }

    /// <summary>Deprecated single range at the top of <c>ipam</c>; a range set of its own when <c>subnet</c> is set.</summary>
    [JsonPropertyName("subnet")]
    public string? Subnet { get; set; }

    [JsonPropertyName("rangeStart")]
    public string? RangeStart { get; set; }

    [JsonPropertyName("rangeEnd")]
    public string? RangeEnd { get; set; }

    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }

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
internal sealed partial class HostLocalJsonContext : JsonSerializerContext;
