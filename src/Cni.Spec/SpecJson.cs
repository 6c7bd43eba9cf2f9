using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Cni.Spec;

/// <summary>The source-generated JSON metadata of every type this assembly reads or writes.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(IPAddressJsonConverter), typeof(DnsConfigJsonConverter)],
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(WireVersionProbe))]
[JsonSerializable(typeof(WireResult020))]
[JsonSerializable(typeof(WireResult040))]
[JsonSerializable(typeof(WireResult100))]
[JsonSerializable(typeof(CniError))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(NetworkConfig))]
[JsonSerializable(typeof(NetworkConfigList))]
[JsonSerializable(typeof(IpamConfig))]
[JsonSerializable(typeof(RuntimeConfig))]
[JsonSerializable(typeof(ConfigArgs))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SpecJsonContext : JsonSerializerContext
{
    private static SpecJsonContext? s_indented;
    private static SpecJsonContext? s_compact;

    /// <summary>
    /// For writing: quotes escaped as <c>\"</c> rather than <c>\u0022</c>, and no HTML escaping, so
    /// messages read as the Go plugins print them. CNI output is never embedded in HTML.
    /// </summary>
    public static SpecJsonContext Compact => s_compact ??= new SpecJsonContext(
        new JsonSerializerOptions(Default.Options) { Encoder = LazyJsonEncoder.Relaxed });

    /// <summary>For writing with four-space indentation, as the Go plugins print results and errors.</summary>
    public static SpecJsonContext Indented => s_indented ??= new SpecJsonContext(
        new JsonSerializerOptions(Default.Options) { WriteIndented = true, IndentSize = 4, Encoder = LazyJsonEncoder.Relaxed });
}

/// <summary>Deserialization that turns every failure into a <see cref="CniException"/> naming the key and value.</summary>
internal static partial class SpecJson
{
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo, string what, string? keyPrefix = null)
    {
        JsonText.RequireDocument(utf8Json, what);

        try
        {
            T? value = JsonSerializer.Deserialize(utf8Json, typeInfo);
            return value ?? throw new CniException(CniErrorCode.DecodingFailure, $"the {what} is null: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw Describe(e, utf8Json, what, keyPrefix);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or FormatException or ArgumentException)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"failed to decode the {what}: {e.Message}", null, e);
        }
    }

    /// <summary>Words a deserialization failure as "key K has value V, which is not T".</summary>
    public static CniException Describe(JsonException e, ReadOnlySpan<byte> utf8Json, string what, string? keyPrefix = null)
    {
        string key = JsonText.KeyFromPath(e.Path);
        if (keyPrefix is not null)
        {
            // A section read on its own (say runtimeConfig): name the key as the user wrote it.
            key = e.Path is null or "$" ? keyPrefix : keyPrefix + (key.StartsWith('[') ? key : "." + key);
        }

        string? value = ValueAt(utf8Json, e.Path);
        Match m = ConvertedTo().Match(e.Message);
        string message;
        if (keyPrefix is null && (e.Path is null || e.Path == "$") && value is not null && !value.StartsWith('{'))
        {
            message = $"failed to decode the {what}: expected a JSON object, found {value}";
        }
        else if (m.Success && value is not null)
        {
            message = $"invalid {what}: key \"{key}\" has value {value}, which is not {Expected(m.Groups[1].Value)}";
        }
        else if (keyPrefix is null && (e.Path is null || e.Path == "$"))
        {
            string detail = e.InnerException?.Message ?? FirstSentence(e.Message);
            message = $"failed to decode the {what} as JSON: {detail}";
        }
        else
        {
            string detail = e.InnerException is null ? FirstSentence(e.Message) : e.InnerException.Message;
            message = value is null
                ? $"invalid {what}: key \"{key}\": {detail}"
                : $"invalid {what}: key \"{key}\" has value {value}: {detail}";
        }

        return new CniException(CniErrorCode.DecodingFailure, message, e.Message, e);
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string Expected(string clrType) => Unwrap(clrType) switch
    {
        "System.Boolean" => "a boolean",
        "System.String" => "a string",
        "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt16" or "System.Byte" => "an integer",
        "System.Double" => "a number",
        _ when clrType.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal)
            || clrType.StartsWith("System.Collections.Generic.IList", StringComparison.Ordinal) => "an array",
        _ when clrType.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object",
        string other => "of the expected type (" + other[(other.LastIndexOf('.') + 1)..] + ")",
    };

    /// <summary><c>System.Nullable`1[System.Boolean]</c> is a <c>System.Boolean</c> as far as a user is concerned.</summary>
    private static string Unwrap(string clrType)
    {
        const string nullable = "System.Nullable`1[";
        if (clrType.StartsWith(nullable, StringComparison.Ordinal))
        {
            string inner = clrType[nullable.Length..].TrimStart('[');
            int end = inner.IndexOfAny([']', ',']);
            return end > 0 ? inner[..end] : inner;
        }

        return clrType;
    }

    /// <summary>Finds the raw JSON text at a path such as <c>$.ipam.ranges[0][1].subnet</c>, shortened.</summary>
    internal static string? ValueAt(ReadOnlySpan<byte> utf8Json, string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            JsonNode? node = JsonNode.Parse(utf8Json);
            foreach (Match step in PathStep().Matches(path))
            {
                if (node is null)
                {
                    return null;
                }

                if (step.Groups["index"].Success)
                {
                    int i = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    node = node is JsonArray a && i < a.Count ? a[i] : null;
                }
                else
                {
                    string name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
                    node = node is JsonObject o && o.TryGetPropertyValue(name, out JsonNode? child) ? child : null;
                    if (node is null)
                    {
                        return null;
                    }
                }
            }

            string text = node?.ToJsonString() ?? "null";
            return text.Length > 80 ? text[..77] + "..." : text;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null; // the text of the value only words the message: none when the document has a repeated key
        }
    }

    [GeneratedRegex(@"could not be converted to (\S+?)\. Path")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"\.(?<name>[A-Za-z0-9_\-/]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}

/// <summary>Formats version lists as the reference does in its messages: <c>["0.1.0" "0.2.0"]</c>.</summary>
internal static class VersionList
{
    public static string Format(IEnumerable<CniVersion> versions) =>
        "[" + string.Join(' ', versions.Select(v => $"\"{v}\"")) + "]";

    public static string Format(IEnumerable<string> versions) =>
        "[" + string.Join(' ', versions.Select(v => $"\"{v}\"")) + "]";
}

/// <summary>Writes <see cref="DnsConfig"/> with empty members omitted, as the reference does.</summary>
internal sealed class DnsConfigJsonConverter : JsonConverter<DnsConfig>
{
    public override DnsConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadObject(ref reader);

    /// <summary>Reads the object the reader is on; a value of the wrong shape is a <see cref="RefusedException"/>.</summary>
    internal static DnsConfig ReadObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new RefusedException($"\"dns\" must be an object, not {JsonText.TokenName(reader.TokenType)}");
        }

        var dns = new DnsConfig();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "nameservers": ReadStrings(ref reader, dns.Nameservers, name); break;
                case "search": ReadStrings(ref reader, dns.Search, name); break;
                case "options": ReadStrings(ref reader, dns.Options, name); break;
                case "domain":
                    dns.Domain = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Null => null,
                        _ => throw new RefusedException($"\"dns.domain\" must be a string, not {JsonText.TokenName(reader.TokenType)}"),
                    };
                    break;
                default: reader.Skip(); break;
            }
        }

        return dns;
    }

    private static void ReadStrings(ref Utf8JsonReader reader, IList<string> into, string name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new RefusedException($"\"dns.{name}\" must be an array of strings, not {JsonText.TokenName(reader.TokenType)}");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new RefusedException($"\"dns.{name}\" must hold strings, not {JsonText.TokenName(reader.TokenType)}");
            }

            into.Add(reader.GetString()!);
        }
    }

    public override void Write(Utf8JsonWriter writer, DnsConfig value, JsonSerializerOptions options) => WriteObject(writer, value);

    /// <summary>A <c>dns</c> value of the wrong shape, in words naming the key.</summary>
    internal sealed class RefusedException(string message) : JsonException(message);

    /// <summary>Writes the object: empty members are left out.</summary>
    internal static void WriteObject(Utf8JsonWriter writer, DnsConfig value)
    {
        writer.WriteStartObject();
        WriteStrings(writer, "nameservers", value.Nameservers);
        if (!string.IsNullOrEmpty(value.Domain))
        {
            writer.WriteString("domain", value.Domain);
        }

        WriteStrings(writer, "search", value.Search);
        WriteStrings(writer, "options", value.Options);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (string v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }
}
