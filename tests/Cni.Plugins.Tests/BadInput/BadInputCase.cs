using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Tests;

namespace Cni.Plugins.Tests.BadInput;

/// <summary>
/// What one plugin is expected to do with a bad input: exit status, CNI error code (null for a success,
/// which prints no error), a substring of the message, and what it may leave behind: null for nothing, else a word every changed line of the state
/// names (for example the bridge's name, where a bridge is made before IPAM is asked and then kept).
/// </summary>
internal sealed record Expectation(int Exit, int? Code, string Msg, string? Leaves = null);

/// <summary>
/// One case of the bad-input corpus (cases.json): which plugin, what is wrong, how stdin and the
/// environment are built from the plugin's valid base configuration, and what ours and the Go reference
/// do with it. The cases are data; <see cref="BadInputRig"/> runs them.
/// </summary>
internal sealed class BadInputCase
{
    public static readonly string DataFile = Path.Combine(RepoPaths.Root, "tests", "Cni.Plugins.Tests", "BadInput", "cases.json");

    private static readonly Lazy<IReadOnlyList<BadInputCase>> Loaded = new(Load);

    public required string Id { get; init; }

    /// <summary>bridge, host-local, loopback or flannel.</summary>
    public required string Plugin { get; init; }

    /// <summary>The input, in words.</summary>
    public required string What { get; init; }

    public string Command { get; init; } = "ADD";

    /// <summary>Raw stdin text (placeholders replaced); null means the base configuration with <see cref="Patch"/> applied.</summary>
    public string? Stdin { get; init; }

    /// <summary>A generator applied to the configuration: deep:N (nested arrays), big:BYTES (padding first), badutf8.</summary>
    public string? Generate { get; init; }

    /// <summary>Dotted paths into the base configuration and their new JSON values; a value of <c>"$delete"</c> removes the key.</summary>
    public JsonObject? Patch { get; init; }

    /// <summary>Environment variables to set (placeholders replaced) or, when null, to remove.</summary>
    public JsonObject? Env { get; init; }

    /// <summary>A preparation of the data directory: symlink-network, symlink-lease, symlink-datadir.</summary>
    public string? Setup { get; init; }

    public required Expectation Ours { get; init; }

    /// <summary>What the Go reference does with the same input; null when there is no reference (flannel).</summary>
    public Expectation? Go { get; init; }

    /// <summary>How ours compares: same, stricter, clearer, different-code (with a note).</summary>
    public string Compare { get; init; } = "same";

    public string? Note { get; init; }

    public static IReadOnlyList<BadInputCase> All => Loaded.Value;

    public static BadInputCase Get(string id) => All.Single(c => c.Id == id);

    public override string ToString() => Id;

    /// <summary>The valid configuration each plugin's cases start from; every data directory is the rig's own.</summary>
    public static string BaseConfig(string plugin) => plugin switch
    {
        "bridge" => """{"cniVersion":"1.0.0","name":"badnet","type":"bridge","bridge":"cnibad0","isGateway":true,"ipam":{"type":"host-local","dataDir":"{{DATADIR}}","ranges":[[{"subnet":"10.88.0.0/24"}]]}}""",
        "host-local" => """{"cniVersion":"1.0.0","name":"badnet","type":"host-local","ipam":{"type":"host-local","dataDir":"{{DATADIR}}","ranges":[[{"subnet":"10.88.0.0/24"}]]}}""",
        "loopback" => """{"cniVersion":"1.0.0","name":"badnet","type":"loopback"}""",
        "flannel" => """{"cniVersion":"1.0.0","name":"badnet","type":"flannel","subnetFile":"{{SUBNETFILE}}","dataDir":"{{FLANNELDIR}}"}""",
        _ => throw new ArgumentException("no such plugin in the corpus: " + plugin),
    };

    /// <summary>The stdin bytes of this case, placeholders replaced with <paramref name="placeholders"/>.</summary>
    public byte[] StdinBytes(IReadOnlyDictionary<string, string> placeholders)
    {
        string text = Fill(Stdin ?? Patched(BaseConfig(Plugin), Patch), placeholders);
        return Generate is string g ? Generated(g, text) : Encoding.UTF8.GetBytes(text);
    }

