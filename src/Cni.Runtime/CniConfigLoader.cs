using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// Loads network configurations from a directory with libcni's rules: <c>.conflist</c>, <c>.conf</c> and
/// <c>.json</c> files in lexical order of their names; a single plugin's <c>.conf</c>/<c>.json</c> lifted into
/// a list; the network's name taken from its content, never from the file's name; and, unless
/// <c>loadOnlyInlinedPlugins</c> is set, the <c>.conf</c> files of a sibling directory named after the network
/// appended to its plugins (spec 1.1.0).
/// </summary>
/// <remarks>
/// Unlike libcni, where one unparsable file sorted before the wanted one aborts the lookup, an invalid
/// file here is reported in <see cref="NetworkLoadResult.Errors"/> (naming the file and the key) and the
/// other files' networks are still loaded.
/// </remarks>
public static class CniConfigLoader
{
    /// <summary>The file extensions read, as libcni's: <c>.conf</c>, <c>.conflist</c>, <c>.json</c>.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".conf", ".conflist", ".json"];

    /// <summary>Loads every network of a directory.</summary>
    /// <param name="directory">The configuration directory, for example <c>/etc/cni/net.d</c>.</param>
    /// <returns>The networks in lexical order of their files, and an error for each file that could not be loaded. A missing directory gives neither.</returns>
    public static NetworkLoadResult LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var networks = new List<CniNetwork>();
        var errors = new List<ConfigFileError>();
        foreach (string file in ConfigFiles(directory))
        {
            try
            {
                networks.Add(LoadFile(file));
            }
            catch (CniException e)
            {
                errors.Add(new ConfigFileError(file, e));
            }
        }

        return new NetworkLoadResult(directory, networks, errors);
    }

    /// <summary>Loads the network named <paramref name="name"/> from a directory.</summary>
    /// <param name="directory">The configuration directory.</param>
    /// <param name="name">The network's name (its <c>name</c> key).</param>
    /// <returns>The network; see <see cref="NetworkLoadResult.Find"/> for which one wins when several files have the name.</returns>
    /// <exception cref="CniException">No valid network has that name (code 7); the message lists the files that could not be loaded.</exception>
    public static CniNetwork LoadNetwork(string directory, string name)
    {
        NetworkLoadResult result = LoadDirectory(directory);
        return result.Find(name) ?? throw result.NotFound(name);
    }

    /// <summary>Loads one file: a <c>.conflist</c> as a list, a <c>.conf</c> or <c>.json</c> as a single plugin lifted into a list.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The network, with the sibling directory's plugins appended unless <c>loadOnlyInlinedPlugins</c> is set.</returns>
    /// <exception cref="CniException">The file cannot be read (code 5) or is invalid (the message names the file and the key).</exception>
    public static CniNetwork LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"{path}: cannot read: {e.Message}", null, e);
        }

        bool isList = path.EndsWith(".conflist", StringComparison.Ordinal) || LooksLikeList(bytes);
        CniNetwork network = isList ? CniNetwork.Parse(bytes, path) : CniNetwork.FromPluginConfig(bytes, path);
        if (isList && !network.Config.LoadOnlyInlinedPlugins)
        {
            AppendSiblingPlugins(network, Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        return network;
    }

    /// <summary>The configuration files of a directory, by extension, sorted by name (ordinal).</summary>
    internal static List<string> ConfigFiles(string directory)
    {
        var files = new List<string>();
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string ext = Path.GetExtension(file);
            if (Extensions.Contains(ext, StringComparer.Ordinal))
            {
                files.Add(file);
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    // A .json file may hold a list: libcni reads .json as a single plugin only, but a file whose top level
    // has "plugins" cannot be one, so it is read as the list it is.
    private static bool LooksLikeList(byte[] bytes)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("plugins", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AppendSiblingPlugins(CniNetwork network, string directory)
    {
        string sibling = Path.Combine(directory, network.Name);
        if (!Directory.Exists(sibling))
        {
            return;
        }

        var files = Directory.EnumerateFiles(sibling, "*.conf").Where(f => f.EndsWith(".conf", StringComparison.Ordinal)).ToList();
        files.Sort(StringComparer.Ordinal);
        foreach (string file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CniException(CniErrorCode.IOFailure, $"{file}: cannot read: {e.Message}", null, e);
            }

            // A sibling file holds one plugin's object; its name and version come from the list.
            JsonObject? plugin;
            try
            {
                plugin = JsonNode.Parse(bytes) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new CniException(CniErrorCode.DecodingFailure, $"{file}: not JSON: {e.Message}", null, e);
            }

            if (plugin is null)
            {
                throw new CniException(CniErrorCode.DecodingFailure, $"{file}: a plugin configuration must be a JSON object");
            }

            try
            {
                ConfigRules.ValidateType(PluginRunner.TypeOf(plugin) is { Length: > 0 } t ? t : null);
            }
            catch (CniException e)
            {
                throw new CniException(e.Code, $"{file}: {e.Message}", e.Details, e);
            }

            network.AppendPlugin(plugin);
        }
    }
}

/// <summary>What <see cref="CniConfigLoader.LoadDirectory"/> found: the networks, and the files it could not load.</summary>
public sealed class NetworkLoadResult
{
    internal NetworkLoadResult(string directory, IReadOnlyList<CniNetwork> networks, IReadOnlyList<ConfigFileError> errors)
    {
        Directory = directory;
        Networks = networks;
        Errors = errors;
    }

    /// <summary>The directory read.</summary>
    public string Directory { get; }

    /// <summary>The valid networks, in lexical order of their files.</summary>
    public IReadOnlyList<CniNetwork> Networks { get; }

    /// <summary>The files that could not be loaded, each with its error.</summary>
    public IReadOnlyList<ConfigFileError> Errors { get; }

    /// <summary>
    /// Finds a network by name as libcni does: the first <c>.conflist</c> (in lexical order) with that name,
    /// else the first <c>.conf</c> or <c>.json</c>.
    /// </summary>
    /// <param name="name">The network's name.</param>
    /// <returns>The network, or <see langword="null"/>.</returns>
    public CniNetwork? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Networks.FirstOrDefault(n => n.Name == name && n.FilePath?.EndsWith(".conflist", StringComparison.Ordinal) == true)
            ?? Networks.FirstOrDefault(n => n.Name == name);
    }

    internal CniException NotFound(string name)
    {
        string message = Networks.Count == 0 && Errors.Count == 0
            ? $"no net configurations found in {Directory}"
            : $"no net configuration with name \"{name}\" in {Directory}";
        string? details = Errors.Count == 0
            ? null
            : "files that could not be loaded: " + string.Join("; ", Errors.Select(e => e.Error.Message));
        return new CniException(CniErrorCode.InvalidNetworkConfig, message, details);
    }
}

/// <summary>A configuration file that could not be loaded.</summary>
/// <param name="FilePath">The file.</param>
/// <param name="Error">Why; its message names the file and the key.</param>
public sealed record ConfigFileError(string FilePath, CniException Error);
