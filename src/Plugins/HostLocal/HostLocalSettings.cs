using System.Text.Json.Serialization;
using Cni.Spec;

namespace Cni.Plugins.HostLocal;

/// <summary>The keys host-local reads from the network configuration besides the well-known ones.</summary>
internal sealed class HostLocalNetConf
{
    [JsonPropertyName("ipam")]
    public IpamSettings? Ipam { get; set; }
}

/// <summary>The <c>ipam</c> object as host-local defines it.</summary>
internal sealed class IpamSettings
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Range sets: each inner array is one pool, yielding one address per attachment.</summary>
    [JsonPropertyName("ranges")]
    public List<List<IpRangeConfig>>? Ranges { get; set; }

    /// <summary>Deprecated single range at the top of <c>ipam</c>; prepended as range set 0 when <c>subnet</c> is set.</summary>
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
