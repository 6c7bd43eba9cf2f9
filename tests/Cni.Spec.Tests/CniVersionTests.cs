namespace Cni.Spec.Tests;

public class CniVersionTests
{
    [Theory]
    [InlineData(null, "0.1.0")]
    [InlineData("", "0.1.0")]
    [InlineData("1", "1.0.0")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("0.3.1", "0.3.1")]
    [InlineData("1.1.0", "1.1.0")]
    [InlineData("10.20.30", "10.20.30")]
    public void Parses_like_the_reference(string? text, string expected) =>
        Assert.Equal(expected, CniVersion.Parse(text).ToString());

    [Theory]
    [InlineData("1.0.0.0")]
    [InlineData("1..0")]
    [InlineData("a.b.c")]
    [InlineData("-1.0.0")]
    [InlineData("1.0.0-rc1")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0.")]
    public void Rejects_non_versions_with_decoding_failure(string text)
    {
        var e = Assert.Throws<CniException>(() => CniVersion.Parse(text));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
        Assert.False(CniVersion.TryParse(text, out _));
    }

    [Fact]
    public void Compares_as_numbers_not_text()
    {
        Assert.True(CniVersion.Parse("0.10.0") > CniVersion.Parse("0.9.0"));
        Assert.True(CniVersion.V0_3_1 > CniVersion.V0_3_0);
        Assert.True(CniVersion.V1_0_0 >= CniVersion.Parse("1.0"));
        Assert.True(CniVersion.V0_4_0 < CniVersion.V1_0_0);
        Assert.Equal(CniVersion.All.OrderBy(v => v), CniVersion.All);
    }

    [Fact]
    public void Knows_exactly_the_seven_spec_versions()
    {
        Assert.Equal(
            ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"],
            CniVersion.All.Select(v => v.ToString()));
        Assert.Equal(CniVersion.V1_1_0, CniVersion.Current);
        Assert.False(CniVersion.Parse("0.5.0").IsKnown);
        Assert.True(CniVersion.Parse("0.4").IsKnown);
    }
}
