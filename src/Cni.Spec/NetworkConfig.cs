using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cni.Spec;

/// <summary>
/// A plugin's network configuration: what a plugin reads on stdin, with every well-known key of
/// the specification and the CNI conventions typed, and every other key kept.
/// </summary>
/// <remarks>
/// <para>
/// Keys a plugin defines for itself are kept in <see cref="ExtensionData"/> and written back by
/// <see cref="ToJsonObject"/>, so a meta plugin can forward a configuration it does not understand.
/// A plugin reads its own keys as typed settings with <see cref="GetSettings{T}(JsonTypeInfo{T})"/>
/// and its own source-generated <see cref="JsonSerializerContext"/>.
/// </para>
/// <para>
/// <see cref="Parse(ReadOnlySpan{byte})"/> validates what every plugin needs: a JSON object, a
/// valid <c>cniVersion</c>, a valid <c>name</c> and, when present, a <c>type</c> without path
/// separators. Failures are <see cref="CniException"/>s with the specification's codes.
/// </para>
/// </remarks>
public sealed class NetworkConfig
{
    private ReadOnlyMemory<byte> _source;

    /// <summary>The <c>cniVersion</c> text exactly as written, or <see langword="null"/> when absent.</summary>
    [JsonPropertyName("cniVersion")]
    [JsonPropertyOrder(-10)]
    public string? CniVersionText { get; set; }

    /// <summary>The configuration's version (<c>cniVersion</c>); absent means 0.1.0.</summary>
    /// <exception cref="CniException">The text is not a version (code 6).</exception>
    [JsonIgnore]
    public CniVersion CniVersion => CniVersion.Parse(CniVersionText);

    /// <summary>The network name (<c>name</c>).</summary>
    [JsonPropertyName("name")]
    [JsonPropertyOrder(-9)]
    public string? Name { get; set; }

