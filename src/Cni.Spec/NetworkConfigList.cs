using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// A network configuration list (a <c>.conflist</c>): a named network whose plugins run as a chain.
/// This is what a runtime reads; it derives each plugin's stdin with <see cref="GetPluginConfig"/>.
/// </summary>
public sealed class NetworkConfigList
{
    /// <summary>The <c>cniVersion</c> text as written.</summary>
    [JsonPropertyName("cniVersion")]
    [JsonPropertyOrder(-10)]
    public string? CniVersionText { get; set; }

    /// <summary>Further versions the list is valid for (<c>cniVersions</c>, spec 1.1.0).</summary>
    [JsonPropertyName("cniVersions")]
    [JsonPropertyOrder(-9)]
    public List<string>? CniVersions { get; set; }

    /// <summary>The network name (<c>name</c>).</summary>
    [JsonPropertyName("name")]
    [JsonPropertyOrder(-8)]
    public string? Name { get; set; }

    /// <summary>Whether the runtime must not call CHECK (<c>disableCheck</c>); the strings "true"/"false" are accepted too.</summary>
    [JsonPropertyName("disableCheck")]
    [JsonConverter(typeof(LenientBoolJsonConverter))]
    public bool DisableCheck { get; set; }

    /// <summary>Whether the runtime must not garbage-collect this network (<c>disableGC</c>, spec 1.1.0).</summary>
    [JsonPropertyName("disableGC")]
    [JsonConverter(typeof(LenientBoolJsonConverter))]
    public bool DisableGC { get; set; }

    /// <summary>Whether only the inline <c>plugins</c> are used, not a sibling directory's files (<c>loadOnlyInlinedPlugins</c>, spec 1.1.0).</summary>
    [JsonPropertyName("loadOnlyInlinedPlugins")]
    public bool LoadOnlyInlinedPlugins { get; set; }

    /// <summary>The plugin configurations, in chain order (<c>plugins</c>).</summary>
    [JsonPropertyName("plugins")]
    public List<JsonObject>? Plugins { get; set; }

    /// <summary>Other keys, kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Parses and validates a configuration list.</summary>
    /// <param name="utf8Json">The list.</param>
    /// <returns>The list.</returns>
    /// <exception cref="CniException">
    /// Not JSON or a key of the wrong type (code 6); a bad name, no plugins, a plugin without a
    /// valid <c>type</c>, or <c>loadOnlyInlinedPlugins</c> without <c>plugins</c> (code 7).
    /// </exception>
    public static NetworkConfigList Parse(ReadOnlySpan<byte> utf8Json)
    {
        NetworkConfigList list = SpecJson.Deserialize(utf8Json, SpecJsonContext.Default.NetworkConfigList, "network configuration list");
        ConfigRules.ValidateName(list.Name);
        _ = CniVersion.Parse(list.CniVersionText);
        _ = list.SelectVersion();
        if (list.Plugins is null)
        {
            throw new CniException(
                CniErrorCode.InvalidNetworkConfig,
                list.LoadOnlyInlinedPlugins
                    ? $"network \"{list.Name}\": \"loadOnlyInlinedPlugins\" is true but there is no \"plugins\" list"
                    : $"network \"{list.Name}\": missing \"plugins\" list");
        }

        if (list.Plugins.Count == 0)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"network \"{list.Name}\": the \"plugins\" list is empty");
        }

        for (int i = 0; i < list.Plugins.Count; i++)
        {
            JsonNode? type;
            try
            {
                type = list.Plugins[i]?["type"];
            }
            catch (ArgumentException)
            {
                // A plugin object holds a key twice: the object cannot keep both, so it fails when first read.
                throw new CniException(
                    CniErrorCode.DecodingFailure,
                    $"network \"{list.Name}\", plugins[{i}]: the key \"{RepeatedKey(utf8Json, i)}\" appears more than once",
                    "each key of a plugin's configuration may appear once");
            }

            string? text = type is JsonValue v && v.TryGetValue(out string? s) ? s : null;
            try
            {
                ConfigRules.ValidateType(text);
            }
            catch (CniException e)
            {
                throw new CniException(e.Code, $"network \"{list.Name}\", plugins[{i}]: {e.Message}");
            }
        }

        return list;
    }

    /// <summary>The first key that appears twice in the <paramref name="index"/>th plugin object of a list.</summary>
    private static string RepeatedKey(ReadOnlySpan<byte> utf8Json, int index)
    {
        using JsonDocument doc = JsonDocument.Parse(utf8Json.ToArray());
        if (doc.RootElement.TryGetProperty("plugins", out JsonElement plugins) && plugins.ValueKind == JsonValueKind.Array && index < plugins.GetArrayLength()
            && plugins[index].ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in plugins[index].EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    return property.Name;
                }
            }
        }

        return "?";
    }

    /// <summary>Parses and validates a configuration list.</summary>
    /// <param name="json">The list text.</param>
    /// <returns>The list.</returns>
    /// <exception cref="CniException">See <see cref="Parse(ReadOnlySpan{byte})"/>.</exception>
    public static NetworkConfigList Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Picks the version to run the list with: the highest of <c>cniVersion</c> and
    /// <c>cniVersions</c>, ignoring versions newer than this library implements (spec 1.1.0).
    /// </summary>
    /// <param name="newestUsable">The newest version the caller can use; <see langword="null"/> means <see cref="CniVersion.Current"/>.</param>
    /// <returns>The version.</returns>
    /// <exception cref="CniException">An entry is not a version (code 6), or none is usable (code 1).</exception>
    public CniVersion SelectVersion(CniVersion? newestUsable = null)
    {
        var candidates = new List<string?> { CniVersionText };
        candidates.AddRange(CniVersions ?? []);
        return VersionNegotiation.SelectHighest(candidates, newestUsable ?? CniVersion.Current);
    }

    /// <summary>
    /// Derives the configuration a plugin receives on stdin: the plugin's object with the list's
    /// <c>name</c> and the selected <c>cniVersion</c> injected, plus <c>prevResult</c> when given.
    /// </summary>
    /// <param name="index">The plugin's position in <see cref="Plugins"/>.</param>
    /// <param name="version">The selected version, usually from <see cref="SelectVersion"/>.</param>
    /// <param name="prevResult">The previous plugin's result, or <see langword="null"/> for the first plugin.</param>
    /// <returns>The plugin's configuration as UTF-8 JSON.</returns>
    /// <exception cref="CniException">The previous result cannot be written in that version.</exception>
    public byte[] GetPluginConfig(int index, CniVersion version, CniResult? prevResult = null)
    {
        ArgumentNullException.ThrowIfNull(Plugins);
        JsonObject plugin = JsonNode.Parse(Plugins[index].ToJsonString())!.AsObject();
        plugin["cniVersion"] = version.ToString();
        plugin["name"] = Name;
        if (prevResult is not null)
        {
            plugin["prevResult"] = JsonNode.Parse(prevResult.ToJson(version));
        }

        return JsonSerializer.SerializeToUtf8Bytes(plugin, SpecJsonContext.Compact.JsonObject);
    }
}

/// <summary>Reads a boolean written as <c>true</c>/<c>false</c> or as the strings "true"/"false" in any case.</summary>
internal sealed class LenientBoolJsonConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String:
                string? s = reader.GetString();
                if (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (string.Equals(s, "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                throw new JsonException($"\"{s}\" is not true or false");
            default:
                throw new JsonException($"expected true or false, found {JsonText.TokenName(reader.TokenType)}");
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
