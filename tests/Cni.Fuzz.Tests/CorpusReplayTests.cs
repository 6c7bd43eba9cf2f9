using Cni.Spec;

namespace Cni.Fuzz.Tests;

/// <summary>
/// Every input of tests/Fuzz/corpus/&lt;target&gt; (seeds and what the fuzzer kept) and of tests/Fuzz/regressions/&lt;target&gt;
/// (each finding, fixed) goes through its target as afl-fuzz would run it: a value or a documented exception, the
/// read-back checks holding, and within a time limit (a hang fails too).
/// </summary>
public class CorpusReplayTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(20);

    internal static string RepoRoot { get; } = FindRoot();

    public static TheoryData<string> TargetNames() => new(Targets.All.Select(t => t.Name));

    public static TheoryData<string> Regressions() =>
        new(Directory.EnumerateFiles(Path.Combine(RepoRoot, "tests", "Fuzz", "regressions"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(RepoRoot, "tests", "Fuzz", "regressions"), f))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void The_corpus_replays_without_a_finding(string target)
    {
        string dir = Path.Combine(RepoRoot, "tests", "Fuzz", "corpus", target);
        string[] files = Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
        Assert.True(files.Length > 0, $"no corpus for fuzz target '{target}' in {dir}");
        List<string> broken = [];
        foreach (string file in files)
        {
            if (Run(Targets.Get(target), file) is { } problem)
            {
                broken.Add(problem);
            }
        }

        Assert.True(broken.Count == 0, $"{broken.Count} of {files.Length} inputs break the property:\n{string.Join('\n', broken)}");
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_saved_finding_stays_fixed(string finding)
    {
        string target = finding.Split(Path.DirectorySeparatorChar)[0];
        string? problem = Run(Targets.Get(target), Path.Combine(RepoRoot, "tests", "Fuzz", "regressions", finding));
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void An_undocumented_exception_or_a_failed_check_is_a_finding()
    {
        var target = new FuzzTarget("t", "", input => throw (input.Length == 0 ? new InvalidOperationException("x") : new CniException(CniErrorCode.InvalidNetworkConfig, "y")), FuzzTarget.CniCodes(CniErrorCode.DecodingFailure));
        Assert.Throws<InvalidOperationException>(() => target.Execute([]));
        Assert.Throws<CniException>(() => target.Execute([1])); // documented type, wrong code
        var documented = new FuzzTarget("t", "", _ => throw new CniException(CniErrorCode.DecodingFailure, "z"), FuzzTarget.CniCodes(CniErrorCode.DecodingFailure));
        documented.Execute([]);
        Assert.Throws<PropertyViolation>(() => PropertyViolation.Require(false, "read back differently"));
    }

    [Fact]
    public void Every_target_name_is_unique_and_has_a_corpus_directory()
    {
        Assert.Equal(Targets.All.Count, Targets.All.Select(t => t.Name).Distinct().Count());
        foreach (FuzzTarget t in Targets.All)
        {
            Assert.True(Directory.Exists(Path.Combine(RepoRoot, "tests", "Fuzz", "corpus", t.Name)), t.Name);
        }
    }

    /// <summary>Runs one input with a time limit; the problem, or <see langword="null"/> when the property holds.</summary>
    internal static string? Run(FuzzTarget target, string file)
    {
        byte[] input = File.ReadAllBytes(file);
        Exception? escaped = null;
        var thread = new Thread(() =>
        {
            try
            {
                target.Execute(input);
            }
            catch (Exception e)
            {
                escaped = e;
            }
        }, 64 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        if (!thread.Join(PerInput))
        {
            return $"{file}: still running after {PerInput.TotalSeconds} s (a hang)";
        }

        return escaped is null ? null : $"{file}: {escaped.GetType().Name}: {escaped.Message}";
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

        throw new InvalidOperationException("the repository root (Cni.Libraries.sln) is not above " + AppContext.BaseDirectory);
    }
}
