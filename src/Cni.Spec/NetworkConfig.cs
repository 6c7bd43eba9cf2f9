using System.Text;
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
    private LazySection<IpamConfig> _ipam;
    private LazySection<RuntimeConfig> _runtimeConfig;
    private LazySection<ConfigArgs> _args;

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
    /// <exception cref="CniException">Reading it: a key inside has the wrong type (code 6, naming it).</exception>
    [JsonIgnore]
    public IpamConfig? Ipam
    {
        get => _ipam.Get(NetworkConfigReader.ReadIpam);
        set => _ipam.Set(value);
    }

    /// <summary>DNS settings (<c>dns</c>).</summary>
    [JsonPropertyName("dns")]
    public DnsConfig? Dns { get; set; }

    /// <summary>Capability arguments from the runtime (<c>runtimeConfig</c>).</summary>
    /// <exception cref="CniException">Reading it: a key inside has the wrong type (code 6, naming it).</exception>
    [JsonIgnore]
    public RuntimeConfig? RuntimeConfig
    {
        get => _runtimeConfig.Get(SectionReader.ReadRuntimeConfig);
        set => _runtimeConfig.Set(value);
    }

    /// <summary>Extra arguments from the runtime (<c>args</c>).</summary>
    /// <exception cref="CniException">Reading it: a key inside has the wrong type (code 6, naming it).</exception>
    [JsonIgnore]
    public ConfigArgs? Args
    {
        get => _args.Get(SectionReader.ReadArgs);
        set => _args.Set(value);
    }

    // The sections a plugin may not need are kept as JSON and typed on first use: building the
    // serializer's metadata for their types is most of what parsing a configuration costs, and a
    // plugin pays it for every call. Parse still checks that each is an object.
    [JsonInclude]
    [JsonPropertyName("ipam")]
    internal JsonElement? IpamJson
    {
        get => _ipam.Json(NetworkConfigWriter.WriteIpam);
        set => _ipam.SetJson(value);
    }

    [JsonInclude]
    [JsonPropertyName("runtimeConfig")]
    internal JsonElement? RuntimeConfigJson
    {
        get => _runtimeConfig.Json(NetworkConfigWriter.WriteRuntimeConfig);
        set => _runtimeConfig.SetJson(value);
    }

    [JsonInclude]
    [JsonPropertyName("args")]
    internal JsonElement? ArgsJson
    {
        get => _args.Json(NetworkConfigWriter.WriteArgs);
        set => _args.SetJson(value);
    }

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
        NetworkConfig config = NetworkConfigReader.Read(utf8Json);
        config._source = utf8Json.ToArray();
        config._ipam.EnsureObject("ipam");
        config._runtimeConfig.EnsureObject("runtimeConfig");
        config._args.EnsureObject("args");
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
    /// Reads the plugin's own settings by hand: <paramref name="read"/> is called for each top-level key
    /// of the configuration, in document order (a key given twice is called twice), and reads the
    /// value with the getters of <see cref="SettingsValue"/>, which fail as
    /// <see cref="GetSettings{T}(JsonTypeInfo{T})"/> does. Keys it does not read are skipped.
    /// </summary>
    /// <typeparam name="T">The plugin's settings type.</typeparam>
    /// <param name="settings">The object to fill, holding the defaults.</param>
    /// <param name="read">Reads one key into the object.</param>
    /// <returns><paramref name="settings"/>.</returns>
    /// <exception cref="CniException">A key has the wrong type (code 6, naming the key and value).</exception>
    /// <remarks>
    /// Unlike <see cref="GetSettings{T}(JsonTypeInfo{T})"/> this builds no serializer metadata, which is
    /// most of what a plugin's start-up costs; the error wording is the same.
    /// </remarks>
    public T ReadSettings<T>(T settings, SettingsReader<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        ReadOnlySpan<byte> source = _source.IsEmpty ? ToJson() : _source.Span;
        var reader = new Utf8JsonReader(source);
        reader.Read();
        NetworkConfigReader.ReadMembers(source, ref reader, "$", settings, read);
        return settings;
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
    public byte[] ToJson() => NetworkConfigWriter.Write(this, _ipam, _runtimeConfig, _args);
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

/// <summary>A configuration section kept as JSON until it is read as its type, then kept as that object.</summary>
/// <typeparam name="T">The section's type.</typeparam>
internal struct LazySection<T>
    where T : class
{
    private JsonElement? _json;
    private T? _value;
    private bool _typed;

    /// <summary>Types the section with a hand-written reader of its text.</summary>
    public T? Get(ReadSection read)
    {
        if (!_typed)
        {
            _value = _json is JsonElement e && e.ValueKind == JsonValueKind.Object ? read(Encoding.UTF8.GetBytes(e.GetRawText())) : null;
            _typed = true;
        }

        return _value;
    }

    public delegate T ReadSection(ReadOnlySpan<byte> section);

    public void Set(T? value)
    {
        _value = value;
        _typed = true;
    }

    /// <summary>The section as JSON: the typed object when it was read or set (it may have been changed), else the text as parsed.</summary>
    public readonly JsonElement? Json(Action<Utf8JsonWriter, T> write)
    {
        if (!_typed)
        {
            return _json;
        }

        if (_value is null)
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, NetworkConfigWriter.Options))
        {
            write(writer, _value);
        }

        using JsonDocument doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>Writes the section under <paramref name="key"/>, as <see cref="Json"/> gives it; nothing when it is absent.</summary>
    public readonly void WriteTo(Utf8JsonWriter writer, string key, Action<Utf8JsonWriter, T> write)
    {
        if (_typed)
        {
            if (_value is not null)
            {
                writer.WritePropertyName(key);
                write(writer, _value);
            }
        }
        else if (_json is JsonElement e)
        {
            writer.WritePropertyName(key);
            e.WriteTo(writer);
        }
    }

    public void SetJson(JsonElement? json)
    {
        _json = json is JsonElement e && e.ValueKind == JsonValueKind.Null ? null : json;
        _value = null;
        _typed = false;
    }

    public readonly void EnsureObject(string key)
    {
        if (_json is JsonElement e && e.ValueKind != JsonValueKind.Object)
        {
            string text = e.GetRawText();
            throw new CniException(
                CniErrorCode.DecodingFailure,
                $"invalid network configuration: key \"{key}\" has value {(text.Length > 80 ? text[..77] + "..." : text)}, which is not an object");
        }
    }
}
