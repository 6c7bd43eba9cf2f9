using Cni.Tests;

namespace Cni.Packaging.Tests;

/// <summary>
/// `dotnet new cni-plugin` as an outside author meets it: the template package from artifacts/packages
/// installed into a throwaway template hive, a project made in a temporary directory, built and published
/// with NativeAOT against the packed Cni.* packages with warnings as errors, the binary answering VERSION,
/// and the generated tests (which use Cni.Testing against real namespaces) passing.
/// </summary>
public sealed class TemplateRoundTripTests : IDisposable
{
    private const string Name = "probe-link";
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string?> DotnetEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string name in new[] { "HOME", "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES", "TMPDIR", "CNI_TESTS_STRICT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        return env;
    }

    private ProcessResult Dotnet(params string[] arguments)
    {
        ProcessResult run = Processes.Run("dotnet", DotnetEnvironment(), args: arguments, timeoutMs: 20 * 60_000);
        Assert.True(run.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{run}");
        return run;
    }

    [Fact]
    public void A_generated_plugin_builds_publishes_with_NativeAOT_and_its_tests_pass()
    {
        Requires.Root();
        string packages = Path.Combine(RepoPaths.Root, "artifacts", "packages");
        string versionFile = Path.Combine(packages, "version.txt");
        if (!File.Exists(versionFile))
        {
            Requires.Unavailable($"{versionFile} is missing: run eng/pack.sh (the test command does)");
        }

        string version = File.ReadAllText(versionFile).Trim();
        string template = Path.Combine(packages, $"Cni.Templates.{version}.nupkg");
        Assert.True(File.Exists(template), $"{template} is missing: eng/pack.sh packs the template with the libraries");

        string hive = Path.Combine(_dir, "hive");
        string project = Path.Combine(_dir, Name);
        Dotnet("new", "install", template, "--debug:custom-hive", hive);
        Dotnet("new", "cni-plugin", "-n", Name, "-o", project, "--debug:custom-hive", hive);

        // The packed packages as a package source, beside the machine's own ones.
        File.WriteAllText(Path.Combine(_dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="cni-local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        Assert.Contains($"Version=\"{version}\"", File.ReadAllText(Path.Combine(project, Name, Name + ".csproj")), StringComparison.Ordinal);

        string publish = Path.Combine(_dir, "publish");
        ProcessResult published = Dotnet("publish", Path.Combine(project, Name), "-c", "Release", "-o", publish, "-warnaserror", "-p:TreatWarningsAsErrors=true");
        Assert.DoesNotContain("warning", published.Stdout, StringComparison.OrdinalIgnoreCase);
        string binary = Path.Combine(publish, Name);
        Assert.True(File.Exists(binary), $"no NativeAOT executable {binary}:\n{published}");

        ProcessResult version100 = Processes.Run(binary, new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, """{"cniVersion":"1.0.0"}""");
        Assert.True(version100.ExitCode == 0, version100.ToString());
        Assert.Contains("\"supportedVersions\"", version100.Stdout, StringComparison.Ordinal);
        Assert.Contains("1.1.0", version100.Stdout, StringComparison.Ordinal);

        ProcessResult tested = Dotnet("test", "--project", Path.Combine(project, Name + ".Tests"), "-c", "Release");
        Assert.Matches(@"succeeded:\s*3\b", tested.Stdout);
        Assert.Matches(@"failed:\s*0\b", tested.Stdout);
    }

    [Fact]
    public void The_template_package_holds_the_template_with_the_set_s_version()
    {
        string packages = Path.Combine(RepoPaths.Root, "artifacts", "packages");
        string versionFile = Path.Combine(packages, "version.txt");
        if (!File.Exists(versionFile))
        {
            Requires.Unavailable($"{versionFile} is missing: run eng/pack.sh (the test command does)");
        }

        string version = File.ReadAllText(versionFile).Trim();
        using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(packages, $"Cni.Templates.{version}.nupkg"));
        string nuspec = new StreamReader(package.GetEntry("Cni.Templates.nuspec")!.Open()).ReadToEnd();
        Assert.Contains("<packageType name=\"Template\" />", nuspec, StringComparison.Ordinal);
        string json = new StreamReader(package.GetEntry("content/cni-plugin/.template.config/template.json")!.Open()).ReadToEnd();
        Assert.Contains($"\"defaultValue\": \"{version}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"shortName\": \"cni-plugin\"", json, StringComparison.Ordinal);
        Assert.NotNull(package.GetEntry("content/cni-plugin/MyCniPlugin/Program.cs"));
        Assert.NotNull(package.GetEntry("content/cni-plugin/MyCniPlugin.Tests/MyCniPluginPluginTests.cs"));
    }
}
