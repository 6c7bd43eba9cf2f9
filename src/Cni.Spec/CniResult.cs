using System.Net;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// The result of a successful ADD (and the <c>prevResult</c> of a chain), in the newest model
/// (spec 1.1.0). It reads every wire version and writes every wire version.
/// </summary>
/// <remarks>
/// <para>
/// Plugins always build this, the current model, and convert only at the edge: the dispatcher
/// writes it in the version the configuration asked for with <see cref="ToJson(CniVersion)"/>.
/// The three wire families and the rules between them:
/// </para>
/// <list type="bullet">
/// <item><description>0.1.0 and 0.2.0: <c>ip4</c>/<c>ip6</c> objects with per-family routes. Writing one keeps the
/// first IPv4 and the first IPv6 address only, splits routes by destination family, drops interfaces,
/// and fails when no address is left.</description></item>
/// <item><description>0.3.0, 0.3.1, 0.4.0: <c>interfaces</c>, <c>ips</c> with <c>version</c>, top-level <c>routes</c>.</description></item>
/// <item><description>1.0.0 and 1.1.0: <c>ips</c> without <c>version</c>; 1.1.0 adds interface <c>mtu</c>,
/// <c>socketPath</c>, <c>pciID</c> and route <c>mtu</c>, <c>advmss</c>, <c>priority</c>, <c>table</c>,
/// <c>scope</c>.</description></item>
/// </list>
/// <para>
/// Fields a version does not define are never written in it. The Go library lets the 1.1.0 route
/// fields leak into 1.0.0 and 0.4.0 output because those versions share its route type; this library
/// writes each version exactly as its specification defines it.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var result = new CniResult
/// {
///     Interfaces = { new CniInterface { Name = "eth0", Sandbox = "/run/netns/pod" } },
///     Ips = { new IpConfig { Address = IPCidr.Parse("10.1.0.5/24"), Gateway = IPAddress.Parse("10.1.0.1"), Interface = 0 } },
/// };
/// byte[] json = result.ToJson(CniVersion.V0_4_0);
/// </code>
/// </example>
public sealed class CniResult
{
    /// <summary>
    /// The version this result was read in, or the version it is meant for. Writing with
    /// <see cref="ToJson(CniVersion)"/> stamps the version it writes.
    /// </summary>
    public CniVersion CniVersion { get; set; } = CniVersion.Current;

    /// <summary>The interfaces the plugin created or knows of (0.3.0 and later).</summary>
    public IList<CniInterface> Interfaces { get; init; } = [];

    /// <summary>The addresses assigned.</summary>
    public IList<IpConfig> Ips { get; init; } = [];

    /// <summary>The routes created.</summary>
    public IList<CniRoute> Routes { get; init; } = [];

    /// <summary>DNS settings for the container; empty when the plugin has none.</summary>
    public DnsConfig Dns { get; set; } = new();

    /// <summary>Reads a result in any supported version.</summary>
    /// <param name="utf8Json">The JSON document.</param>
    /// <param name="assumedVersion">
    /// The version to assume when the document has no <c>cniVersion</c> (the reference runtime uses
    /// the configuration's version); <see langword="null"/> means 0.1.0.
    /// </param>
    /// <returns>The result, in the current model, with <see cref="CniVersion"/> set to the version read.</returns>
    /// <exception cref="CniException">The document is not a result (code 6), or its version is unknown (code 1).</exception>
    public static CniResult Parse(ReadOnlySpan<byte> utf8Json, CniVersion? assumedVersion) =>
        ResultFamilies.Read(utf8Json, assumedVersion);

