using System.Buffers;
using System.Text.Json;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// Reads and writes cache entries in libcni's <c>cniCacheV1</c> layout:
/// <c>{"kind":"cniCacheV1","containerId":…,"config":"&lt;base64&gt;","ifName":…,"networkName":…,"netns":…,"cniArgs":[[k,v]…],"capabilityArgs":{…},"result":{…}}</c>
/// (<c>netns</c>, <c>cniArgs</c>, <c>capabilityArgs</c> and <c>result</c> left out when empty, as Go's <c>omitempty</c> does).
/// </summary>
internal static class CacheJson
{
    public static byte[] Write(CachedAttachment entry)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", ResultCache.Kind);
            writer.WriteString("containerId", entry.ContainerId);
            writer.WriteBase64String("config", entry.Config.Span);
            writer.WriteString("ifName", entry.IfName);
            writer.WriteString("networkName", entry.NetworkName);
            if (!string.IsNullOrEmpty(entry.NetNs))
            {
                writer.WriteString("netns", entry.NetNs);
            }

            if (entry.CniArgs is { Count: > 0 } args)
            {
                writer.WriteStartArray("cniArgs");
                foreach (KeyValuePair<string, string> pair in args)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(pair.Key);
                    writer.WriteStringValue(pair.Value);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
            }

            if (entry.CapabilityArgs is { Count: > 0 } caps)
            {
                writer.WriteStartObject("capabilityArgs");
                foreach (KeyValuePair<string, JsonElement> cap in caps.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(cap.Key);
                    cap.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            if (entry.Result is CniResult result)
            {
                writer.WritePropertyName("result");
                using JsonDocument doc = JsonDocument.Parse(result.ToJson(result.CniVersion));
                doc.RootElement.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an entry in either format: <c>cniCacheV1</c>, or a bare result (legacy), which gets the given names.</summary>
    public static CachedAttachment Read(byte[] bytes, string path, string networkName, string containerId, string ifName)
    {
        CachedAttachment? entry = ReadV1(bytes, path);
        if (entry is not null)
        {
            return entry;
        }

        CniResult result;
        try
        {
            result = CniResult.Parse(bytes, null);
        }
        catch (CniException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"the cached result {path} is neither a cniCacheV1 entry nor a result: {e.Message}", null, e);
        }

        return new CachedAttachment { NetworkName = networkName, ContainerId = containerId, IfName = ifName, Result = result };
    }

    /// <summary>Reads a <c>cniCacheV1</c> entry; <see langword="null"/> when the document is JSON but of another kind.</summary>
    /// <exception cref="CniException">Code 6: not UTF-8 JSON, or an entry whose text cannot be read (a lone surrogate escape).</exception>
    public static CachedAttachment? ReadV1(byte[] bytes, string path)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"the cached result {path} is not valid UTF-8 text");
        }

        try
        {
            return ReadV1Document(bytes, path);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reads past an unpaired surrogate escape and fails only when the string is taken out.
            throw new CniException(CniErrorCode.DecodingFailure, $"the cached result {path} holds text that is not valid: {e.Message}", null, e);
        }
    }

    private static CachedAttachment? ReadV1Document(byte[] bytes, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"the cached result {path} is not JSON: {e.Message}", null, e);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out JsonElement kind)
                || kind.ValueKind != JsonValueKind.String || kind.GetString() != ResultCache.Kind)
            {
                return null;
            }

            try
            {
                return new CachedAttachment
                {
                    ContainerId = String(root, "containerId") ?? string.Empty,
                    NetworkName = String(root, "networkName") ?? string.Empty,
                    IfName = String(root, "ifName") ?? string.Empty,
                    NetNs = String(root, "netns"),
                    Config = Config(root),
                    CniArgs = Args(root),
                    CapabilityArgs = Capabilities(root),
                    Result = Result(root),
                };
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or CniException)
            {
                throw new CniException(CniErrorCode.DecodingFailure, $"the cached result {path} is not a valid cniCacheV1 entry: {e.Message}", null, e);
            }
        }
    }

    private static string? String(JsonElement root, string key) =>
        root.TryGetProperty(key, out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e.GetString() : null;

    private static byte[] Config(JsonElement root) =>
        root.TryGetProperty("config", out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e.GetBytesFromBase64() : [];

    private static List<KeyValuePair<string, string>>? Args(JsonElement root)
    {
        if (!root.TryGetProperty("cniArgs", out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var args = new List<KeyValuePair<string, string>>();
        foreach (JsonElement pair in e.EnumerateArray())
        {
            if (pair.GetArrayLength() != 2)
            {
                throw new FormatException("\"cniArgs\" entries must be [key, value] pairs");
            }

            args.Add(new(pair[0].GetString() ?? string.Empty, pair[1].GetString() ?? string.Empty));
        }

        return args;
    }

    private static Dictionary<string, JsonElement>? Capabilities(JsonElement root)
    {
        if (!root.TryGetProperty("capabilityArgs", out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var caps = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject())
        {
            caps[p.Name] = p.Value.Clone();
        }

        return caps;
    }

    private static CniResult? Result(JsonElement root)
    {
        if (!root.TryGetProperty("result", out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"result\" must be an object");
        }

        return e.EnumerateObject().Any() ? CniResult.FromJsonElement(e) : null;
    }
}
