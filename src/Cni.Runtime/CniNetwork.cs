using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// A network ready to run: a validated configuration list, the version picked for it, and where it
/// came from. Made by <see cref="CniConfigLoader"/> or <see cref="Parse(ReadOnlySpan{byte}, string?)"/>.
/// </summary>
/// <remarks>
/// The plugins are run with the list's <c>name</c> and the picked <see cref="CniVersion"/> injected into
/// each plugin's configuration (a plugin's own <c>cniVersion</c> and <c>name</c> are overwritten).
/// </remarks>
public sealed class CniNetwork
{
    private CniNetwork(NetworkConfigList config, byte[] bytes, string? filePath)
    {
        Config = config;
        Bytes = bytes;
        FilePath = filePath;
        CniVersion = config.SelectVersion();
        var versions = new List<CniVersion>();
        foreach (string? text in (IEnumerable<string?>)[config.CniVersionText, .. config.CniVersions ?? []])
        {
            if (CniVersion.TryParse(text, out CniVersion v) && v <= CniVersion.Current && !versions.Contains(v))
            {
                versions.Add(v);
            }
        }

        versions.Sort((a, b) => b.CompareTo(a));
        Versions = versions;
    }

    /// <summary>The network's name (<c>name</c>); it names the cache entries, not the file.</summary>
    public string Name => Config.Name!;

    /// <summary>
    /// The version the list runs with: the highest of <c>cniVersion</c> and <c>cniVersions</c> this library
    /// implements (spec 1.1.0). The result of ADD and the cache entry are in this version.
    /// </summary>
    public CniVersion CniVersion { get; }

    /// <summary>
    /// Every usable version the list names (<c>cniVersion</c> and <c>cniVersions</c>), newest first. A plugin
    /// that does not support <see cref="CniVersion"/> is run with the newest of these it does support, its
    /// <c>prevResult</c> converted to that version.
    /// </summary>
    public IReadOnlyList<CniVersion> Versions { get; }

    /// <summary>The parsed list; its <see cref="NetworkConfigList.Plugins"/> include those loaded from the network's sibling directory.</summary>
    public NetworkConfigList Config { get; }

    /// <summary>The plugins' configurations in chain order.</summary>
    public IReadOnlyList<JsonObject> Plugins => Config.Plugins!;

    /// <summary>The list's bytes: the file as read, or the list a single <c>.conf</c> was lifted into. Kept base64-encoded in the cache, as libcni does.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The file the network was loaded from, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Whether CHECK is disabled (<c>disableCheck</c>).</summary>
    public bool DisableCheck => Config.DisableCheck;

    /// <summary>Whether GC is disabled (<c>disableGC</c>, spec 1.1.0).</summary>
    public bool DisableGC => Config.DisableGC;

    /// <summary>Parses and validates a configuration list (a <c>.conflist</c>).</summary>
    /// <param name="utf8Json">The list.</param>
    /// <param name="filePath">Where it came from, named in errors; may be <see langword="null"/>.</param>
    /// <returns>The network.</returns>
    /// <exception cref="CniException">The list is invalid; the message names the file (if given) and the key.</exception>
    public static CniNetwork Parse(ReadOnlySpan<byte> utf8Json, string? filePath = null)
    {
        byte[] bytes = utf8Json.ToArray();
        return new CniNetwork(WithFile(filePath, () => NetworkConfigList.Parse(bytes)), bytes, filePath);
    }

    /// <summary>
    /// Parses a single plugin's configuration (a <c>.conf</c> or <c>.json</c> file, deprecated) and lifts
    /// it into a list of one plugin with its <c>name</c> and <c>cniVersion</c>, as libcni does.
    /// </summary>
    /// <param name="utf8Json">The plugin configuration.</param>
    /// <param name="filePath">Where it came from, named in errors; may be <see langword="null"/>.</param>
    /// <returns>The network.</returns>
    /// <exception cref="CniException">The configuration is invalid or has no <c>type</c>.</exception>
    public static CniNetwork FromPluginConfig(ReadOnlySpan<byte> utf8Json, string? filePath = null)
    {
        byte[] conf = utf8Json.ToArray();
        NetworkConfig config = WithFile(filePath, () => NetworkConfig.Parse(conf));
        if (config.Type is null)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, Prefix(filePath) + $"network \"{config.Name}\": missing \"type\"");
        }

        var buffer = new ArrayBufferWriter<byte>(conf.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (config.CniVersionText is not null)
            {
                writer.WriteString("cniVersion", config.CniVersionText);
            }

            writer.WriteString("name", config.Name);
            writer.WritePropertyName("plugins");
            writer.WriteStartArray();
            using (JsonDocument doc = JsonDocument.Parse(conf))
            {
                doc.RootElement.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        byte[] bytes = buffer.WrittenSpan.ToArray();
        return new CniNetwork(WithFile(filePath, () => NetworkConfigList.Parse(bytes)), bytes, filePath);
    }

    internal void AppendPlugin(JsonObject plugin) => Config.Plugins!.Add(plugin);

    internal static string Prefix(string? filePath) => filePath is null ? string.Empty : filePath + ": ";

    private static T WithFile<T>(string? filePath, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (CniException e) when (filePath is not null)
        {
            throw new CniException(e.Code, Prefix(filePath) + e.Message, e.Details, e);
        }
    }
}
