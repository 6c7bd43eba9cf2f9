using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// Reads a <see cref="NetworkConfig"/> with <see cref="Utf8JsonReader"/>: the keys the specification
/// defines typed, the rest kept as elements, each failure worded as the source-generated reader worded it.
/// </summary>
/// <remarks>
/// Keys are read in document order and the first problem is reported; a key given twice takes its
/// last value (a list or map given twice is the last one, whole). Names match case-sensitively,
/// after unescaping.
/// </remarks>
internal static class NetworkConfigReader
{
    private const string What = "network configuration";

    public static NetworkConfig Read(ReadOnlySpan<byte> source)
    {
        JsonText.RequireDocument(source, What);

        var reader = new Utf8JsonReader(source);
        string path = "$";
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                ReadToEnd(ref reader);
                throw new CniException(CniErrorCode.DecodingFailure, $"the {What} is null: expected a JSON object");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw JsonReading.WrongType(source, reader, "$", "Cni.Spec.NetworkConfig", "an object", What);
            }

            var config = new NetworkConfig();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                path = JsonReading.Property("$", name);
                reader.Read();
                ReadProperty(ref reader, source, config, name, path);
                path = "$";
            }

            ReadToEnd(ref reader);
            return config;
        }
        catch (JsonException e)
        {
            throw JsonReading.Syntax(e, path, What);
        }
    }

    private static void ReadProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, NetworkConfig config, string name, string path)
    {
        switch (name)
        {
            case "cniVersion":
                config.CniVersionText = JsonReading.String(ref reader, source, path, What);
                break;
            case "name":
                config.Name = JsonReading.String(ref reader, source, path, What);
                break;
            case "type":
                config.Type = JsonReading.String(ref reader, source, path, What);
                break;
            case "ipMasq":
                config.IpMasq = JsonReading.NullableBoolean(ref reader, source, path, What);
                break;
            case "capabilities":
                config.Capabilities = ReadCapabilities(ref reader, source, path);
                break;
            case "dns":
                config.Dns = ReadDns(ref reader, source, path);
                break;
            case "ipam":
                config.IpamJson = ElementOrNull(ref reader);
                break;
            case "runtimeConfig":
                config.RuntimeConfigJson = ElementOrNull(ref reader);
                break;
            case "args":
                config.ArgsJson = ElementOrNull(ref reader);
                break;
            case "prevResult":
                config.PrevResultJson = ElementOrNull(ref reader);
                break;
            case "cni.dev/valid-attachments":
                config.ValidAttachmentsKey = ReadAttachments(ref reader, source, path);
                break;
            case "cni.dev/attachments":
                config.AttachmentsKey = ReadAttachments(ref reader, source, path);
                break;
            default:
                config.ExtensionData ??= [];
                config.ExtensionData[name] = JsonReading.Element(ref reader);
                break;
        }
    }

    private static JsonElement? ElementOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : JsonReading.Element(ref reader);

    private static Dictionary<string, bool>? ReadCapabilities(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonReading.WrongType(source, reader, path, "System.Collections.Generic.Dictionary`2[System.String,System.Boolean]", "an object", What);
        }

        var capabilities = new Dictionary<string, bool>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            capabilities[key] = JsonReading.Boolean(ref reader, source, JsonReading.Property(path, key), What);
        }

        return capabilities;
    }

    private static DnsConfig? ReadDns(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Utf8JsonReader atValue = reader;
        try
        {
            return DnsConfigJsonConverter.ReadObject(ref reader);
        }
        catch (DnsConfigJsonConverter.RefusedException e)
        {
            throw JsonReading.Refused(source, atValue, path, e.Message, What);
        }
    }

    private static List<Attachment>? ReadAttachments(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonReading.WrongType(source, reader, path, "System.Collections.Generic.List`1[Cni.Spec.Attachment]", "an array", What);
        }

        var list = new List<Attachment>();
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string itemPath = JsonReading.Index(path, index++);
            if (reader.TokenType == JsonTokenType.Null)
            {
                list.Add(null!); // as the serializer reads it: an entry the caller must expect to be null
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw JsonReading.WrongType(source, reader, itemPath, "Cni.Spec.Attachment", "of the expected type (Attachment)", What);
            }

            string? containerId = null;
            string? ifName = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "containerID":
                        containerId = AttachmentString(ref reader, source, JsonReading.Property(itemPath, key));
                        break;
                    case "ifname":
                        ifName = AttachmentString(ref reader, source, JsonReading.Property(itemPath, key));
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            list.Add(new Attachment(containerId!, ifName!));
        }

        return list;
    }

    // The serializer names the record, not the string, when a constructor parameter has the wrong type.
    private static string? AttachmentString(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw JsonReading.WrongType(source, reader, path, "Cni.Spec.Attachment", "of the expected type (Attachment)", What),
    };

    /// <summary>Reads the <c>ipam</c> section (its text as parsed) into its type: <c>type</c>, and every other key kept.</summary>
    public static IpamConfig ReadIpam(ReadOnlySpan<byte> section)
    {
        var reader = new Utf8JsonReader(section);
        reader.Read();
        var ipam = new IpamConfig();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == "type")
            {
                ipam.Type = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw JsonReading.WrongType(section, reader, JsonReading.Property("$", name), "System.String", "a string", What, keyPrefix: "ipam"),
                };
            }
            else
            {
                ipam.ExtensionData ??= [];
                ipam.ExtensionData[name] = JsonReading.Element(ref reader);
            }
        }

        return ipam;
    }

    /// <summary>
    /// Reads the members of the object the reader is on with a plugin's <see cref="SettingsReader{T}"/>;
    /// a member it does not read is skipped.
    /// </summary>
    internal static void ReadMembers<T>(ReadOnlySpan<byte> source, ref Utf8JsonReader reader, string path, T target, SettingsReader<T> read)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            var value = new SettingsValue(source, reader, name, JsonReading.Property(path, name));
            read(target, ref value);
            reader = value.Reader;
            if (!value.Consumed)
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Reads past the end of the document: anything but white space after it is an error, as in the serializer.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }
}
