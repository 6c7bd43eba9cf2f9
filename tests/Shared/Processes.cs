using System.Diagnostics;

namespace Cni.Tests;

/// <summary>What a finished process printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs executables (our NativeAOT binaries, the Go reference plugins) as a runtime would.</summary>
internal static class Processes
{
    /// <summary>Runs a program with this process's environment and returns its standard output; throws with its standard error on a non-zero exit.</summary>
    public static string Output(params string[] command)
    {
        var inherited = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        ProcessResult run = Run(command[0], inherited, (byte[]?)null, command[1..]);
        return run.ExitCode == 0
            ? run.Stdout
            : throw new InvalidOperationException($"'{string.Join(' ', command)}' exited with {run.ExitCode}: {run.Stderr}");
    }

    /// <summary>Runs a program with exactly the given environment (plus PATH), feeding stdin, with a time limit.</summary>
    public static ProcessResult Run(string path, IReadOnlyDictionary<string, string?> env, string? stdin = null, IEnumerable<string>? args = null, int timeoutMs = 60_000) =>
        Run(path, env, stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), args, timeoutMs);

    /// <summary>Runs a program with exactly the given environment (plus PATH), feeding raw stdin bytes (written while the outputs are read, so neither side waits for the other), with a time limit.</summary>
    public static ProcessResult Run(string path, IReadOnlyDictionary<string, string?> env, byte[]? stdin, IEnumerable<string>? args = null, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args ?? [])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach ((string k, string? v) in env)
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Task write = Task.Run(() =>
        {
            try
            {
                if (stdin is not null)
                {
                    p.StandardInput.BaseStream.Write(stdin);
                }

                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program exited without reading all of stdin (e.g. VERSION in some plugins).
            }
        });
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} did not finish within {timeoutMs} ms");
        }

        p.WaitForExit();
        write.Wait();
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Where the repository and its build outputs are.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in (debug or release).</summary>
    public static string Configuration { get; } =
        Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>Where the test command publishes NativeAOT programs: one folder per program.</summary>
    public static string AotDir =>
        Environment.GetEnvironmentVariable("CNI_AOT_DIR") is { Length: > 0 } d ? d : Path.Combine(Root, "artifacts", "aot");

    /// <summary>Where the test command puts our NativeAOT plugins together, for use as CNI_PATH.</summary>
    public static string PluginDir =>
        Environment.GetEnvironmentVariable("CNI_PLUGIN_DIR") is { Length: > 0 } d ? d : Path.Combine(Root, "artifacts", "cni-bin");

    /// <summary>Requires a published NativeAOT program, built from its current sources, and returns its path.</summary>
    public static string AotProgram(string project, string executable)
    {
        string path = Path.Combine(AotDir, project, executable);
        if (!File.Exists(path))
        {
            Requires.Unavailable($"the NativeAOT program {path} is missing: run eng/test.sh, which publishes it");
        }

        StaleBinaries.Refuse(path, Path.Combine(Root, "tests", project, project + ".csproj"));
        return path;
    }

    /// <summary>
    /// Requires one of our published plugins, built from its current sources, and returns its path.
    /// Every black-box test finds our binaries here, so this is where a stale binary is refused.
    /// </summary>
    public static string OurPlugin(string name)
    {
        string path = Path.Combine(PluginDir, name);
        if (!File.Exists(path))
        {
            Requires.Unavailable($"our NativeAOT plugin {path} is missing: run eng/test.sh, which publishes it");
        }

        StaleBinaries.Refuse(path, ProjectOf(name));
        return path;
    }

    /// <summary>
    /// The project that publishes an executable of ours: a plugin's one-line program
    /// (src/Plugins/Programs/&lt;name&gt;) or a sample whose AssemblyName is the name.
    /// </summary>
    public static string ProjectOf(string executable)
    {
        IEnumerable<string> candidates = new[] { Path.Combine(Root, "src", "Plugins", "Programs"), Path.Combine(Root, "samples") }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csproj", SearchOption.AllDirectories));
        foreach (string project in candidates)
        {
            string? assemblyName = System.Xml.Linq.XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value;
            if ((assemblyName ?? Path.GetFileNameWithoutExtension(project)) == executable)
            {
                return project;
            }
        }

        throw new InvalidOperationException($"no project under src/Plugins/Programs or samples builds the executable '{executable}'");
    }

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Cni.Libraries.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Cni.Libraries.sln) above " + AppContext.BaseDirectory);
    }
}
