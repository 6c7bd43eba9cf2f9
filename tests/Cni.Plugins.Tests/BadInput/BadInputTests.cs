using System.Text;
using System.Text.Json.Nodes;
using Cni.Tests;

namespace Cni.Plugins.Tests.BadInput;

/// <summary>
/// The bad-input corpus (BadInput/cases.json): each case through our published binary and, where one
/// exists, the Go reference, each on its own throwaway node (node and pod namespace, private data
/// directories). Ours must fail with the listed exit status and code, a message naming the key, variable
/// or value, no unhandled exception, and no change to the node, the pod or the data directories; the
/// reference must still do what the corpus records of it, so the comparison table (README.md, generated
/// from the corpus) stays true.
/// </summary>
public class BadInputTests
{
    public static TheoryData<string> CaseIds => new(BadInputCase.All.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Bad_input_fails_cleanly_and_changes_nothing(string id)
    {
        Requires.Root();
        BadInputCase c = BadInputCase.Get(id);

        BadInputRun ours;
        string oursMsg;
        using (var rig = new BadInputRig(go: false))
        {
            ours = rig.Run(c);
            oursMsg = rig.Normalize(ours.Msg);
        }

        BadInputRun? go = null;
        string? goMsg = null;
        if (c.Go is not null)
        {
            using var rig = new BadInputRig(go: true);
            go = rig.Run(c);
            goMsg = rig.Normalize(go.Msg);
        }

        Dump(c, ours, oursMsg, go, goMsg);
        string where = $"case {id} ({c.What})\nours: {ours}\ngo: {go?.ToString() ?? "(no reference)"}";
        Assert.False(ours.Stderr.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || ours.Stderr.Contains("   at ", StringComparison.Ordinal), "an unhandled exception: " + where);
        Assert.True(ours.Exit == c.Ours.Exit, "our exit status: " + where);
        Assert.True(ours.Code == c.Ours.Code, $"our error code (expected {c.Ours.Code}): " + where);
        // A success prints no error: its text is then looked for in what it wrote to stderr (the "about" text of a call without CNI_COMMAND).
        Assert.True((c.Ours.Code is null ? ours.Stderr : oursMsg).Contains(c.Ours.Msg, StringComparison.Ordinal), $"our message does not contain \"{c.Ours.Msg}\": " + where);
        AssertLeaves(c.Ours.Leaves, ours, "our plugin", where);

        if (c.Go is Expectation g)
        {
            Assert.True(go!.Exit == g.Exit, "the reference's exit status changed: " + where);
            Assert.True(go.Code == g.Code, $"the reference's error code changed (recorded {g.Code}): " + where);
            Assert.True((g.Code is null ? go.Stderr : goMsg!).Contains(g.Msg, StringComparison.Ordinal), $"the reference's message no longer contains \"{g.Msg}\": " + where);
            if (g.Leaves is null)
            {
                Assert.True(!go.Changed, $"the reference now leaves state behind:\n{Diff(go.Before, go.After)}\n{where}");
            }
            else
            {
                Assert.True(go.Changed, "the reference no longer leaves state behind: " + where);
                AssertLeaves(g.Leaves, go, "the reference", where);
            }
        }
    }

    /// <summary>
    /// Nothing changed (<paramref name="leaves"/> null), anything ("*"), or only lines naming <paramref name="leaves"/>
    /// with no file outside the data directory changed.
    /// </summary>
    private static void AssertLeaves(string? leaves, BadInputRun run, string who, string where)
    {
        string diff = Diff(run.Before, run.After);
        if (leaves is null)
        {
            Assert.True(run.Before == run.After, $"{who} changed the node, the pod or the data directories:\n{diff}\n{where}");
            return;
        }

        if (leaves == "*")
        {
            return; // anything: only the reference is recorded so, where it succeeds or leaves a veth pair behind
        }

        // The files the symbolic-link cases point at (node/outside...) must never change.
        string[] changed = [.. diff.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.True(changed.All(l => l.Contains(leaves, StringComparison.Ordinal) && !l[2..].StartsWith("file node/outside", StringComparison.Ordinal) && !l[2..].StartsWith("dir node/outside", StringComparison.Ordinal)), $"{who} changed more than \"{leaves}\":\n{diff}\n{where}");
    }

    [Fact]
    public void The_corpus_covers_every_plugin_and_every_kind_of_fault()
    {
        IReadOnlyList<BadInputCase> all = BadInputCase.All;
        Assert.True(all.Count >= 60, $"the corpus has {all.Count} cases, fewer than 60");
        foreach (string plugin in new[] { "bridge", "host-local", "loopback", "flannel" })
        {
            Assert.True(all.Count(c => c.Plugin == plugin) >= 8, $"fewer than 8 cases for {plugin}");
        }

        // Hostile JSON, path traversal through every named input, and missing and huge variables are there.
        foreach (string needle in new[] { "deep:", "big:10485760", "badutf8" })
        {
            Assert.Contains(all, c => c.Generate?.StartsWith(needle, StringComparison.Ordinal) == true);
        }

        foreach (string variable in new[] { "CNI_CONTAINERID", "CNI_IFNAME", "CNI_NETNS", "CNI_COMMAND", "CNI_PATH" })
        {
            Assert.Contains(all, c => c.Env?.ContainsKey(variable) == true && c.Env[variable] is null);
            Assert.Contains(all, c => c.Env?.ContainsKey(variable) == true && c.Env[variable] is not null);
        }
    }

    /// <summary>The comparison table in README.md is the one the corpus renders (CNI_RECORD_GOLDEN=1 writes it, and fails).</summary>
    [Fact]
    public void The_comparison_table_is_generated_from_the_corpus()
    {
        string path = Path.Combine(Path.GetDirectoryName(BadInputCase.DataFile)!, "README.md");
        string rendered = Render(BadInputCase.All);
        if (GoldenFiles.Recording)
        {
            File.WriteAllText(path, rendered);
            Assert.Fail("recorded " + path);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path) == rendered, $"{path} is not what cases.json renders: run this test with CNI_RECORD_GOLDEN=1");
    }

    internal static string Render(IReadOnlyList<BadInputCase> all)
    {
        var sb = new StringBuilder();
        sb.Append("# The bad-input corpus\n\n");
        sb.Append("Generated from `cases.json` by `BadInputTests.The_comparison_table_is_generated_from_the_corpus` (run it with\n");
        sb.Append("`CNI_RECORD_GOLDEN=1` to write this file again). `BadInputTests.Bad_input_fails_cleanly_and_changes_nothing`\n");
        sb.Append("runs every case through our published binary and the Go reference (`/usr/lib/cni`, where one exists), each on\n");
        sb.Append("a throwaway node (node and pod namespace, private data directories), and checks both columns: exit status,\n");
        sb.Append("error code, a message substring, and whether the node, the pod or the data directories changed.\n\n");
        foreach (IGrouping<string, BadInputCase> plugin in all.GroupBy(c => c.Plugin))
        {
            sb.Append($"| {plugin.Key}: {plugin.Count()} cases | input | ours: exit/code, message contains | Go: exit/code, message contains | ours vs Go |\n");
            sb.Append("|---|---|---|---|---|\n");
            foreach (BadInputCase c in plugin)
            {
                string go = c.Go is Expectation g ? $"{g.Exit}/{g.Code?.ToString() ?? "success"} `{Cell(g.Msg)}`{(g.Leaves is null ? "" : $" (leaves {g.Leaves})")}" : "(no reference)";
                string ours = $"{c.Ours.Exit}/{c.Ours.Code?.ToString() ?? "success"} `{Cell(c.Ours.Msg)}`{(c.Ours.Leaves is null ? "" : $" (leaves {c.Ours.Leaves})")}";
                sb.Append($"| {c.Id} | {Cell(c.What)} | {ours} | {go} | {c.Compare}{(c.Note is null ? "" : ": " + Cell(c.Note))} |\n");
            }

            sb.Append('\n');
        }

        var counts = all.GroupBy(c => c.Compare.Split(' ')[0]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        sb.Append($"In all {all.Count} cases; ours vs Go: {string.Join(", ", counts)}.\n");
        return sb.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    private static string Diff(string before, string after)
    {
        string[] a = before.Split('\n');
        string[] b = after.Split('\n');
        var sb = new StringBuilder();
        foreach (string line in a.Except(b))
        {
            sb.Append("- ").Append(line).Append('\n');
        }

        foreach (string line in b.Except(a))
        {
            sb.Append("+ ").Append(line).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>CNI_BADINPUT_DUMP=dir writes what each run printed there (one JSON file per case), for writing new cases.</summary>
    private static void Dump(BadInputCase c, BadInputRun ours, string oursMsg, BadInputRun? go, string? goMsg)
    {
        if (Environment.GetEnvironmentVariable("CNI_BADINPUT_DUMP") is not { Length: > 0 } dir)
        {
            return;
        }

        Directory.CreateDirectory(dir);
        JsonObject Side(BadInputRun r, string msg) => new()
        {
            ["exit"] = r.Exit,
            ["code"] = r.Code,
            ["msg"] = msg,
            ["changed"] = r.Changed,
            ["diff"] = r.Changed ? Diff(r.Before, r.After) : null,
            ["stderr"] = r.Stderr.Length > 400 ? r.Stderr[..400] : r.Stderr,
        };
        var o = new JsonObject { ["id"] = c.Id, ["ours"] = Side(ours, oursMsg), ["go"] = go is null ? null : Side(go, goMsg!) };
        File.WriteAllText(Path.Combine(dir, c.Id + ".json"), o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
