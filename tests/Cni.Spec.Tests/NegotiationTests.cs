using System.Text;

namespace Cni.Spec.Tests;

public class NegotiationTests
{
    private static readonly CniVersion[] GoSupported = [.. CniVersion.All.Take(6)];

    [Fact]
    public void Unsupported_version_is_code_1_with_reference_style_details()
    {
        var e = Assert.Throws<CniException>(() => VersionNegotiation.EnsureSupported("1.1.0", GoSupported));
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Equal("incompatible CNI versions", e.Message);
        Assert.Equal("config is \"1.1.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\"]", e.Details);
    }

    [Fact]
    public void Supported_versions_match_by_value()
    {
        Assert.Equal(CniVersion.V1_0_0, VersionNegotiation.EnsureSupported("1.0", GoSupported));
        Assert.Equal(CniVersion.V0_1_0, VersionNegotiation.EnsureSupported(null, GoSupported));
    }

    [Fact]
    public void Garbage_version_is_a_decoding_failure()
    {
        var e = Assert.Throws<CniException>(() => VersionNegotiation.EnsureSupported("v1", GoSupported));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains("\"v1\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "0.4.0", "1.0.0" }, "1.1.0", "1.0.0")]
    [InlineData(new[] { "1.0.0", "1.1.0", "1.2.0", "9.0.0" }, "1.1.0", "1.1.0")]
    [InlineData(new[] { "0.3.1", "1.1.0" }, "1.0.0", "0.3.1")]
    [InlineData(new[] { "", "0.4.0" }, "1.1.0", "0.4.0")]
    public void Selects_the_highest_usable_version(string[] offered, string newest, string expected) =>
        Assert.Equal(expected, VersionNegotiation.SelectHighest(offered, CniVersion.Parse(newest)).ToString());

    [Fact]
    public void No_usable_version_is_code_1_and_garbage_is_code_6()
    {
        Assert.Equal(CniErrorCode.IncompatibleVersion, Assert.Throws<CniException>(() => VersionNegotiation.SelectHighest(["2.0.0"], CniVersion.Current)).Code);
        Assert.Equal(CniErrorCode.DecodingFailure, Assert.Throws<CniException>(() => VersionNegotiation.SelectHighest(["1.0.0", "x"], CniVersion.Current)).Code);
    }

    [Fact]
    public void Version_answer_echoes_a_known_request_version_and_lists_supported()
    {
        Assert.Equal(
            """{"cniVersion":"0.4.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""",
            Encoding.UTF8.GetString(VersionInfo.For("0.4.0", CniVersion.All).ToJson()));
        Assert.Equal("1.1.0", VersionInfo.For(null, CniVersion.All).CniVersion);
        Assert.Equal("1.1.0", VersionInfo.For("7.0.0", CniVersion.All).CniVersion);
    }

    [Fact]
    public void Version_answer_parses_the_legacy_0_2_0_form()
    {
        Assert.Equal(["0.1.0", "0.2.0"], VersionInfo.Parse("""{"cniVersion":"0.2.0"}"""u8).SupportedVersions);
        Assert.Equal(CniErrorCode.DecodingFailure, Assert.Throws<CniException>(() => VersionInfo.Parse("""{"cniVersion":"1.0.0"}"""u8)).Code);
    }
}
