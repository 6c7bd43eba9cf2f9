using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>A MAC address as CNI results carry it: lowercase hex octets separated by colons.</summary>
public static class MacText
{
    /// <summary>Formats a MAC address as <c>0a:58:0a:f4:01:09</c>, the form of a result's <c>interfaces[].mac</c>.</summary>
    /// <param name="mac">The address, for example <see cref="Link.MacAddress"/>.</param>
    /// <returns>The text, or null when there is no address (null or zero bytes long), so the key is left out.</returns>
    public static string? Format(PhysicalAddress? mac)
    {
        if (mac is null)
        {
            return null;
        }

        byte[] bytes = mac.GetAddressBytes();
        if (bytes.Length == 0)
        {
            return null;
        }

        return string.Create(bytes.Length * 3 - 1, bytes, static (chars, b) =>
        {
            for (int i = 0; i < b.Length; i++)
            {
                if (i > 0)
                {
                    chars[i * 3 - 1] = ':';
                }

                chars[i * 3] = Hex(b[i] >> 4);
                chars[i * 3 + 1] = Hex(b[i] & 0xf);
            }
        });
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
