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
    public CniException ToException() => new(Code, Message, Details);
}
