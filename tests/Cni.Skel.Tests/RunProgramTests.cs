using System.Text;
using Cni.Spec;

namespace Cni.Skel.Tests;

/// <summary>
/// <see cref="ProcessPluginExecutor.RunProgram"/>: a node tool run with arguments through the same spawn
/// path as a delegate (the bridge's legacy-iptables clean-up uses it), against real programs.
/// </summary>
public sealed class RunProgramTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Arguments_arrive_as_argv_one_by_one_without_a_shell()
    {
        PluginOutput run = ProcessPluginExecutor.RunProgram("/usr/bin/printf", ["<%s>", "a b", "$HOME", "", "naïve"], NoEnvironment, ReadOnlyMemory<byte>.Empty);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("<a b><$HOME><><naïve>", Encoding.UTF8.GetString(run.Stdout.Span));
    }

    [Fact]
    public void Argv_zero_is_the_path_and_the_environment_is_only_what_is_given()
    {
        PluginOutput run = ProcessPluginExecutor.RunProgram(
            "/bin/sh", ["-c", "printf '%s|%s|%s' \"$0\" \"$ONLY\" \"${HOME-unset}\""], new Dictionary<string, string> { ["ONLY"] = "this" }, ReadOnlyMemory<byte>.Empty);

        Assert.Equal("/bin/sh|this|unset", Encoding.UTF8.GetString(run.Stdout.Span));
    }

    [Fact]
    public void Stdin_exit_code_and_stderr_come_back()
    {
        PluginOutput run = ProcessPluginExecutor.RunProgram("/bin/sh", ["-c", "cat; echo oops >&2; exit 3"], NoEnvironment, "fed"u8.ToArray());

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("fed", Encoding.UTF8.GetString(run.Stdout.Span));
        Assert.Equal("oops\n", run.Stderr);
    }

    [Fact]
    public void A_missing_program_is_a_cni_error_naming_it()
    {
        CniException e = Assert.Throws<CniException>(() =>
            ProcessPluginExecutor.RunProgram("/nonexistent/iptables-legacy", ["-S"], NoEnvironment, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.Contains("/nonexistent/iptables-legacy", e.Message, StringComparison.Ordinal);
    }
}
