using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Cni.Spec;

/// <summary>
/// IP address text as CNI components write and read it: dotted-quad IPv4 with exactly four decimal
/// parts and no leading zeros, or IPv6 without a zone — the forms the reference library's parser
/// accepts. <see cref="IPAddress.TryParse(string, out IPAddress)"/> alone also takes <c>10</c>,
/// <c>10.1</c> or <c>0x0a.1.2.3</c>, and reads <c>010.0.0.1</c> as octal.
/// </summary>
public static class IPText
{
    /// <summary>Parses an address written the way CNI writes it.</summary>
    /// <param name="text">The text, with no surrounding white space and no prefix length.</param>
    /// <param name="address">The address, when the text is one.</param>
    /// <returns>Whether the text is an address.</returns>
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
                if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0'))
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

    /// <summary>Parses an address written the way CNI writes it.</summary>
    /// <param name="text">The text; <see langword="null"/> is not an address.</param>
    /// <param name="address">The address, when the text is one.</param>
    /// <returns>Whether the text is an address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return text is not null && TryParse(text.AsSpan(), out address);
    }
}
