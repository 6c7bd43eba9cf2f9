using System.Text.Encodings.Web;

namespace Cni.Spec;

/// <summary>
/// A <see cref="JavaScriptEncoder"/> that gives exactly the output of <see cref="JavaScriptEncoder.Default"/>
/// or <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, but builds that encoder only when a
/// string needs escaping.
/// </summary>
/// <remarks>
/// Both built-in encoders are created together by one static constructor that fills their Unicode
/// allow-lists: about a million instructions (callgrind), paid by the first JSON string a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> writes, which for a plugin is most of writing its
/// answer. Almost every string a plugin writes (keys, versions, addresses, names) is printable
/// ASCII that neither encoder changes: those are answered "nothing to escape" from a table here.
/// Anything else is handed whole to the built-in encoder, so the output is the same byte for byte.
/// </remarks>
internal sealed class LazyJsonEncoder : JavaScriptEncoder
{
    /// <summary>Like <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>: <c>"</c> as <c>\"</c>, no HTML escaping.</summary>
    public static readonly LazyJsonEncoder Relaxed = new(relaxed: true);

    /// <summary>Like <see cref="JavaScriptEncoder.Default"/> (HTML-sensitive characters escaped too).</summary>
    public static readonly LazyJsonEncoder Strict = new(relaxed: false);

    private readonly bool _relaxed;

    private LazyJsonEncoder(bool relaxed) => _relaxed = relaxed;

    /// <inheritdoc/>
    public override int MaxOutputCharactersPerInputCharacter => Inner.MaxOutputCharactersPerInputCharacter;

    private JavaScriptEncoder Inner => _relaxed ? UnsafeRelaxedJsonEscaping : Default;

    /// <inheritdoc/>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            if (!IsPlain(text[i]))
            {
                return Inner.FindFirstCharacterToEncode(text, textLength);
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        foreach (byte b in utf8Text)
        {
            if (!IsPlain(b))
            {
                return Inner.FindFirstCharacterToEncodeUtf8(utf8Text);
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        Inner.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);

    /// <inheritdoc/>
    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x80 and >= 0 && IsPlain(unicodeScalar) ? false : Inner.WillEncode(unicodeScalar);

    /// <inheritdoc/>
    public override System.Buffers.OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true) =>
        Inner.Encode(source, destination, out charsConsumed, out charsWritten, isFinalBlock);

    /// <inheritdoc/>
    public override System.Buffers.OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true) =>
        Inner.EncodeUtf8(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);

    /// <summary>
    /// Printable ASCII that the encoder writes as itself: both escape control characters, DEL,
    /// <c>"</c> and <c>\</c>; the default one also <c>&amp; ' + &lt; &gt; `</c> (HTML-sensitive).
    /// </summary>
    private bool IsPlain(int c) =>
        c is >= 0x20 and < 0x7F and not '"' and not '\\'
        && (_relaxed || c is not ('&' or '\'' or '+' or '<' or '>' or '`'));
}
