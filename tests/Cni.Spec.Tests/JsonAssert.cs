using System.Text.Json.Nodes;

namespace Cni.Spec.Tests;

internal static class JsonAssert
{
    /// <summary>Asserts two JSON documents are equal in meaning (key order and spacing ignored).</summary>
    public static void Equivalent(string expected, string actual)
    {
        JsonNode? e = JsonNode.Parse(expected);
        JsonNode? a = JsonNode.Parse(actual);
        if (!JsonNode.DeepEquals(e, a))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{expected}\nActual:\n{actual}");
        }
    }
}
