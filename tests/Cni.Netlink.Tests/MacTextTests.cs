using System.Net.NetworkInformation;

namespace Cni.Netlink.Tests;

/// <summary>MAC text as CNI results carry it (pure).</summary>
public sealed class MacTextTests
{
    [Theory]
    [InlineData("0A-58-0A-F4-01-09", "0a:58:0a:f4:01:09")]
    [InlineData("00-00-00-00-00-00", "00:00:00:00:00:00")]
    [InlineData("FF-FF-FF-FF-FF-FF", "ff:ff:ff:ff:ff:ff")]
    [InlineData("C2-11-22-33-44-5A", "c2:11:22:33:44:5a")]
    public void Formats_lowercase_colon_separated_octets(string parsed, string expected) =>
        Assert.Equal(expected, MacText.Format(PhysicalAddress.Parse(parsed)));

    [Fact]
    public void Formats_addresses_of_other_lengths_octet_by_octet()
    {
        // An InfiniBand-style 20-byte hardware address, as some links report.
        byte[] bytes = [.. Enumerable.Range(0, 20).Select(i => (byte)(i * 13))];
        Assert.Equal(string.Join(':', bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), MacText.Format(new PhysicalAddress(bytes)));
    }

    [Fact]
    public void No_address_is_null_so_the_key_is_left_out()
    {
        Assert.Null(MacText.Format(null));
        Assert.Null(MacText.Format(PhysicalAddress.None));
    }
}
