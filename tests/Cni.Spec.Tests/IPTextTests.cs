namespace Cni.Spec.Tests;

public class IPTextTests
{
    [Theory]
    [InlineData("10.1.0.5", "10.1.0.5")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("fd00::1", "fd00::1")]
    [InlineData("::ffff:10.1.2.3", "::ffff:10.1.2.3")]
    public void Reads_addresses_as_cni_writes_them(string text, string expected)
    {
        Assert.True(IPText.TryParse(text, out System.Net.IPAddress? address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("10")]               // .NET alone reads 0.0.0.10
    [InlineData("10.1")]             // .NET alone reads 10.0.0.1
    [InlineData("010.0.0.1")]        // .NET alone reads octal 8.0.0.1
    [InlineData("0x0a.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("10.0.0.1/24")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 10.0.0.1")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_what_the_reference_refuses(string? text) => Assert.False(IPText.TryParse(text, out _));
}
