using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// Reading JSON by hand over <see cref="Utf8JsonReader"/>, with failures worded exactly as
/// <see cref="SpecJson.Describe"/> words the serializer's: "key K has value V, which is not T", with
/// the serializer's own message (path, line and position) as the details.
/// </summary>
/// <remarks>
/// The start path of every plugin reads its configuration with this rather than with source-generated
/// metadata: building the serializer's metadata for a type (its converters, properties and the
/// reflection over polymorphism attributes it does) cost several million instructions per call,
/// far more than reading the few keys a dispatcher needs.
/// </remarks>
internal static class JsonReading
{
    private static readonly SearchValues<char> SpecialInPath = SearchValues.Create(". '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    /// <summary>Appends a property to a JSON path as the serializer writes it: <c>$.name</c> or <c>$['a.b']</c>.</summary>
    public static string Property(string path, string name) =>
        name.AsSpan().IndexOfAny(SpecialInPath) >= 0
            ? path + "['" + name.Replace("'", "\\'", StringComparison.Ordinal) + "']"
            : path + "." + name;

    /// <summary>Appends an array index to a JSON path: <c>$.a[0]</c>.</summary>
    public static string Index(string path, int index) => path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>
    /// The error for a value of the wrong type, as the serializer reports it: <paramref name="atValue"/>
    /// is a copy of the reader positioned on the value's first token.
    /// </summary>
    /// <remarks><paramref name="keyPrefix"/>: for a section read on its own (say <c>ipam</c>), the key it has in the configuration.</remarks>
    public static CniException WrongType(ReadOnlySpan<byte> source, Utf8JsonReader atValue, string path, string clrType, string expected, string what, string? keyPrefix = null)
    {
        string details = $"The JSON value could not be converted to {clrType}. Path: {path} | {Position(source, atValue.BytesConsumed)}.";
        string key = JsonText.KeyFromPath(path);
        if (keyPrefix is not null)
        {
            key = path == "$" ? keyPrefix : keyPrefix + (key.StartsWith('[') ? key : "." + key);
        }

        string? value = ValueText(source, atValue);
        string message;
        if (keyPrefix is null && path == "$" && value is not null && !value.StartsWith('{'))
        {
            message = $"failed to decode the {what}: expected a JSON object, found {value}";
        }
        else if (value is not null)
        {
            message = $"invalid {what}: key \"{key}\" has value {value}, which is not {expected}";
        }
        else
        {
            message = keyPrefix is null && path == "$"
                ? $"failed to decode the {what} as JSON: The JSON value could not be converted to {clrType}."
                : $"invalid {what}: key \"{key}\": The JSON value could not be converted to {clrType}.";
        }

        return new CniException(CniErrorCode.DecodingFailure, message, details);
    }

    /// <summary>
    /// The error for a value a custom reading rule refused with <paramref name="problem"/> (for
    /// example <c>"dns.domain" must be a string</c>): the key, the whole value, and the problem.
    /// </summary>
    public static CniException Refused(ReadOnlySpan<byte> source, Utf8JsonReader atValue, string path, string problem, string what)
    {
        string key = JsonText.KeyFromPath(path);
        string? value = ValueText(source, atValue);
        string message = value is null ? $"invalid {what}: key \"{key}\": {problem}" : $"invalid {what}: key \"{key}\" has value {value}: {problem}";
        return new CniException(CniErrorCode.DecodingFailure, message, problem);
    }

    /// <summary>The error for text that is not JSON, found while reading the value at <paramref name="path"/>.</summary>
    public static CniException Syntax(JsonException e, string path, string what)
    {
        string message = e.Message;
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        string details = at < 0 ? message + " Path: " + path : message[..at] + " Path: " + path + " |" + message[at..];
        return path == "$"
            ? new CniException(CniErrorCode.DecodingFailure, $"failed to decode the {what} as JSON: {message}", details, e)
            : new CniException(CniErrorCode.DecodingFailure, $"invalid {what}: key \"{JsonText.KeyFromPath(path)}\": {message}", details, e);
    }

    /// <summary>Reads a string or <c>null</c>.</summary>
    public static string? String(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path, string what) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw WrongType(source, reader, path, "System.String", "a string", what),
    };

    /// <summary>Reads a boolean or <c>null</c>.</summary>
    public static bool? NullableBoolean(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path, string what) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw WrongType(source, reader, path, "System.Nullable`1[System.Boolean]", "a boolean", what),
    };

    /// <summary>Reads a boolean; <c>null</c> is refused as the serializer refuses it for a <see cref="bool"/>.</summary>
    public static bool Boolean(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string path, string what)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Null:
                throw NullFor(source, reader, path, "System.Boolean", "a boolean", what);
            default:
                throw WrongType(source, reader, path, "System.Boolean", "a boolean", what);
        }
    }

    /// <summary>The error for <c>null</c> where a value type must be, in the serializer's words.</summary>
    public static CniException NullFor(ReadOnlySpan<byte> source, Utf8JsonReader atValue, string path, string clrType, string kind, string what)
    {
        string details = $"The JSON value could not be converted to {clrType}. Path: {path} | {Position(source, atValue.BytesConsumed)}.";
        return new CniException(
            CniErrorCode.DecodingFailure,
            $"invalid {what}: key \"{JsonText.KeyFromPath(path)}\": Cannot get the value of a token type 'Null' as {kind}.",
            details);
    }

    /// <summary>The value the reader is on, as a compact element that outlives the reader.</summary>
    public static JsonElement Element(ref Utf8JsonReader reader) => JsonElement.ParseValue(ref reader);

    /// <summary>"LineNumber: L | BytePositionInLine: B" for a byte offset, as the reader counts them.</summary>
    private static string Position(ReadOnlySpan<byte> source, long offset)
    {
        ReadOnlySpan<byte> before = source[..(int)Math.Min(offset, source.Length)];
        int line = before.Count((byte)'\n');
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        return $"LineNumber: {line} | BytePositionInLine: {before.Length - lineStart}";
    }

    /// <summary>
    /// The value at the reader written compactly, shortened to 80 characters, as the serializer's
    /// errors quote it; <see langword="null"/> when the document as a whole is not JSON.
    /// </summary>
    private static string? ValueText(ReadOnlySpan<byte> source, Utf8JsonReader atValue)
    {
        if (atValue.TokenType == JsonTokenType.Null)
        {
            return null; // the serializer's errors quote no value for null
        }

        try
        {
            var whole = new Utf8JsonReader(source);
            while (whole.Read())
            {
            }

            JsonElement value = JsonElement.ParseValue(ref atValue);
            var buffer = new ArrayBufferWriter<byte>(64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                value.WriteTo(writer);
            }

            string text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            return text.Length > 80 ? text[..77] + "..." : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
