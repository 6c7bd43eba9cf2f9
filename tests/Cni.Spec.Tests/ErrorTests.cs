using System.Text.Json;

namespace Cni.Spec.Tests;

public class ErrorTests
{
    [Theory]
    [InlineData(CniErrorCode.IncompatibleVersion, 1)]
    [InlineData(CniErrorCode.UnsupportedField, 2)]
    [InlineData(CniErrorCode.UnknownContainer, 3)]
    [InlineData(CniErrorCode.InvalidEnvironmentVariables, 4)]
    [InlineData(CniErrorCode.IOFailure, 5)]
    [InlineData(CniErrorCode.DecodingFailure, 6)]
    [InlineData(CniErrorCode.InvalidNetworkConfig, 7)]
    [InlineData(CniErrorCode.TryAgainLater, 11)]
    [InlineData(CniErrorCode.PluginNotAvailable, 50)]
    [InlineData(CniErrorCode.PluginNotAvailableLimitedConnectivity, 51)]
    [InlineData(CniErrorCode.PluginSpecificStart, 100)]
    [InlineData(CniErrorCode.Internal, 999)]
    public void Well_known_codes_have_the_spec_values(CniErrorCode code, int value) => Assert.Equal(value, (int)code);

    [Fact]
    public void Error_object_has_spec_shape_and_order()
    {
        var error = new CniException(CniErrorCode.InvalidNetworkConfig, "bad", "more").ToError(CniVersion.V1_0_0);
        string json = System.Text.Encoding.UTF8.GetString(error.ToJson(indented: false));
        Assert.Equal("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"more\"}", json);
    }

    [Fact]
    public void Error_without_details_omits_the_key_and_plugin_codes_pass_through()
    {
        var error = new CniError((CniErrorCode)123, "plugin specific", null) { CniVersion = CniVersion.V0_4_0 };
        Assert.Equal("{\"cniVersion\":\"0.4.0\",\"code\":123,\"msg\":\"plugin specific\"}", System.Text.Encoding.UTF8.GetString(error.ToJson(indented: false)));
    }

    [Fact]
    public void Reads_the_Go_error_shape_without_cniVersion()
    {
        CniError e = CniError.Parse("{\n    \"code\": 4,\n    \"msg\": \"required env variables [CNI_PATH] missing\"\n}"u8);
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Null(e.CniVersion);
        Assert.Null(e.Details);
        Assert.Equal("required env variables [CNI_PATH] missing", e.ToException().Message);
    }

    [Fact]
    public void Reading_a_non_error_is_a_decoding_failure()
    {
        var e = Assert.Throws<CniException>(() => CniError.Parse("[1,2]"u8));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
    }
}
