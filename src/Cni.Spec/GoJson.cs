using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cni.Spec;

/// <summary>
/// Writes a JSON tree exactly as Go's <c>encoding/json</c> marshals the same data held in
/// <c>map[string]interface{}</c> values: what the Go reference plugins write to files and send to
/// their delegates, so a plugin can produce the same bytes (a meta plugin's saved delegate
/// configuration, read back by either implementation).
/// </summary>
/// <remarks>
/// The rules, applied at every level:
/// <list type="bullet">
/// <item>Objects with their keys sorted by their UTF-8 bytes (Go sorts map keys), except those named as Go structs, which keep their order; compact, no white space.</item>
/// <item>Strings escaped as Go does with HTML escaping on: <c>"</c> and <c>\</c> with a backslash,
/// <c>\n</c> <c>\r</c> <c>\t</c> <c>\b</c> <c>\f</c> by name, other control characters and <c>&lt;</c>
/// <c>&gt;</c> <c>&amp;</c> as <c>\u00XX</c> (lowercase hex), U+2028 and U+2029 as <c>\u2028</c> and
/// <c>\u2029</c>; every other character as itself in UTF-8 (an unpaired surrogate becomes U+FFFD, as Go decodes <c>\ud800</c>).</item>
/// <item>Numbers as Go writes a <c>float64</c> (JSON numbers decode to <c>float64</c> in Go): the shortest
/// text that reads back as the same double, in plain decimal notation (<c>1450</c>, <c>0.5</c>), or in
/// exponent notation below 1e-6 and from 1e21 on (<c>1e+21</c>, <c>1.5e-7</c>).</item>
/// </list>
/// </remarks>
public static class GoJson
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Serializes a JSON tree as Go's <c>json.Marshal</c> would.</summary>
    /// <param name="node">The tree; <see langword="null"/> is JSON <c>null</c>.</param>
    /// <param name="structs">
    /// Objects of the tree that stand for Go structs rather than maps: written with their members in the
    /// order they have (a struct's field order), not sorted. <see langword="null"/> when there are none.
    /// </param>
    /// <returns>The UTF-8 bytes, with no trailing newline.</returns>
    /// <exception cref="CniException">A number is too large for a double (code 6): Go cannot read it either.</exception>
    public static byte[] Serialize(JsonNode? node, IReadOnlySet<JsonObject>? structs = null)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Write(output, node, structs);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Formats a number as Go's <c>encoding/json</c> writes a <c>float64</c>.</summary>
    /// <param name="value">The number; finite.</param>
    /// <returns>The text, for example <c>1450</c>, <c>0.001</c>, <c>1e+21</c> or <c>1e-7</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The number is not finite (JSON has no such number).</exception>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON numbers are finite");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // The shortest round-trip digits, from .NET's "R" text (which may itself use exponent notation).
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        string mantissa = r;
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..e];
        }

        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int point = (dot < 0 ? mantissa.Length : dot) + exponent; // the decimal point sits after this many digits
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..].TrimEnd('0');
        point -= lead;

        var text = new StringBuilder(digits.Length + 8);
        if (value < 0)
        {
            text.Append('-');
        }

        double abs = Math.Abs(value);
        if (abs < 1e-6 || abs >= 1e21)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            int exp = point - 1;
            text.Append('e').Append(exp < 0 ? '-' : '+');

            // Go's strconv writes at least two exponent digits; encoding/json then shortens e-0X to e-X.
            if (exp >= 0 && exp < 10)
            {
                text.Append('0');
            }

            text.Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }
        else if (point <= 0)
        {
            text.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            text.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }

        return text.ToString();
    }

    private static void Write(ArrayBufferWriter<byte> output, JsonNode? node, IReadOnlySet<JsonObject>? structs)
    {
        switch (node)
        {
            case null:
                output.Write("null"u8);
                break;
            case JsonObject obj:
                WriteObject(output, obj, structs);
                break;
            case JsonArray array:
                output.Write("["u8);
                for (int i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write(","u8);
                    }

                    Write(output, array[i], structs);
                }

                output.Write("]"u8);
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
        }
    }

    private static void WriteObject(ArrayBufferWriter<byte> output, JsonObject obj, IReadOnlySet<JsonObject>? structs)
    {
        var members = new List<(byte[] Key, JsonNode? Value)>(obj.Count);
        foreach (KeyValuePair<string, JsonNode?> member in obj)
        {
            members.Add((Encoding.UTF8.GetBytes(member.Key), member.Value));
        }

        if (structs is null || !structs.Contains(obj))
        {
            members.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        }

        output.Write("{"u8);
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            WriteString(output, members[i].Key);
            output.Write(":"u8);
            Write(output, members[i].Value, structs);
        }

        output.Write("}"u8);
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(output, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Number:
                output.Write(Encoding.UTF8.GetBytes(FormatNumber(ReadNumber(value))));
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    private static double ReadNumber(JsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        double d = double.Parse(buffer.WrittenSpan, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(d)
            ? d
            : throw new CniException(CniErrorCode.DecodingFailure, $"the number {Encoding.UTF8.GetString(buffer.WrittenSpan)} is out of the range of a 64-bit float");
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string text) => WriteString(output, Encoding.UTF8.GetBytes(text));

    private static void WriteString(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        output.Write("\""u8);
        int i = 0;
        while (i < utf8.Length)
        {
            byte b = utf8[i];
            if (b < 0x80)
            {
                switch (b)
                {
                    case (byte)'"':
                        output.Write("\\\""u8);
                        break;
                    case (byte)'\\':
                        output.Write("\\\\"u8);
                        break;
                    case (byte)'\n':
                        output.Write("\\n"u8);
                        break;
                    case (byte)'\r':
                        output.Write("\\r"u8);
                        break;
                    case (byte)'\t':
                        output.Write("\\t"u8);
                        break;
                    case (byte)'\b':
                        output.Write("\\b"u8);
                        break;
                    case (byte)'\f':
                        output.Write("\\f"u8);
                        break;
                    case < 0x20 or (byte)'<' or (byte)'>' or (byte)'&':
                        output.Write("\\u00"u8);
                        output.Write([Hex[b >> 4], Hex[b & 0xF]]);
                        break;
                    default:
                        output.Write([b]);
                        break;
                }

                i++;
                continue;
            }

            OperationStatus status = System.Text.Rune.DecodeFromUtf8(utf8[i..], out Rune rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                output.Write("\\ufffd"u8);
            }
            else if (rune.Value is 0x2028 or 0x2029)
            {
                output.Write(rune.Value == 0x2028 ? "\\u2028"u8 : "\\u2029"u8);
            }
            else
            {
                output.Write(utf8.Slice(i, consumed));
            }

            i += consumed;
        }

        output.Write("\""u8);
    }
}
