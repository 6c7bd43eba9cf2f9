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
        JsonText.RequireText(utf8Json, "CNI error object");
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("code", out JsonElement code) || code.ValueKind != JsonValueKind.Number)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "not a CNI error object: expected a JSON object with a numeric \"code\"");
        }

        CniError error = Read(utf8Json);
        return error.Message is null ? error with { Message = string.Empty } : error;
    }

    /// <summary>
    /// Reads the object (already checked to be one, with a numeric <c>code</c>) with <see cref="Utf8JsonReader"/>,
    /// failing as the source-generated serializer did: the last of a repeated key wins, other keys are skipped.
    /// </summary>
    private static CniError Read(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        reader.Read();
        int code = 0;
        string? message = null;
        string? details = null;
        CniVersion? version = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "code":
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out code))
                    {
                        throw WrongType(utf8Json, reader, "$.code");
                    }

                    break;
                case "msg": message = StringValue(utf8Json, reader, "$.msg"); break;
                case "details": details = StringValue(utf8Json, reader, "$.details"); break;
                case "cniVersion":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        version = null;
                        break;
                    }

                    try
                    {
                        version = new CniVersionJsonConverter().Read(ref reader, typeof(CniVersion), null!);
                    }
                    catch (JsonException e)
                    {
                        throw SpecJson.Describe(At(utf8Json, reader, e.Message, "$.cniVersion"), utf8Json, "error object");
                    }

                    break;
                default: reader.Skip(); break;
            }
        }

        return new CniError((CniErrorCode)code, message!, details) { CniVersion = version };
    }

    private static string? StringValue(ReadOnlySpan<byte> utf8Json, Utf8JsonReader reader, string path) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw WrongType(utf8Json, reader, path),
    };

    private static CniException WrongType(ReadOnlySpan<byte> utf8Json, Utf8JsonReader reader, string path) =>
        SpecJson.Describe(At(utf8Json, reader, "The JSON value could not be converted to Cni.Spec.CniError.", path, withPosition: true), utf8Json, "error object");

    /// <summary>A <see cref="JsonException"/> worded as the serializer words one at the reader's token.</summary>
    private static JsonException At(ReadOnlySpan<byte> utf8Json, Utf8JsonReader reader, string message, string path, bool withPosition = false)
    {
        ReadOnlySpan<byte> before = utf8Json[..(int)reader.BytesConsumed];
        int line = before.Count((byte)'\n');
        int position = before.Length - (before.LastIndexOf((byte)'\n') + 1);
        string text = withPosition
            ? $"{message} Path: {path} | LineNumber: {line} | BytePositionInLine: {position}."
            : message;
        return new JsonException(text, path, line, position);
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
