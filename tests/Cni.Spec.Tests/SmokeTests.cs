using Cni.Spec;
namespace Cni.Spec.Tests;
public class SmokeTests
{
    [Fact]
    public void Parses() => Assert.Equal(CniVersion.V1_0_0, CniVersion.Parse("1.0"));
}
