using System.Text.Json;

namespace Cni.Spec;

/// <summary>Small helpers for wording JSON problems so a person can act on them.</summary>
internal static class JsonText
{
    public static string TokenName(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Turns a JSON path such as <c>$.ipam.ranges[0]</c> into the key a user wrote: <c>ipam.ranges[0]</c>.</summary>
    public static string KeyFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "(top level)";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
