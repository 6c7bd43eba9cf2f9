using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cni.Ipam;

/// <summary>Address arithmetic on canonical addresses: IPv4 as 4 bytes, IPv6 as 16 bytes without scope.</summary>
internal static class IpAddressMath
{
    /// <summary>Maps IPv4-mapped IPv6 addresses to IPv4 and drops any IPv6 scope, as the reference canonicalises.</summary>
    public static IPAddress Canonicalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"address {address} is neither IPv4 nor IPv6", nameof(address));
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes());
    }

    public static int BitLength(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    public static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static IPAddress FromNumber(UInt128 value, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }

    /// <summary>The mask with the top <paramref name="prefixLength"/> bits set, within the family's width.</summary>
    public static UInt128 Mask(int prefixLength, AddressFamily family)
    {
        int bits = BitLength(family);
        UInt128 all = bits == 32 ? uint.MaxValue : UInt128.MaxValue;
        int hostBits = bits - prefixLength;
        return hostBits >= bits ? UInt128.Zero : all & ~((UInt128.One << hostBits) - 1);
    }

    public static UInt128 HostMask(int prefixLength, AddressFamily family)
    {
        int bits = BitLength(family);
        UInt128 all = bits == 32 ? uint.MaxValue : UInt128.MaxValue;
        return all & ~Mask(prefixLength, family);
    }

    /// <summary>
    /// Formats an address exactly as the reference (Go <c>net.IP.String</c>) does: dotted IPv4, and IPv6 in
    /// RFC 5952 form (lower-case hexadecimal, the longest run of two or more zero groups shortened to <c>::</c>).
    /// This text names the lease files, so both implementations must agree on it byte for byte.
    /// </summary>
    public static string Format(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Span<ushort> groups = stackalloc ushort[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
        }

        int bestStart = -1, bestLength = 0;
        for (int i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            int j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }

            if (j - i > bestLength)
            {
                bestStart = i;
                bestLength = j - i;
            }

            i = j;
        }

        if (bestLength < 2)
        {
            bestStart = -1;
        }

        var text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                text.Append(':');
            }

            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Parses a lease file name or stored address; <see langword="null"/> when it is not an address.</summary>
    public static IPAddress? TryParse(ReadOnlySpan<char> text) =>
        Spec.IPText.TryParse(text.Trim(), out IPAddress? address) ? Canonicalize(address) : null;
}
