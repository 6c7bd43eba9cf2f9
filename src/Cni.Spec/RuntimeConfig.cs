using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// Capability arguments the runtime passes in <c>runtimeConfig</c>: the well-known capabilities of
/// the CNI conventions typed, any other kept in <see cref="ExtensionData"/>.
/// </summary>
public sealed class RuntimeConfig
{
    /// <summary>Port forwards from the host to the container (<c>portMappings</c>; portmap).</summary>
    [JsonPropertyName("portMappings")]
    public List<PortMapping>? PortMappings { get; set; }

    /// <summary>Dynamic IP ranges, the same shape as host-local's <c>ranges</c> (<c>ipRanges</c>).</summary>
    [JsonPropertyName("ipRanges")]
    public List<List<IpRangeConfig>>? IpRanges { get; set; }

    /// <summary>Traffic shaping limits (<c>bandwidth</c>).</summary>
    [JsonPropertyName("bandwidth")]
    public BandwidthConfig? Bandwidth { get; set; }

    /// <summary>DNS settings from the runtime (<c>dns</c>).</summary>
    [JsonPropertyName("dns")]
    public RuntimeDnsConfig? Dns { get; set; }

    /// <summary>Static addresses requested for the container, <c>ip[/prefix]</c> (<c>ips</c>).</summary>
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>A MAC address for the container interface (<c>mac</c>).</summary>
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    /// <summary>An InfiniBand GUID (<c>infinibandGUID</c>).</summary>
    [JsonPropertyName("infinibandGUID")]
    public string? InfinibandGuid { get; set; }

    /// <summary>A device identifier such as a PCI address (<c>deviceID</c>).</summary>
    [JsonPropertyName("deviceID")]
    public string? DeviceId { get; set; }

    /// <summary>Network aliases for the container (<c>aliases</c>).</summary>
    [JsonPropertyName("aliases")]
    public List<string>? Aliases { get; set; }

    /// <summary>The container's cgroup path (<c>cgroupPath</c>).</summary>
    [JsonPropertyName("cgroupPath")]
    public string? CgroupPath { get; set; }

    /// <summary>Other capabilities, kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One port forward (<c>runtimeConfig.portMappings[]</c>).</summary>
public sealed class PortMapping
{
    /// <summary>The port on the host (<c>hostPort</c>).</summary>
    [JsonPropertyName("hostPort")]
    public int HostPort { get; set; }

    /// <summary>The port in the container (<c>containerPort</c>).</summary>
    [JsonPropertyName("containerPort")]
    public int ContainerPort { get; set; }

    /// <summary>The protocol: <c>tcp</c>, <c>udp</c> or <c>sctp</c> (<c>protocol</c>).</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    /// <summary>The host address to bind, if any (<c>hostIP</c>).</summary>
    [JsonPropertyName("hostIP")]
    public string? HostIp { get; set; }
}

/// <summary>One address range (<c>ipRanges[][]</c>, and host-local's <c>ranges[][]</c>).</summary>
public sealed class IpRangeConfig
{
    /// <summary>The subnet, in CIDR notation (<c>subnet</c>).</summary>
    [JsonPropertyName("subnet")]
    public string? Subnet { get; set; }

    /// <summary>The first address to hand out (<c>rangeStart</c>).</summary>
    [JsonPropertyName("rangeStart")]
    public string? RangeStart { get; set; }

    /// <summary>The last address to hand out (<c>rangeEnd</c>).</summary>
    [JsonPropertyName("rangeEnd")]
    public string? RangeEnd { get; set; }

    /// <summary>The gateway (<c>gateway</c>).</summary>
    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

/// <summary>Traffic shaping limits (<c>runtimeConfig.bandwidth</c>), in bits per second and bits.</summary>
public sealed class BandwidthConfig
{
    /// <summary>Ingress rate (<c>ingressRate</c>).</summary>
    [JsonPropertyName("ingressRate")]
    public long? IngressRate { get; set; }

    /// <summary>Ingress burst (<c>ingressBurst</c>).</summary>
    [JsonPropertyName("ingressBurst")]
    public long? IngressBurst { get; set; }

    /// <summary>Egress rate (<c>egressRate</c>).</summary>
    [JsonPropertyName("egressRate")]
    public long? EgressRate { get; set; }

    /// <summary>Egress burst (<c>egressBurst</c>).</summary>
    [JsonPropertyName("egressBurst")]
    public long? EgressBurst { get; set; }
}

/// <summary>DNS settings from the runtime (<c>runtimeConfig.dns</c>).</summary>
public sealed class RuntimeDnsConfig
{
    /// <summary>Name servers (<c>servers</c>).</summary>
    [JsonPropertyName("servers")]
    public List<string>? Servers { get; set; }

    /// <summary>Search domains (<c>searches</c>).</summary>
    [JsonPropertyName("searches")]
    public List<string>? Searches { get; set; }

    /// <summary>Resolver options (<c>options</c>).</summary>
    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }
}

/// <summary>The <c>args</c> key of a configuration: conventions live under <c>args.cni</c>.</summary>
public sealed class ConfigArgs
{
    /// <summary>The CNI conventions' arguments (<c>args.cni</c>).</summary>
    [JsonPropertyName("cni")]
    public CniConventionArgs? Cni { get; set; }

    /// <summary>Other arguments, kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The conventional arguments under <c>args.cni</c>.</summary>
public sealed class CniConventionArgs
{
    /// <summary>Requested addresses, <c>ip[/prefix]</c> (<c>ips</c>).</summary>
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>Labels for the attachment (<c>labels</c>).</summary>
    [JsonPropertyName("labels")]
    public List<Label>? Labels { get; set; }

    /// <summary>Other arguments, for example the bridge plugin's <c>mac</c>.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A key/value label (<c>args.cni.labels[]</c>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record Label(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string Value);
