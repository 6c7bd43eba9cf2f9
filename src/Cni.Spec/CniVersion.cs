using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// A CNI specification version such as <c>1.0.0</c>: a value that parses, compares and prints.
/// </summary>
/// <remarks>
/// Parsing follows the reference library: a missing or empty string means <c>0.1.0</c>, missing
/// minor or patch parts are zero (<c>"1.0"</c> is <c>1.0.0</c>), and four or more parts, empty
/// parts, signs or non-digits are errors. The versions this library implements are listed in
/// <see cref="All"/>; <see cref="Current"/> is the newest.
/// </remarks>
[JsonConverter(typeof(CniVersionJsonConverter))]
public readonly struct CniVersion : IEquatable<CniVersion>, IComparable<CniVersion>, ISpanFormattable
{
    private readonly int _major;
    private readonly int _minor;
    private readonly int _patch;

    /// <summary>Creates a version from its three parts.</summary>
    /// <param name="major">The major part, zero or more.</param>
    /// <param name="minor">The minor part, zero or more.</param>
    /// <param name="patch">The patch part, zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative.</exception>
    public CniVersion(int major, int minor, int patch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        _major = major;
        _minor = minor;
        _patch = patch;
    }

    /// <summary>The major part.</summary>
    public int Major => _major;

    /// <summary>The minor part.</summary>
    public int Minor => _minor;

    /// <summary>The patch part.</summary>
    public int Patch => _patch;

    /// <summary>Spec 0.1.0: the first version, results with <c>ip4</c>/<c>ip6</c>.</summary>
    public static CniVersion V0_1_0 { get; } = new(0, 1, 0);

    /// <summary>Spec 0.2.0: adds the VERSION verb.</summary>
    public static CniVersion V0_2_0 { get; } = new(0, 2, 0);

    /// <summary>Spec 0.3.0: results with <c>interfaces</c>, <c>ips</c> and top-level <c>routes</c>.</summary>
    public static CniVersion V0_3_0 { get; } = new(0, 3, 0);

    /// <summary>Spec 0.3.1: the <c>ips</c> key spelled as the reference library always wrote it.</summary>
    public static CniVersion V0_3_1 { get; } = new(0, 3, 1);

    /// <summary>Spec 0.4.0: adds the CHECK verb and mandatory <c>prevResult</c> on DEL.</summary>
    public static CniVersion V0_4_0 { get; } = new(0, 4, 0);

    /// <summary>Spec 1.0.0: removes <c>ips[].version</c>; error codes 4 to 7.</summary>
    public static CniVersion V1_0_0 { get; } = new(1, 0, 0);

    /// <summary>Spec 1.1.0: adds STATUS, GC, <c>cniVersions</c> and new interface and route fields.</summary>
    public static CniVersion V1_1_0 { get; } = new(1, 1, 0);

    /// <summary>The newest version this library implements (<c>1.1.0</c>).</summary>
    public static CniVersion Current => V1_1_0;

    /// <summary>Every version this library implements, oldest first.</summary>
    public static IReadOnlyList<CniVersion> All { get; } =
        [V0_1_0, V0_2_0, V0_3_0, V0_3_1, V0_4_0, V1_0_0, V1_1_0];

    /// <summary>Whether this is one of the versions in <see cref="All"/>.</summary>
    public bool IsKnown => All.Contains(this);

    /// <summary>Parses a version string.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty means <c>0.1.0</c>.</param>
    /// <returns>The version.</returns>
    /// <exception cref="CniException">The text is not a version (code <see cref="CniErrorCode.DecodingFailure"/>).</exception>
    public static CniVersion Parse(string? text)
    {
        if (TryParse(text, out CniVersion version, out string? error))
        {
            return version;
        }

        throw new CniException(CniErrorCode.DecodingFailure, error);
    }

    /// <summary>Tries to parse a version string.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty means <c>0.1.0</c>.</param>
    /// <param name="version">The version, when the text is one.</param>
    /// <returns>Whether the text is a version.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out CniVersion version) =>
        TryParse(text, out version, out _);

    private static bool TryParse(string? text, out CniVersion version, [NotNullWhen(false)] out string? error)
    {
        version = V0_1_0;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        Span<int> parts = [0, 0, 0];
        int count = 0;
        foreach (Range range in text.AsSpan().Split('.'))
        {
            ReadOnlySpan<char> part = text.AsSpan(range);
            if (count == 3)
            {
                error = $"invalid version \"{text}\": too many parts (at most major.minor.patch)";
                return false;
            }

            if (part.IsEmpty || part.Length > 9 || !AllDigits(part))
            {
                error = $"invalid version \"{text}\": part \"{part}\" is not a number";
                return false;
            }

            parts[count++] = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        version = new CniVersion(parts[0], parts[1], parts[2]);
        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> part)
    {
        foreach (char c in part)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public bool Equals(CniVersion other) => _major == other._major && _minor == other._minor && _patch == other._patch;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CniVersion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_major, _minor, _patch);

    /// <inheritdoc/>
    public int CompareTo(CniVersion other)
    {
        int c = _major.CompareTo(other._major);
        if (c == 0)
        {
            c = _minor.CompareTo(other._minor);
        }

        return c != 0 ? c : _patch.CompareTo(other._patch);
    }

    /// <summary>Formats the version as <c>major.minor.patch</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_major}.{_minor}.{_patch}");

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{_major}.{_minor}.{_patch}", out charsWritten);

    /// <summary>Whether two versions are equal.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(CniVersion left, CniVersion right) => left.Equals(right);

    /// <summary>Whether two versions differ.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(CniVersion left, CniVersion right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> is older than <paramref name="right"/>.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(CniVersion left, CniVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is newer than <paramref name="right"/>.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(CniVersion left, CniVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is older than or equal to <paramref name="right"/>.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(CniVersion left, CniVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is newer than or equal to <paramref name="right"/>.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">The other version.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(CniVersion left, CniVersion right) => left.CompareTo(right) >= 0;
}

/// <summary>Reads and writes a <see cref="CniVersion"/> as a JSON string.</summary>
internal sealed class CniVersionJsonConverter : JsonConverter<CniVersion>
{
    public override CniVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a version must be a string, not {JsonText.TokenName(reader.TokenType)}");
        }

        string? text = reader.GetString();
        return CniVersion.TryParse(text, out CniVersion v) ? v : throw new JsonException($"\"{text}\" is not a version (major.minor.patch)");
    }

    public override void Write(Utf8JsonWriter writer, CniVersion value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
