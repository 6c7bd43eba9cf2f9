using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Cni.Spec;

/// <summary>Small helpers for wording JSON problems so a person can act on them.</summary>
internal static class JsonText
{
    /// <summary>
    /// What every reader of an outside JSON document checks first: it is not empty, it is UTF-8, and no <c>\u</c>
    /// escape in it is half of a surrogate pair. System.Text.Json reads past both of the latter and fails only when
    /// a string is taken out (with an <see cref="InvalidOperationException"/>, deep in whichever reader asked), and
    /// neither is text a configuration can mean (Go's decoder silently turns them into U+FFFD); so they fail here,
    /// once, with code 6 and the byte offset.
    /// </summary>
    /// <exception cref="CniException">Code 6 (<see cref="CniErrorCode.DecodingFailure"/>).</exception>
    public static void RequireDocument(ReadOnlySpan<byte> utf8Json, string what)
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"the {what} is empty: expected a JSON object");
        }

        RequireText(utf8Json, what);
    }

    /// <summary>The text part of <see cref="RequireDocument"/>: UTF-8, and no unpaired surrogate escape.</summary>
    /// <exception cref="CniException">Code 6 (<see cref="CniErrorCode.DecodingFailure"/>).</exception>
    public static void RequireText(ReadOnlySpan<byte> utf8Json, string what)
    {
        if (!Utf8.IsValid(utf8Json))
        {
            int offset = 0;
            while (Rune.DecodeFromUtf8(utf8Json[offset..], out _, out int consumed) == System.Buffers.OperationStatus.Done)
            {
                offset += consumed;
            }

            string? key = KeyBefore(utf8Json, offset);
            string where = key is null ? "" : $" in key \"{(key.Length > 64 ? key[..64] + "..." : key)}\"";
            throw new CniException(CniErrorCode.DecodingFailure, $"the {what} is not valid UTF-8{where}: invalid byte 0x{utf8Json[offset]:x2} at offset {offset}");
        }

        if (utf8Json.IndexOf("\\u"u8) >= 0)
        {
            RequirePairedSurrogateEscapes(utf8Json, what);
        }
    }

    /// <summary>The last property name that starts before <paramref name="offset"/>: the key a person looks for to fix a bad byte.</summary>
    private static string? KeyBefore(ReadOnlySpan<byte> utf8Json, int offset)
    {
        string? key = null;
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            while (reader.Read() && reader.TokenStartIndex <= offset)
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    key = Encoding.UTF8.GetString(reader.ValueSpan);
                }
            }
        }
        catch (JsonException)
        {
            // The bytes after the fault need not be JSON: the last key seen is still the nearest.
        }

        return key;
    }

    private static void RequirePairedSurrogateEscapes(ReadOnlySpan<byte> json, string what)
    {
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte b = json[i];
            if (!inString || b != (byte)'\\')
            {
                inString ^= b == (byte)'"';
                continue;
            }

            // A backslash in a string: \uXXXX, or a one-character escape (whose character cannot end the string).
            if (i + 1 >= json.Length || json[i + 1] != (byte)'u' || !Hex4(json, i + 2, out int unit))
            {
                i++;
                continue;
            }

            if (char.IsHighSurrogate((char)unit) && i + 11 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                && Hex4(json, i + 8, out int low) && char.IsLowSurrogate((char)low))
            {
                i += 11;
            }
            else if (char.IsSurrogate((char)unit))
            {
                throw new CniException(
                    CniErrorCode.DecodingFailure,
                    $"the {what} is not valid text: the escape \"{Encoding.ASCII.GetString(json.Slice(i, 6))}\" at offset {i} is half of a UTF-16 surrogate pair without its other half");
            }
            else
            {
                i += 5;
            }
        }
    }

    private static bool Hex4(ReadOnlySpan<byte> json, int at, out int value)
    {
        value = 0;
        return at + 4 <= json.Length
            && int.TryParse(json.Slice(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    public static string TokenName(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Turns a JSON path such as <c>$.ipam.ranges[0]</c> into the key a user wrote: <c>ipam.ranges[0]</c>.</summary>
    public static string KeyFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "(top level)";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