    /// <summary>The plugin's executable name (<c>type</c>).</summary>
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-8)]
    public string? Type { get; set; }

    /// <summary>The capabilities the plugin supports (<c>capabilities</c>).</summary>
    [JsonPropertyName("capabilities")]
    public Dictionary<string, bool>? Capabilities { get; set; }

    /// <summary>Whether the plugin should set up IP masquerade on the host (<c>ipMasq</c>).</summary>
    [JsonPropertyName("ipMasq")]
    public bool? IpMasq { get; set; }

    /// <summary>The IPAM plugin's configuration (<c>ipam</c>).</summary>
    [JsonPropertyName("ipam")]
    public IpamConfig? Ipam { get; set; }

    /// <summary>DNS settings (<c>dns</c>).</summary>
    [JsonPropertyName("dns")]
    public DnsConfig? Dns { get; set; }

    /// <summary>Capability arguments from the runtime (<c>runtimeConfig</c>).</summary>
    [JsonPropertyName("runtimeConfig")]
    public RuntimeConfig? RuntimeConfig { get; set; }

    /// <summary>Extra arguments from the runtime (<c>args</c>).</summary>
    [JsonPropertyName("args")]
    public ConfigArgs? Args { get; set; }

    /// <summary>The previous plugin's result in a chain (<c>prevResult</c>), unparsed; see <see cref="GetPrevResult"/>.</summary>
    [JsonPropertyName("prevResult")]
    public JsonElement? PrevResultJson { get; set; }

    /// <summary>GC: the attachments that are still valid (<c>cni.dev/valid-attachments</c>).</summary>
    [JsonPropertyName("cni.dev/valid-attachments")]
    public List<Attachment>? ValidAttachmentsKey { get; set; }

    /// <summary>GC: the attachments key as the 1.1.0 specification text spelled it (<c>cni.dev/attachments</c>).</summary>
    [JsonPropertyName("cni.dev/attachments")]
    public List<Attachment>? AttachmentsKey { get; set; }

    /// <summary>Every key this type does not model, kept for forwarding.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>
    /// GC: the valid attachments, read from <c>cni.dev/valid-attachments</c> and, when that key is
    /// absent, from <c>cni.dev/attachments</c>; <see langword="null"/> when neither is present.
    /// An empty list is meaningful: no attachment is valid.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<Attachment>? ValidAttachments => ValidAttachmentsKey ?? AttachmentsKey;

    /// <summary>The bytes this configuration was parsed from (empty when built in code).</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> Source => _source;

    /// <summary>Parses and validates a plugin configuration.</summary>
    /// <param name="utf8Json">The configuration as read from stdin.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="CniException">
    /// Not a JSON object or a key of the wrong type (code 6), an invalid <c>cniVersion</c> (code 6),
    /// a missing or invalid <c>name</c> or an invalid <c>type</c> (code 7).
    /// </exception>
    public static NetworkConfig Parse(ReadOnlySpan<byte> utf8Json)
    {
        NetworkConfig config = SpecJson.Deserialize(utf8Json, SpecJsonContext.Default.NetworkConfig, "network configuration");
        config._source = utf8Json.ToArray();
        _ = config.CniVersion;
        ConfigRules.ValidateName(config.Name);
        if (config.Type is not null)
        {
            ConfigRules.ValidateType(config.Type);
        }

        return config;
    }

    /// <summary>Parses and validates a plugin configuration.</summary>
    /// <param name="json">The configuration text.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="CniException">See <see cref="Parse(ReadOnlySpan{byte})"/>.</exception>
    public static NetworkConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Reads the plugin's own settings from the configuration with the plugin's source-generated
    /// metadata. Keys the settings type does not declare are ignored.
    /// </summary>
    /// <typeparam name="T">The plugin's settings type.</typeparam>
    /// <param name="typeInfo">Its metadata, from the plugin's <see cref="JsonSerializerContext"/>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CniException">A key has the wrong type (code 6, naming the key and value).</exception>
    public T GetSettings<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ReadOnlySpan<byte> source = _source.IsEmpty ? ToJson() : _source.Span;
        return SpecJson.Deserialize(source, typeInfo, "network configuration");
    }

    /// <summary>
    /// Parses <c>prevResult</c> as a result. A <c>prevResult</c> without its own <c>cniVersion</c>
    /// is read in the configuration's version, as the reference does.
    /// </summary>
    /// <returns>The previous result, or <see langword="null"/> when absent, <c>null</c> or an empty object.</returns>
    /// <exception cref="CniException">It is present but not a valid result.</exception>
    public CniResult? GetPrevResult()
    {
        if (PrevResultJson is not JsonElement element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"invalid network configuration: key \"prevResult\" must be an object, not {element.ValueKind}");
        }

        if (!element.EnumerateObject().Any())
        {
            return null;
        }

        return CniResult.FromJsonElement(element, CniVersion);
    }

    /// <summary>The configuration as a mutable JSON object, with every key it was read with.</summary>
    /// <returns>A new object; changing it does not change this configuration.</returns>
    public JsonObject ToJsonObject() =>
        JsonNode.Parse(ToJson())!.AsObject();

    /// <summary>The configuration as compact UTF-8 JSON.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SpecJsonContext.Compact.NetworkConfig);
}

/// <summary>The <c>ipam</c> section of a configuration: its <c>type</c>, and the IPAM plugin's own keys.</summary>
public sealed class IpamConfig
{
    /// <summary>The IPAM plugin's executable name (<c>type</c>); empty or absent means no IPAM.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The IPAM plugin's own keys.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One attachment in a GC request: a container and an interface name.</summary>
/// <param name="ContainerId">The container (<c>containerID</c>).</param>
/// <param name="IfName">The interface (<c>ifname</c>).</param>
public sealed record Attachment(
    [property: JsonPropertyName("containerID")] string ContainerId,
    [property: JsonPropertyName("ifname")] string IfName);
