namespace Cni.Tests;

/// <summary>
/// Refuses to test a published binary that is older than a source it is built from: the .cs files and
/// project files of its project and of every project it references, transitively, and the MSBuild files
/// (Directory.Build.*, Directory.Packages.props) that shape them. A run outside eng/test.sh after an edit
/// then fails with what to do, instead of silently testing yesterday's binary.
/// </summary>
internal static class StaleBinaries
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Verdicts = new(StringComparer.Ordinal);

    /// <summary>Fails the test when <paramref name="binary"/> is older than a source of <paramref name="project"/>.</summary>
    public static void Refuse(string binary, string project)
    {
        if (Verdicts.GetOrAdd(binary, _ => Verdict(binary, project)) is string problem)
        {
            Assert.Fail(problem);
        }
    }

    /// <summary>Why the binary is stale, or null when it is newer than every source.</summary>
    public static string? Verdict(string binary, string project)
    {
        DateTime built = File.GetLastWriteTimeUtc(binary);
        string? newest = null;
        DateTime newestTime = built;
        foreach (string source in Sources(project))
        {
            DateTime changed = File.GetLastWriteTimeUtc(source);
            if (changed > newestTime)
            {
                (newest, newestTime) = (source, changed);
            }
        }

        return newest is null
            ? null
            : $"{binary} (published {built:yyyy-MM-dd HH:mm:ss}Z) is older than {Path.GetRelativePath(RepoPaths.Root, newest)} (changed {newestTime:yyyy-MM-dd HH:mm:ss}Z), "
              + "one of the sources it is built from: run eng/publish.sh (eng/test.sh does) so that the tests do not test a stale binary";
    }

    /// <summary>The files a project's build reads: its sources and those of its project references, transitively.</summary>
    public static IEnumerable<string> Sources(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([Path.GetFullPath(project)]);
        string root = Path.GetFullPath(RepoPaths.Root);
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" }.Select(f => Path.Combine(root, f)).Where(File.Exists))
        {
            yield return file;
        }

        while (pending.TryDequeue(out string? current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            if (!File.Exists(current))
            {
                throw new InvalidOperationException($"the project {current} does not exist; cannot tell whether its binary is current");
            }

            yield return current;
            string dir = Path.GetDirectoryName(current)!;
            foreach (string source in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                yield return source;
            }

            // The MSBuild files between the project and the repository root (src/Directory.Build.props ...).
            for (string? up = dir; up is not null && up.Length > root.Length; up = Path.GetDirectoryName(up))
            {
                foreach (string build in new[] { "Directory.Build.props", "Directory.Build.targets" }.Select(f => Path.Combine(up, f)).Where(File.Exists))
                {
                    yield return build;
                }
            }

            // Sources compiled in from outside the project's folder (src/Shared/DurableFile.cs, linked into two packages).
            foreach (System.Xml.Linq.XElement compile in System.Xml.Linq.XDocument.Load(current).Descendants("Compile"))
            {
                if (compile.Attribute("Include")?.Value is string linked && !linked.Contains('*', StringComparison.Ordinal))
                {
                    string full = Path.GetFullPath(Path.Combine(dir, linked.Replace('\\', '/')));
                    if (File.Exists(full))
                    {
                        yield return full;
                    }
                }
            }

            foreach (System.Xml.Linq.XElement reference in System.Xml.Linq.XDocument.Load(current).Descendants("ProjectReference"))
            {
                if (reference.Attribute("Include")?.Value is string include)
                {
                    pending.Enqueue(Path.GetFullPath(Path.Combine(dir, include.Replace('\\', '/'))));
                }
            }
        }
    }
}