    /// <summary>Reads a result in any supported version.</summary>
    /// <param name="json">The JSON document.</param>
    /// <param name="assumedVersion">The version to assume when the document has none; <see langword="null"/> means 0.1.0.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CniException">The document is not a result (code 6), or its version is unknown (code 1).</exception>
    public static CniResult Parse(string json, CniVersion? assumedVersion)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), assumedVersion);
    }

    /// <summary>Writes this result in a given version, indented as the reference plugins print it.</summary>
    /// <param name="version">The wire version to write.</param>
    /// <returns>The UTF-8 JSON document.</returns>
    /// <exception cref="CniException">
    /// The version is unknown (code 1), or the result cannot be expressed in it, for example a
    /// 0.2.0 result without any address (code 1).
    /// </exception>
    public byte[] ToJson(CniVersion version) => ResultFamilies.Write(this, version);

    /// <summary>Writes this result in a given version as a string.</summary>
    /// <param name="version">The wire version to write.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="CniException">The result cannot be written in that version.</exception>
    public string ToJsonString(CniVersion version) => System.Text.Encoding.UTF8.GetString(ToJson(version));

    /// <summary>
    /// Converts this result to another version: the fields that version cannot carry are dropped,
    /// exactly as writing and reading it back would.
    /// </summary>
    /// <param name="version">The target version.</param>
    /// <returns>A new result in the target version.</returns>
    /// <exception cref="CniException">The result cannot be expressed in that version.</exception>
    public CniResult ConvertTo(CniVersion version) => Parse(ToJson(version), version);

    /// <summary>Reads a result from a JSON element (for example a <c>prevResult</c>).</summary>
    /// <param name="element">The element.</param>
    /// <param name="assumedVersion">The version to assume when the element has no <c>cniVersion</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CniException">The element is not a result.</exception>
    public static CniResult FromJsonElement(JsonElement element, CniVersion? assumedVersion = null)
    {
        // Written compactly as the serializer wrote it (positions in errors refer to this text), without its metadata.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = LazyJsonEncoder.Strict }))
        {
            element.WriteTo(writer);
        }

        return Parse(buffer.WrittenSpan, assumedVersion);
    }
}

/// <summary>An interface in a result (<c>interfaces[]</c>, spec 0.3.0 and later).</summary>
public sealed class CniInterface
{
    /// <summary>The interface name (<c>name</c>).</summary>
    public required string Name { get; set; }

    /// <summary>The hardware address, if any (<c>mac</c>).</summary>
    public string? Mac { get; set; }

    /// <summary>The MTU, if the plugin reports it (<c>mtu</c>, spec 1.1.0).</summary>
    public int? Mtu { get; set; }

    /// <summary>The isolation domain (netns path) the interface lives in; absent for host interfaces (<c>sandbox</c>).</summary>
    public string? Sandbox { get; set; }

    /// <summary>A path to a socket for the interface, for userspace networking (<c>socketPath</c>, spec 1.1.0).</summary>
    public string? SocketPath { get; set; }

    /// <summary>The PCI address of the device (<c>pciID</c>, spec 1.1.0).</summary>
    public string? PciId { get; set; }
}

/// <summary>An assigned address (<c>ips[]</c>).</summary>
public sealed class IpConfig
{
    /// <summary>The address with its prefix length (<c>address</c>).</summary>
    public required IPCidr Address { get; set; }

    /// <summary>The default gateway of the subnet, if any (<c>gateway</c>).</summary>
    public IPAddress? Gateway { get; set; }

    /// <summary>Index into <see cref="CniResult.Interfaces"/> of the interface holding the address (<c>interface</c>); IPAM plugins leave it unset.</summary>
    public int? Interface { get; set; }
}

/// <summary>A route (<c>routes[]</c>).</summary>
public sealed class CniRoute
{
    /// <summary>The destination (<c>dst</c>).</summary>
    public required IPCidr Destination { get; set; }

    /// <summary>The next hop; when unset the default gateway of the interface is meant (<c>gw</c>).</summary>
    public IPAddress? Gateway { get; set; }

    /// <summary>The route MTU (<c>mtu</c>, spec 1.1.0).</summary>
    public int? Mtu { get; set; }

    /// <summary>The advertised TCP MSS (<c>advmss</c>, spec 1.1.0).</summary>
    public int? AdvMss { get; set; }

    /// <summary>The route priority (metric) (<c>priority</c>, spec 1.1.0).</summary>
    public int? Priority { get; set; }

    /// <summary>The routing table (<c>table</c>, spec 1.1.0).</summary>
    public int? Table { get; set; }

    /// <summary>The route scope: 0 global, 253 link, 254 host (<c>scope</c>, spec 1.1.0).</summary>
    public int? Scope { get; set; }
}

/// <summary>DNS settings (<c>dns</c>), in results and in network configurations.</summary>
public sealed class DnsConfig
{
    /// <summary>Name servers, by priority (<c>nameservers</c>).</summary>
    public IList<string> Nameservers { get; init; } = [];

    /// <summary>The local domain for short host names (<c>domain</c>).</summary>
    public string? Domain { get; set; }

    /// <summary>Search domains, by priority (<c>search</c>).</summary>
    public IList<string> Search { get; init; } = [];

    /// <summary>Resolver options (<c>options</c>).</summary>
    public IList<string> Options { get; init; } = [];

    /// <summary>Whether no setting is present.</summary>
    public bool IsEmpty => Nameservers.Count == 0 && string.IsNullOrEmpty(Domain) && Search.Count == 0 && Options.Count == 0;
}
