using Cni.Spec;

namespace Cni.Skel.Tests;

/// <summary>
/// <c>CNI_DELEGATE_TIMEOUT</c>: the limit a plugin started as a process gives its delegates — 60 s when unset,
/// none for 0 or none, the number of seconds given, and for anything else an executor that refuses to run a
/// delegate with code 4 naming the variable and the value (while still finding plugins as usual).
/// </summary>
public sealed class DelegateTimeoutTests
{
    private static IPluginExecutor For(string? value) =>
        DelegateTimeout.Executor(value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["CNI_DELEGATE_TIMEOUT"] = value });

    [Theory]
    [InlineData(null, 60.0)]
    [InlineData("", 60.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("300", 300.0)]
    public void A_number_of_seconds_or_nothing_gives_that_limit(string? value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.IsType<ProcessPluginExecutor>(For(value)).Timeout);

    [Theory]
    [InlineData("0")]
    [InlineData("none")]
    public void Zero_or_none_is_no_limit(string value) => Assert.Same(ProcessPluginExecutor.Instance, For(value));

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("1,5")]
    [InlineData("99999999999")]
    public void Anything_else_fails_each_delegation_with_code_4_naming_the_value(string value)
    {
        IPluginExecutor executor = For(value);
        Assert.IsNotType<ProcessPluginExecutor>(executor);
        Assert.Equal("/bin/sh", executor.Find("sh", ["/bin"]));
        CniException e = Assert.Throws<CniException>(() => executor.Execute("/bin/true", new Dictionary<string, string>(), default, TextWriter.Null));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Contains($"CNI_DELEGATE_TIMEOUT=\"{value}\"", e.Message, StringComparison.Ordinal);
    }
}
