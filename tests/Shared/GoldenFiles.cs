using System.Text.Encodings.Web;
using System.Text.Json;
using Xunit;

namespace Cni.Tests;

/// <summary>
/// The golden files that pin a hand-written reader or writer to what the source-generated serializer
/// did before it: <c>[{"input": …, "outcome": …}]</c> for readers, <c>[output, …]</c> for writers.
/// <c>CNI_RECORD_GOLDEN=1</c> records a writer's file again, and the recording test fails so that it can
/// never count as a pass.
/// </summary>
internal static class GoldenFiles
{
    public static bool Recording => Environment.GetEnvironmentVariable("CNI_RECORD_GOLDEN") == "1";

    /// <summary>The recorded (input, outcome) pairs of a reader's golden file.</summary>
    public static TheoryData<string, string> Outcomes(string path)
    {
        var data = new TheoryData<string, string>();
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            data.Add(e.GetProperty("input").GetString()!, e.GetProperty("outcome").GetString()!);
        }

        return data;
    }

    /// <summary>Asserts that a writer's outputs equal the recorded ones, or records them when <see cref="Recording"/>.</summary>
    public static void AssertOutputs(string path, IReadOnlyList<string> outputs)
    {
        if (Recording)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Default }))
            {
                w.WriteStartArray();
                foreach (string output in outputs)
                {
                    w.WriteStringValue(output);
                }

                w.WriteEndArray();
            }

            File.WriteAllBytes(path, [.. stream.ToArray(), (byte)'\n']);
            Assert.Fail($"recorded {outputs.Count} outputs into {path}");
        }

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal(doc.RootElement.EnumerateArray().Select(e => e.GetString()!), outputs);
    }
}
