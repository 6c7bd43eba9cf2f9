using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Cni.Spec;

/// <summary>
/// Strict IP address text, as the reference library reads it: dotted-quad IPv4 with exactly four
/// decimal parts, or IPv6 without a zone. <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// alone also accepts forms such as <c>10</c> or <c>10.1</c>, which no CNI component writes.
/// </summary>
internal static class IPText
{
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.Contains('%') || text.Contains('/'))
        {
            return false;
        }

        if (!text.Contains(':'))
        {
            int parts = 0;
            foreach (Range r in text.Split('.'))
            {
                ReadOnlySpan<char> part = text[r];
                if (part.IsEmpty || part.Length > 3)
                {
                    return false;
                }

                foreach (char c in part)
                {
                    if (!char.IsAsciiDigit(c))
                    {
                        return false;
                    }
                }

                parts++;
            }

            if (parts != 4)
            {
                return false;
            }
        }

        return IPAddress.TryParse(text, out address);
    }
}
