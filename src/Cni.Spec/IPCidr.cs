using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// An IP address with a prefix length in CIDR notation, such as <c>10.1.0.5/24</c>: the form CNI
/// uses for interface addresses (<c>ips[].address</c>) and route destinations (<c>routes[].dst</c>).
/// </summary>
/// <remarks>
/// Unlike <see cref="IPNetwork"/>, the address keeps its host bits (an interface address is a host
/// in a network). <see cref="Network"/> gives the masked network. IPv4-mapped IPv6 addresses are
/// kept as written.
/// </remarks>
[JsonConverter(typeof(IPCidrJsonConverter))]
public readonly struct IPCidr : IEquatable<IPCidr>, ISpanFormattable
{
    /// <summary>Creates a CIDR value.</summary>
    /// <param name="address">The address, host bits included.</param>
    /// <param name="prefixLength">The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.</param>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length does not fit the address family.</exception>
    public IPCidr(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, max);
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The address, host bits included.</summary>
    public IPAddress Address { get; }

    /// <summary>The prefix length.</summary>
    public int PrefixLength { get; }

    /// <summary>Whether this is an IPv4 value.</summary>
    public bool IsIPv4 => Address?.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The network this address belongs to (host bits cleared).</summary>
    public IPNetwork Network => new(Mask(Address, PrefixLength), PrefixLength);

    /// <summary>Whether the address has bits set outside the prefix (it names a host, not a network).</summary>
    public bool HasHostBits => !Mask(Address, PrefixLength).Equals(Address);

    /// <summary>Parses text such as <c>10.1.0.5/24</c> or <c>fd00::5/64</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not an address with a prefix length.</exception>
    public static IPCidr Parse(string text) =>
        TryParse(text, out IPCidr value) ? value : throw new FormatException($"\"{text}\" is not an IP address with a prefix length (CIDR)");

    /// <summary>Tries to parse text such as <c>10.1.0.5/24</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value, when the text is valid.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out IPCidr value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> prefix = text.AsSpan(slash + 1);
        foreach (char c in prefix)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (prefix.Length > 3 || !IPText.TryParse(text.AsSpan(0, slash), out IPAddress? address))
        {
            return false;
        }

        int length = int.Parse(prefix, NumberStyles.None, CultureInfo.InvariantCulture);
        if (length > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            return false;
        }

        value = new IPCidr(address, length);
        return true;
    }

    /// <summary>Clears the host bits of an address.</summary>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">How many leading bits to keep.</param>
    /// <returns>The network address.</returns>
    public static IPAddress Mask(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        bytes = bytes[..written];
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    /// <inheritdoc/>
    public bool Equals(IPCidr other) => PrefixLength == other.PrefixLength && Equals(Address, other.Address);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IPCidr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, PrefixLength);

    /// <summary>Formats as <c>address/prefix</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Address is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}", out charsWritten);

    /// <summary>Whether two values are equal.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(IPCidr left, IPCidr right) => left.Equals(right);

    /// <summary>Whether two values differ.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(IPCidr left, IPCidr right) => !left.Equals(right);
}

internal sealed class IPCidrJsonConverter : JsonConverter<IPCidr>
{
    public override IPCidr Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected a CIDR string such as \"10.1.0.5/24\", found {JsonText.TokenName(reader.TokenType)}");
        }

        string text = reader.GetString()!;
        return IPCidr.TryParse(text, out IPCidr value) ? value : throw new JsonException($"\"{text}\" is not an IP address with a prefix length (CIDR)");
    }

    public override void Write(Utf8JsonWriter writer, IPCidr value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

internal sealed class IPAddressJsonConverter : JsonConverter<IPAddress>
{
    public override IPAddress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected an IP address string, found {JsonText.TokenName(reader.TokenType)}");
        }

        string text = reader.GetString()!;
        if (text.Length == 0)
        {
            return null;
        }

        return IPText.TryParse(text, out IPAddress? address)
            ? address
            : throw new JsonException($"\"{text}\" is not an IP address");
    }

    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
