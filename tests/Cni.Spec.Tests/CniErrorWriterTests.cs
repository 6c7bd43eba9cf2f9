using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cni.Tests;

namespace Cni.Spec.Tests;

/// <summary>
/// <see cref="CniError.ToJson"/> writes with <see cref="Utf8JsonWriter"/>; Golden/cni-error.outputs.json holds, for
/// each error below, compact and indented, the bytes the source-generated serializer wrote before.
/// <c>CNI_RECORD_GOLDEN=1</c> records the file again (and fails).
/// </summary>
public class CniErrorWriterTests
{
    private static readonly string GoldenFile = Path.Combine(RepoPaths.Root, "tests", "Cni.Spec.Tests", "Golden", "cni-error.outputs.json");

    private static IEnumerable<CniError> Errors()
    {
        yield return new CniError(CniErrorCode.InvalidNetworkConfig, "no IP ranges specified", null);
        yield return new CniError(CniErrorCode.DecodingFailure, "invalid network configuration: key \"mtu\" has value \"x\"", "The JSON value could not be converted. Path: $.mtu") { CniVersion = CniVersion.V1_0_0 };
        yield return new CniError((CniErrorCode)123, "plugin specific <&> 'q' \\ / \u00e9 \u2028 \u0001 \t\n", "") { CniVersion = CniVersion.Parse("0.4.0") };
        yield return new CniError((CniErrorCode)(-1), "", null) { CniVersion = CniVersion.Parse("0.1.0") };
        yield return new CniError(CniErrorCode.IOFailure, null!, "details only");
        yield return new CniError(CniErrorCode.TryAgainLater, "emoji \ud83d\ude00 and a lone surrogate \ud800 end", "\u007f\u0085\u00a0") { CniVersion = CniVersion.Parse("1.1.0") };
    }

    private static IEnumerable<string> Outputs() =>
        Errors().SelectMany(e => new[] { Encoding.UTF8.GetString(e.ToJson(indented: false)), Encoding.UTF8.GetString(e.ToJson(indented: true)) });

    [Fact]
    public void Writes_the_bytes_the_serializer_wrote()
    {
        GoldenFiles.AssertOutputs(GoldenFile, [.. Outputs()]);
    }
}
