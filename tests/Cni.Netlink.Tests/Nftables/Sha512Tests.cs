using System.Text;
using Cni.Netlink.Nftables;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>The managed SHA-512 the masquerade names are hashed with: FIPS 180-4 vectors, and the platform's SHA-512 on random inputs.</summary>
public sealed class Sha512Tests
{
    [Theory]
    [InlineData("abc",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    [InlineData("",
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")]
    public void KnownVectors(string message, string expected)
    {
        Span<byte> digest = stackalloc byte[Sha512.HashSize];
        Sha512.HashData(Encoding.ASCII.GetBytes(message), digest);
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void MillionA()
    {
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        Span<byte> digest = stackalloc byte[Sha512.HashSize];
        Sha512.HashData(message, digest);
        Assert.Equal(
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
            Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void MatchesPlatformOnRandomInputs()
    {
        var random = new Random(20261201);
        Span<byte> digest = stackalloc byte[Sha512.HashSize];
        // Every length around the one- and two-block padding boundaries (111/112, 239/240), then random ones.
        var lengths = Enumerable.Range(0, 300).Concat(Enumerable.Range(0, 200).Select(_ => random.Next(300, 5000)));
        foreach (int length in lengths)
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            Sha512.HashData(message, digest);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(message)), Convert.ToHexStringLower(digest));
        }
    }

    [Theory]
    [InlineData("bridge-netabc123", 16)]
    [InlineData("mynet", 24)]
    [InlineData("ünïcode:eth0", 15)]
    [InlineData("x", 128)]
    [InlineData("x", 0)]
    public void HexPrefixIsThePlatformsLowerHexCut(string text, int digits)
    {
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(Encoding.UTF8.GetBytes(text)))[..digits];
        Assert.Equal(expected, Sha512.HexPrefix(text, digits));
    }

    [Fact]
    public void ShortDestinationIsRefused() =>
        Assert.Throws<ArgumentException>(() => Sha512.HashData([1, 2, 3], new byte[63]));
}
