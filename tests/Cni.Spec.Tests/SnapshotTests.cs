using Snapshooter;
using Snapshooter.Xunit3;

namespace Cni.Spec.Tests;

/// <summary>
/// Snapshots of what we print, as text: a reviewer sees any change of key order, omission or
/// indentation in the diff of __snapshots__.
/// </summary>
public class SnapshotTests
{
    private static CniResult Sample() => CniResult.Parse(ResultTests.Golden("1.1.0"), null);

    [Theory]
    [InlineData("0.2.0")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    public void Result_written_in_version(string version) =>
        Snapshot.Match(Sample().ToJsonString(CniVersion.Parse(version)), SnapshotNameExtension.Create(version));

    [Fact]
    public void Error_object() =>
        Snapshot.Match(System.Text.Encoding.UTF8.GetString(
            new CniException(CniErrorCode.IncompatibleVersion, "incompatible CNI versions", "config is \"9.0.0\", plugin supports [\"1.0.0\"]")
                .ToError(CniVersion.V1_0_0).ToJson(indented: true)));

    [Fact]
    public void Version_answer() =>
        Snapshot.Match(System.Text.Encoding.UTF8.GetString(VersionInfo.For("1.1.0", CniVersion.All).ToJson()));
}
