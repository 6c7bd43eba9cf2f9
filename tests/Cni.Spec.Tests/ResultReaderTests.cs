using System.Text;
using System.Text.Json;

namespace Cni.Spec.Tests;

/// <summary>
/// <see cref="CniResult.Parse(ReadOnlySpan{byte}, CniVersion?)"/> reads the wire shapes with a
/// hand-written reader; these pin it to the source-generated reader it replaced.
/// Golden/result-reading.outcomes.json holds, for 100 documents (every golden result, malformed JSON, nested,
/// every member with wrong types, duplicates, unknown keys) each read with no assumed version and with
/// 1.0.0, 0.4.0 and 0.2.0 assumed, the outcome recorded with the source-generated reader: the error
/// code, message and details, or the result written back in its version.
/// </summary>
public class ResultReaderTests
{
    public static TheoryData<string, string?, string> Recorded()
    {
        var data = new TheoryData<string, string?, string>();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "result-reading.outcomes.json")));
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            data.Add(
                e.GetProperty("input").GetString()!,
                e.TryGetProperty("assumed", out JsonElement a) ? a.GetString() : null,
                e.GetProperty("outcome").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Reads_as_the_source_generated_reader_did(string input, string? assumed, string recorded)
    {
        if (recorded.StartsWith("unhandled NullReferenceException", StringComparison.Ordinal))
        {
            // The one deliberate change: a null entry in interfaces, ips or routes crashed (code 999);
            // it is now a coded error naming the entry.
            var e = Assert.Throws<CniException>(() => Parse(input, assumed));
            Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
            Assert.Matches("^invalid result: key \"(interfaces|ips|routes)\\[0\\]\" is null: expected an object$", e.Message);
            return;
        }

        Assert.Equal(recorded, Describe(input, assumed));
    }

    [Fact]
    public void The_recording_covers_every_family_and_kind_of_failure()
    {
        string[] outcomes = [.. Recorded().Select(row => row.Data.Item3)];
        Assert.True(outcomes.Length >= 388);
        foreach (string family in new[] { "ok 0.2.0", "ok 0.4.0", "ok 1.1.0", "as JSON:", "which is not an integer", "is not an IP address", "must hold strings", "missing the required key" })
        {
            Assert.Contains(outcomes, o => o.Contains(family, StringComparison.Ordinal));
        }
    }

    private static CniResult Parse(string input, string? assumed) =>
        CniResult.Parse(Encoding.UTF8.GetBytes(input), assumed is null ? null : CniVersion.Parse(assumed));

    /// <summary>What a caller can observe of a read, in one line (the recording used this same function).</summary>
    private static string Describe(string line, string? assumed)
    {
        CniResult r;
        try
        {
            r = Parse(line, assumed);
        }
        catch (CniException e)
        {
            return $"error {(int)e.Code}: {e.Message} | details: {e.Details}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"unhandled {e.GetType().Name}: {e.Message}";
        }

        try
        {
            return $"ok {r.CniVersion} " + r.ToJsonString(r.CniVersion).ReplaceLineEndings(" ");
        }
        catch (CniException e)
        {
            return $"ok {r.CniVersion} ips={r.Ips.Count} write-error {(int)e.Code}: {e.Message}";
        }
    }
}
