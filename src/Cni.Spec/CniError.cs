using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// The error object a plugin prints on stdout when it fails: <c>{cniVersion, code, msg, details}</c>.
/// </summary>
/// <param name="Code">The error code; see <see cref="CniErrorCode"/>.</param>
/// <param name="Message">A short message (the <c>msg</c> key).</param>
/// <param name="Details">Longer details, or <see langword="null"/>.</param>
public sealed record CniError(
    [property: JsonPropertyName("code"), JsonPropertyOrder(1)] CniErrorCode Code,
    [property: JsonPropertyName("msg"), JsonPropertyOrder(2)] string Message,
    [property: JsonPropertyName("details"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Details)
{
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = LazyJsonEncoder.Relaxed };

    private static readonly JsonWriterOptions IndentedOptions = new() { Indented = true, IndentSize = 4, Encoder = LazyJsonEncoder.Relaxed };

    /// <summary>
    /// The version of the error object. The specification includes it; the Go reference plugins
    /// leave it out, so it is <see langword="null"/> when an error is parsed without one.
    /// </summary>
    [JsonPropertyName("cniVersion")]
    [JsonPropertyOrder(0)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CniVersion? CniVersion { get; init; }

    /// <summary>Converts this error object to an exception that keeps its code, message and details.</summary>
    /// <returns>The exception.</returns>
    public CniException ToException() => new(Code, Message ?? string.Empty, Details);

    /// <summary>Writes the error object as UTF-8 JSON.</summary>
    /// <param name="indented">Whether to indent with four spaces, as the reference plugins print.</param>
    /// <returns>The JSON bytes.</returns>
    /// <remarks>
    /// Written with <see cref="Utf8JsonWriter"/> rather than source-generated metadata, so that a plugin's error
    /// path builds no serializer metadata; the bytes are those the serializer wrote.
    /// </remarks>
    public byte[] ToJson(bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, indented ? IndentedOptions : CompactOptions))
        {
            w.WriteStartObject();
            if (CniVersion is CniVersion version)
            {
                w.WriteString("cniVersion"u8, version.ToString());
            }

            w.WriteNumber("code"u8, (int)Code);
            if (Message is not null)
            {
                w.WriteString("msg"u8, Message);
            }

            if (Details is not null)
            {
                w.WriteString("details"u8, Details);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an error object, with or without <c>cniVersion</c> (the Go plugins leave it out).</summary>
    /// <param name="utf8Json">The JSON.</param>
    /// <returns>The error object.</returns>
    /// <exception cref="CniException">Not an error object (code 6).</exception>
    public static CniError Parse(ReadOnlySpan<byte> utf8Json)
    {
        using JsonDocument doc = ParseDocument(utf8Json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("code", out JsonElement code) || code.ValueKind != JsonValueKind.Number)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "not a CNI error object: expected a JSON object with a numeric \"code\"");
        }

        CniError error = SpecJson.Deserialize(utf8Json, SpecJsonContext.Default.CniError, "error object");
        return error.Message is null ? error with { Message = string.Empty } : error;
    }

    private static JsonDocument ParseDocument(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException e)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "not a CNI error object: " + e.Message, null, e);
        }
    }
}