    public static string Fill(string text, IReadOnlyDictionary<string, string> placeholders)
    {
        foreach ((string k, string v) in placeholders)
        {
            text = text.Replace("{{" + k + "}}", v, StringComparison.Ordinal);
        }

        int huge = text.IndexOf("{{HUGE:", StringComparison.Ordinal);
        if (huge >= 0)
        {
            int end = text.IndexOf("}}", huge, StringComparison.Ordinal);
            int n = int.Parse(text.AsSpan(huge + 7, end - huge - 7), System.Globalization.CultureInfo.InvariantCulture);
            text = string.Concat(text.AsSpan(0, huge), new string('a', n), text.AsSpan(end + 2));
        }

        return text;
    }

    /// <summary>Turns the (patched) configuration into a hostile one: nested deep, padded big, or with invalid UTF-8.</summary>
    private static byte[] Generated(string g, string text)
    {
        string[] parts = g.Split(':');
        switch (parts[0])
        {
            case "deep":
                {
                    // An unknown key whose value is N nested arrays.
                    int n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    return Encoding.UTF8.GetBytes(text[..^1] + ",\"x\":" + new string('[', n) + new string(']', n) + "}");
                }

            case "big":
                {
                    // Padded to N bytes by one long unknown string member placed first, so that the fault the
                    // patch put in comes after all of it.
                    int n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    return Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('p', n - text.Length - 13) + "\"," + text[1..]);
                }

            case "badutf8":
                {
                    // The network name holds the bytes 0xC3 0x28 (an invalid two-byte sequence).
                    byte[] bytes = Encoding.UTF8.GetBytes(text.Replace("\"badnet\"", "\"bad\u0001net\"", StringComparison.Ordinal));
                    int at = Array.IndexOf(bytes, (byte)1);
                    return [.. bytes[..at], 0xC3, 0x28, .. bytes[(at + 1)..]];
                }

            default:
                throw new ArgumentException("unknown generator " + g);
        }
    }

    /// <summary>The base configuration with a patch applied: "a.b.0.c" walks objects and arrays.</summary>
    private static string Patched(string baseText, JsonObject? patch)
    {
        JsonNode root = JsonNode.Parse(baseText)!;
        foreach ((string path, JsonNode? value) in patch ?? [])
        {
            string[] steps = path.Split('.');
            JsonNode parent = root;
            foreach (string step in steps[..^1])
            {
                parent = parent is JsonArray a ? a[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)]! : parent[step]!;
            }

            string last = steps[^1];
            bool delete = value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "$delete";
            if (parent is JsonArray array)
            {
                array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value?.DeepClone();
            }
            else if (delete)
            {
                parent.AsObject().Remove(last);
            }
            else
            {
                parent[last] = value?.DeepClone();
            }
        }

        return root.ToJsonString();
    }

    private static IReadOnlyList<BadInputCase> Load()
    {
        JsonArray cases = JsonNode.Parse(File.ReadAllText(DataFile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsArray();
        var list = new List<BadInputCase>();
        foreach (JsonNode? n in cases)
        {
            JsonObject o = n!.AsObject();
            list.Add(new BadInputCase
            {
                Id = (string)o["id"]!,
                Plugin = (string)o["plugin"]!,
                What = (string)o["what"]!,
                Command = (string?)o["command"] ?? "ADD",
                Stdin = (string?)o["stdin"],
                Generate = (string?)o["generate"],
                Patch = o["patch"]?.AsObject(),
                Env = o["env"]?.AsObject(),
                Setup = (string?)o["setup"],
                Ours = Expect(o["ours"]!)!,
                Go = Expect(o["go"]),
                Compare = (string?)o["compare"] ?? "same",
                Note = (string?)o["note"],
            });
        }

        string[] duplicates = [.. list.GroupBy(c => c.Id).Where(g => g.Count() > 1).Select(g => g.Key)];
        return duplicates.Length == 0 ? list : throw new InvalidDataException("duplicate case ids in cases.json: " + string.Join(", ", duplicates));
    }

    private static Expectation? Expect(JsonNode? n) => n is null
        ? null
        : new Expectation((int?)n["exit"] ?? 1, (int?)n["code"], (string?)n["msg"] ?? "", (string?)n["leaves"]);
}
