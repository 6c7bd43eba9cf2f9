using Cni.Tests;

namespace Cni.Spec.Tests;

public class AotTests
{
    [Fact]
    public void NativeAot_build_prints_exactly_what_the_jit_build_prints()
    {
        string aot = RepoPaths.AotProgram("Cni.Spec.AotSmoke", "Cni.Spec.AotSmoke");
        string dll = Path.Combine(RepoPaths.Root, "artifacts", "bin", "Cni.Spec.AotSmoke", RepoPaths.Configuration, "Cni.Spec.AotSmoke.dll");
        ProcessResult native = Processes.Run(aot, new Dictionary<string, string?>());
        ProcessResult jit = Processes.Run("dotnet", new Dictionary<string, string?> { ["DOTNET_ROOT"] = Environment.GetEnvironmentVariable("DOTNET_ROOT") }, args: [dll]);
        Assert.Equal(0, native.ExitCode);
        Assert.Equal(0, jit.ExitCode);
        Assert.Contains("\"ip4\"", native.Stdout, StringComparison.Ordinal);
        Assert.Contains("which is not a boolean", native.Stdout, StringComparison.Ordinal);
        Assert.Equal(jit.Stdout, native.Stdout);
    }
}
