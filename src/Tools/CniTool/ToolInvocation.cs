using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cni.Tools.CniTool;

/// <summary>A command line that could not be used: the usage text is printed and the tool exits with 1.</summary>
internal sealed class UsageException(string? problem) : Exception(problem ?? "usage")
{
    /// <summary>What was wrong, printed before the usage text; <see langword="null"/> when arguments were simply missing.</summary>
    public string? Problem { get; } = problem;
}

/// <summary>A setting from the environment that cannot be used (CNI_ARGS, CAP_ARGS): printed, exit 1.</summary>
internal sealed class SettingException(string message) : Exception(message);

/// <summary>
/// What one run of cnitool does, read from its arguments and environment as the reference cnitool reads
/// them: <c>cnitool add|check|del|gc|status &lt;network&gt; &lt;netns path&gt;</c>, <c>NETCONFPATH</c>,
/// <c>CNI_PATH</c>, <c>CNI_IFNAME</c>, <c>CNI_ARGS</c> and <c>CAP_ARGS</c>; and <c>CNITOOL_CACHE_DIR</c>,
/// ours, for the result cache's directory.
/// </summary>
internal sealed class ToolInvocation
{
    /// <summary>Where the network configuration files are when <c>NETCONFPATH</c> is unset or empty.</summary>
    public const string DefaultNetConfPath = "/etc/cni/net.d";

    /// <summary>The interface name when <c>CNI_IFNAME</c> is unset (an empty value is kept, as the reference keeps it).</summary>
    public const string DefaultIfName = "eth0";

    /// <summary>The verbs, as typed on the command line.</summary>
    public static readonly string[] Verbs = ["add", "check", "del", "gc", "status"];

    /// <summary>The verb: one of <see cref="Verbs"/>.</summary>
    public required string Verb { get; init; }

    /// <summary>The network's name (the list's <c>name</c>, not its file's).</summary>
    public required string Network { get; init; }

    /// <summary>The namespace path, absolute and lexically clean, as the reference makes it before hashing it.</summary>
    public required string NetNs { get; init; }

    /// <summary>The container ID: <c>cnitool-</c> and the first 20 hex digits of the SHA-512 of <see cref="NetNs"/>.</summary>
    public required string ContainerId { get; init; }

    /// <summary>The interface name (<c>CNI_IFNAME</c>).</summary>
    public required string IfName { get; init; }

    /// <summary>Where the network configuration files are (<c>NETCONFPATH</c>).</summary>
    public required string NetConfPath { get; init; }

    /// <summary>The plugin directories (<c>CNI_PATH</c>, split at ':'); empty when it is unset.</summary>
    public required IReadOnlyList<string> PluginDirectories { get; init; }

    /// <summary>The result cache's directory (<c>CNITOOL_CACHE_DIR</c>), or <see langword="null"/> for libcni's default.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The generic arguments (<c>CNI_ARGS</c>), in order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Args { get; init; }

    /// <summary>The capability arguments (<c>CAP_ARGS</c>, a JSON object), by capability name.</summary>
    public required IReadOnlyDictionary<string, JsonElement> CapabilityArgs { get; init; }

