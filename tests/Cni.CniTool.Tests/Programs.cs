using System.Diagnostics;

namespace Cni.Tests;

/// <summary>Our published cnitool (artifacts/tools/cnitool), refused when older than its sources.</summary>
internal static class CniToolBinary
{
    /// <summary>The project that publishes it.</summary>
    public static string Project => Path.Combine(RepoPaths.Root, "src", "Tools", "CniTool", "CniTool.csproj");

    /// <summary>Requires the published binary, built from the current sources, and returns its path.</summary>
    public static string Location
    {
        get
        {
            string dir = Environment.GetEnvironmentVariable("CNI_TOOLS_DIR") is { Length: > 0 } d ? d : Path.Combine(RepoPaths.Root, "artifacts", "tools");
            string path = Path.Combine(dir, "cnitool");
            if (!File.Exists(path))
            {
                Requires.Unavailable($"our cnitool {path} is missing: run eng/publish.sh (eng/test.sh does)");
            }

            StaleBinaries.Refuse(path, Project);
            return path;
        }
    }
}

/// <summary>
/// tests/LibcniInterop, a driver over Debian's libcni (golang-github-appc-cni-dev), built on first use
/// into artifacts/libcni-interop in GOPATH mode (nothing is downloaded) and rebuilt when main.go is newer.
/// </summary>
internal static class LibcniInterop
{
    private const string GoPath = "/usr/share/gocode";

    private static readonly Lazy<string?> Built = new(Build);

    private static string Source => Path.Combine(RepoPaths.Root, "tests", "LibcniInterop", "main.go");

    private static string Output => Path.Combine(RepoPaths.Root, "artifacts", "libcni-interop", "libcni-interop");

    /// <summary>Requires the driver (building it if needed) and returns its path.</summary>
    public static string Location
    {
        get
        {
            if (!File.Exists("/usr/bin/go"))
            {
                Requires.Unavailable("Go is missing (apt-get install golang-go), needed to build tests/LibcniInterop");
            }

            if (!Directory.Exists(Path.Combine(GoPath, "src/github.com/containernetworking/cni/libcni")))
            {
                Requires.Unavailable($"Debian's libcni is missing from {GoPath} (apt-get install golang-github-appc-cni-dev)");
            }

            if (Built.Value is string problem)
            {
                Assert.Fail(problem);
            }

            return Output;
        }
    }

    private static string? Build()
    {
        if (File.Exists(Output) && File.GetLastWriteTimeUtc(Output) >= File.GetLastWriteTimeUtc(Source))
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Output)!);
        var env = new Dictionary<string, string?>
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = GoPath,
            ["GOFLAGS"] = null,
            ["GOCACHE"] = Path.Combine(Path.GetDirectoryName(Output)!, "go-cache"),
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
        };
        ProcessResult r = Processes.Run("/usr/bin/go", env, args: ["build", "-o", Output, Source], timeoutMs: 300_000);
        return r.ExitCode == 0 ? null : $"building tests/LibcniInterop with 'go build' failed: {r}";
    }
}
