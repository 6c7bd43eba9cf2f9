using System.Net;
using System.Text.Json.Serialization;

namespace Cni.Spec;

// The wire shapes of results, one set per version family. Property order is the order the
// reference plugins print; null members are omitted (empty strings are turned into null first).

/// <summary>0.1.0 / 0.2.0: <c>{cniVersion, ip4?, ip6?, dns}</c>.</summary>
internal sealed class WireResult020
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("ip4")] public WireIp020? Ip4 { get; set; }
    [JsonPropertyName("ip6")] public WireIp020? Ip6 { get; set; }
    [JsonPropertyName("dns")] public DnsConfig? Dns { get; set; }
}

internal sealed class WireIp020
{
    [JsonPropertyName("ip")] public IPCidr? Ip { get; set; }
    [JsonPropertyName("gateway")] public IPAddress? Gateway { get; set; }
    [JsonPropertyName("routes")] public List<WireRoute040>? Routes { get; set; }
}

/// <summary>0.3.0 / 0.3.1 / 0.4.0: <c>{cniVersion, interfaces?, ips?, routes?, dns}</c>.</summary>
internal sealed class WireResult040
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("interfaces")] public List<WireInterface>? Interfaces { get; set; }
    [JsonPropertyName("ips")] public List<WireIp040>? Ips { get; set; }
    [JsonPropertyName("routes")] public List<WireRoute040>? Routes { get; set; }
    [JsonPropertyName("dns")] public DnsConfig? Dns { get; set; }
}

/// <summary>An address of 0.3.x/0.4.0: the 1.x shape with <c>version</c> written first.</summary>
internal sealed class WireIp040 : WireIp100
{
    [JsonPropertyName("version"), JsonPropertyOrder(-1)] public string? Version { get; set; }
}

internal sealed class WireRoute040
{
    [JsonPropertyName("dst")] public IPCidr? Dst { get; set; }
    [JsonPropertyName("gw")] public IPAddress? Gw { get; set; }
}

/// <summary>1.0.0 / 1.1.0: <c>{cniVersion, interfaces?, ips?, routes?, dns}</c>.</summary>
internal sealed class WireResult100
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
    [JsonPropertyName("interfaces")] public List<WireInterface>? Interfaces { get; set; }
    [JsonPropertyName("ips")] public List<WireIp100>? Ips { get; set; }
    [JsonPropertyName("routes")] public List<WireRoute100>? Routes { get; set; }
    [JsonPropertyName("dns")] public DnsConfig? Dns { get; set; }
}

/// <summary>An interface; the 1.1.0 members stay null when writing older versions.</summary>
internal sealed class WireInterface
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("mac")] public string? Mac { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("sandbox")] public string? Sandbox { get; set; }
    [JsonPropertyName("socketPath")] public string? SocketPath { get; set; }
    [JsonPropertyName("pciID")] public string? PciId { get; set; }
}

internal class WireIp100
{
    [JsonPropertyName("interface")] public int? Interface { get; set; }
    [JsonPropertyName("address")] public IPCidr? Address { get; set; }
    [JsonPropertyName("gateway")] public IPAddress? Gateway { get; set; }
}

internal sealed class WireRoute100
{
    [JsonPropertyName("dst")] public IPCidr? Dst { get; set; }
    [JsonPropertyName("gw")] public IPAddress? Gw { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("advmss")] public int? AdvMss { get; set; }
    [JsonPropertyName("priority")] public int? Priority { get; set; }
    [JsonPropertyName("table")] public int? Table { get; set; }
    [JsonPropertyName("scope")] public int? Scope { get; set; }
}

/// <summary>Only the version of a document, read before choosing its family.</summary>
internal sealed class WireVersionProbe
{
    [JsonPropertyName("cniVersion")] public string? CniVersion { get; set; }
}
