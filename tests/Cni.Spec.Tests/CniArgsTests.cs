namespace Cni.Spec.Tests;

public class CniArgsTests
{
    [Fact]
    public void Parses_pairs_as_kubernetes_sends_them()
    {
        CniArgs a = CniArgs.Parse("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=abc;IP=10.0.0.9");
        Assert.True(a.IgnoreUnknown);
        Assert.True(a.TryGetValue("K8S_POD_NAME", out string? name));
        Assert.Equal("web-0", name);
        Assert.Equal(5, a.Pairs.Count);
        a.EnsureKnown("IP");
    }

    [Fact]
    public void Keys_are_case_sensitive_and_values_may_hold_equals_signs()
    {
        CniArgs a = CniArgs.Parse("ip=1;X=a=b;");
        Assert.False(a.TryGetValue("IP", out _));
        Assert.True(a.TryGetValue("X", out string? x));
        Assert.Equal("a=b", x);
    }

    [Fact]
    public void Unknown_keys_fail_unless_IgnoreUnknown()
    {
        var e = Assert.Throws<CniException>(() => CniArgs.Parse("K8S_POD_NAME=x;IP=1.2.3.4").EnsureKnown("IP", "MAC"));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Contains("K8S_POD_NAME", e.Message, StringComparison.Ordinal);
        CniArgs.Parse("K8S_POD_NAME=x;IgnoreUnknown=true").EnsureKnown("IP");
        Assert.False(CniArgs.Parse("IgnoreUnknown=0;A=1").IgnoreUnknown);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("A=1;broken")]
    public void Malformed_pairs_are_code_4_naming_the_pair(string text)
    {
        var e = Assert.Throws<CniException>(() => CniArgs.Parse(text));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Contains("CNI_ARGS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_is_no_pairs() => Assert.Empty(CniArgs.Parse(null).Pairs);
}
