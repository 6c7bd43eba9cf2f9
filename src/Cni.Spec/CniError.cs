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
    public byte[] ToJson(bool indented) =>
        JsonSerializer.SerializeToUtf8Bytes(this, indented ? SpecJsonContext.Indented.CniError : SpecJsonContext.Compact.CniError);

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
