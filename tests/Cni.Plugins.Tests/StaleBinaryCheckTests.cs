using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>The check behind <see cref="RepoPaths.OurPlugin"/> that refuses binaries older than their sources.</summary>
public sealed class StaleBinaryCheckTests : IDisposable
{
    private readonly string _binary = Path.Combine(Path.GetTempPath(), $"cnitest-stale-{Guid.NewGuid():N}");

    public StaleBinaryCheckTests() => File.WriteAllText(_binary, "not really a binary");

    public void Dispose() => File.Delete(_binary);

    [Fact]
    public void A_plugins_sources_are_its_program_its_library_and_every_library_beneath_transitively()
    {
        string project = RepoPaths.ProjectOf("bridge");
        Assert.Equal(Path.Combine(RepoPaths.Root, "src", "Plugins", "Programs", "bridge", "bridge.csproj"), project);
        string[] sources = [.. StaleBinaries.Sources(project).Select(s => Path.GetRelativePath(RepoPaths.Root, s))];
        Assert.Contains("src/Plugins/Programs/bridge/Program.cs", sources);
        Assert.Contains("src/Plugins/Bridge/Cni.Plugins.Bridge.csproj", sources);
        Assert.Contains("src/Cni.Skel/CniPlugin.cs", sources);
        Assert.Contains("src/Cni.Spec/Cni.Spec.csproj", sources);
        Assert.Contains("src/Plugins/Programs/Directory.Build.props", sources);
        Assert.Contains("Directory.Packages.props", sources);
        Assert.DoesNotContain(sources, s => s.StartsWith("tests/", StringComparison.Ordinal) || s.StartsWith("src/Cni.Ipam/", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(RepoPaths.Root, "samples", "StaticRoutes", "StaticRoutes.csproj"), RepoPaths.ProjectOf("static-routes"));
    }

    [Fact]
    public void A_binary_older_than_a_source_is_refused_with_what_to_do_and_a_newer_one_is_not()
    {
        string project = RepoPaths.ProjectOf("host-local");
        File.SetLastWriteTimeUtc(_binary, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string? verdict = StaleBinaries.Verdict(_binary, project);
        Assert.NotNull(verdict);
        Assert.Contains("is older than ", verdict, StringComparison.Ordinal);
        Assert.Contains("run eng/publish.sh", verdict, StringComparison.Ordinal);

        File.SetLastWriteTimeUtc(_binary, DateTime.UtcNow.AddDays(1));
        Assert.Null(StaleBinaries.Verdict(_binary, project));
    }
}