    /// <summary>Reads the command line and the environment.</summary>
    /// <param name="args">The arguments after the program's name.</param>
    /// <param name="environment">Reads one environment variable; <see langword="null"/> when it is unset.</param>
    /// <param name="currentDirectory">What a relative namespace path is relative to.</param>
    /// <returns>The invocation.</returns>
    /// <exception cref="UsageException">Fewer than three arguments, or an unknown verb.</exception>
    /// <exception cref="SettingException">CNI_ARGS or CAP_ARGS cannot be used.</exception>
    public static ToolInvocation Parse(IReadOnlyList<string> args, Func<string, string?> environment, string currentDirectory)
    {
        if (args.Count < 3)
        {
            throw new UsageException(null);
        }

        // The reference does nothing, successfully, for an unknown verb; we say so instead (README, "cnitool").
        if (Array.IndexOf(Verbs, args[0]) < 0)
        {
            throw new UsageException($"unknown command \"{args[0]}\"");
        }

        string netns = AbsoluteClean(args[2], currentDirectory);
        string? ifName = environment("CNI_IFNAME");
        string? netConfPath = environment("NETCONFPATH");
        string? cniPath = environment("CNI_PATH");
        string? cacheDir = environment("CNITOOL_CACHE_DIR");
        return new ToolInvocation
        {
            Verb = args[0],
            Network = args[1],
            NetNs = netns,
            ContainerId = ContainerIdOf(netns),
            IfName = ifName ?? DefaultIfName,
            NetConfPath = string.IsNullOrEmpty(netConfPath) ? DefaultNetConfPath : netConfPath,
            PluginDirectories = string.IsNullOrEmpty(cniPath) ? [] : cniPath.Split(':', StringSplitOptions.RemoveEmptyEntries),
            CacheDirectory = string.IsNullOrEmpty(cacheDir) ? null : cacheDir,
            Args = ParseCniArgs(environment("CNI_ARGS")),
            CapabilityArgs = ParseCapabilityArgs(environment("CAP_ARGS")),
        };
    }

    /// <summary>The reference's container ID for a namespace path: <c>cnitool-</c> + the first 10 bytes of its SHA-512, in lowercase hex.</summary>
    /// <param name="netns">The absolute, clean namespace path.</param>
    /// <returns>The container ID.</returns>
    public static string ContainerIdOf(string netns)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        SHA512.HashData(Encoding.UTF8.GetBytes(netns), hash);
        return "cnitool-" + Convert.ToHexStringLower(hash[..10]);
    }

    /// <summary>
    /// <c>CNI_ARGS</c> as the reference cnitool reads it, stricter than a plugin: pairs separated by ';', each
    /// exactly one '=' between a non-empty key and a non-empty value.
    /// </summary>
    /// <param name="text">The variable's value; unset or empty gives no pairs.</param>
    /// <returns>The pairs, in order.</returns>
    /// <exception cref="SettingException">A pair that is not <c>KEY=VALUE</c>.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseCniArgs(string? text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(text))
        {
            return pairs;
        }

        foreach (string pair in text.Split(';'))
        {
            string[] kv = pair.Split('=');
            if (kv.Length != 2 || kv[0].Length == 0 || kv[1].Length == 0)
            {
                throw new SettingException($"invalid CNI_ARGS pair \"{pair}\": CNI_ARGS is KEY=VALUE pairs separated by ';', each with one '=' and neither side empty");
            }

            pairs.Add(new(kv[0], kv[1]));
        }

        return pairs;
    }

    /// <summary><c>CAP_ARGS</c>: a JSON object whose members are capability arguments (for example <c>{"portMappings":[...]}</c>).</summary>
    /// <param name="text">The variable's value; unset, empty or <c>null</c> gives none.</param>
    /// <returns>The arguments by capability name.</returns>
    /// <exception cref="SettingException">Not JSON, or not an object.</exception>
    public static IReadOnlyDictionary<string, JsonElement> ParseCapabilityArgs(string? text)
    {
        var capabilities = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return capabilities;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new SettingException($"CAP_ARGS is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return capabilities;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SettingException($"CAP_ARGS must be a JSON object of capability arguments (for example {{\"portMappings\":[...]}}), not a JSON {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            foreach (JsonProperty capability in root.EnumerateObject())
            {
                capabilities[capability.Name] = capability.Value.Clone();
            }
        }

        return capabilities;
    }

    /// <summary>
    /// A path made absolute against <paramref name="currentDirectory"/> and cleaned lexically as Go's
    /// <c>filepath.Abs</c> does (the reference hashes that form): repeated separators collapsed, <c>.</c>
    /// removed, <c>..</c> resolved without looking at the file system, no trailing separator.
    /// </summary>
    /// <param name="path">The path as given.</param>
    /// <param name="currentDirectory">The working directory, absolute.</param>
    /// <returns>The clean absolute path.</returns>
    public static string AbsoluteClean(string path, string currentDirectory)
    {
        string joined = path.StartsWith('/') ? path : currentDirectory + "/" + path;
        var parts = new List<string>();
        foreach (string part in joined.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }
}
