using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.Flannel;

/// <summary>
/// The flannel configuration: where the node's lease and the saved delegate configurations are, and
/// the bases the delegate's configuration is rendered from.
/// </summary>
internal sealed class FlannelConfig
{
    public const string DefaultSubnetFile = "/run/flannel/subnet.env";
    public const string DefaultDataDir = "/var/lib/cni/flannel";

    private FlannelConfig(JsonObject root, string name)
    {
        Root = root;
        Name = name;
    }

    /// <summary>The whole configuration as read.</summary>
    public JsonObject Root { get; }

    public string Name { get; }

    public string SubnetFile { get; private init; } = DefaultSubnetFile;

    public string DataDir { get; private init; } = DefaultDataDir;

    /// <summary>Reads the configuration from the request's stdin.</summary>
    /// <exception cref="CniException">A key has the wrong type or a forbidden member (code 7, naming it).</exception>
    public static FlannelConfig From(CniRequest request)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(request.StdinData.Span)!.AsObject();
            _ = root.Count; // materialises the members, so a duplicated key fails here
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new CniException(CniErrorCode.DecodingFailure, "failed to load netconf: " + e.Message);
        }

        var config = new FlannelConfig(root, request.Config.Name!)
        {
            SubnetFile = Path(root, "subnetFile") ?? DefaultSubnetFile,
            DataDir = DataDirectory(Path(root, "dataDir")) ?? DefaultDataDir,
        };
        JsonObject? baseDelegate = OptionalObject(root, "delegate");
        if (baseDelegate is not null)
        {
            if (baseDelegate.TryGetPropertyValue("type", out JsonNode? type) && type?.GetValueKind() != JsonValueKind.String)
            {
                throw WrongType("'delegate' dictionary, if present, must have (string) 'type' field: \"delegate.type\" is " + Describe(type));
            }

            if (type is not null)
            {
                ConfigRules.ValidateType(type.GetValue<string>());
            }

            if (baseDelegate.ContainsKey("name"))
            {
                throw Invalid("'delegate' dictionary must not have 'name' field, it'll be set by flannel: remove \"delegate.name\" (the delegate gets the network's name)");
            }

            if (baseDelegate.ContainsKey("ipam"))
            {
                throw Invalid("'delegate' dictionary must not have 'ipam' field, it'll be set by flannel: put the IPAM keys in the top-level \"ipam\"");
            }
        }

        _ = OptionalObject(root, "ipam");
        _ = OptionalObject(root, "runtimeConfig");
        return config;
    }

    /// <summary>
    /// The delegate's configuration as the reference renders it for ADD (and for DEL when the saved one is
    /// unusable): the <c>delegate</c> base with the network's name, the defaults from subnet.env, and an
    /// <c>ipam</c> from the <c>ipam</c> base with one range set per family and a route per cluster network.
    /// </summary>
    /// <exception cref="CniException"><c>ipam.routes</c> is not a list of routes (code 7, naming the entry).</exception>
    public RenderedDelegate RenderDelegate(SubnetEnv env)
    {
        JsonObject rendered = OptionalObject(Root, "delegate") is JsonObject d ? (JsonObject)d.DeepClone() : [];
        if (OptionalObject(Root, "runtimeConfig") is JsonObject runtimeConfig)
        {
            rendered["runtimeConfig"] = runtimeConfig.DeepClone();
        }

        rendered["name"] = Name;
        rendered.TryAdd("type", "bridge");
        rendered.TryAdd("ipMasq", !env.IpMasq!.Value);
        rendered.TryAdd("mtu", env.Mtu!.Value);
        if ((string?)rendered["type"] == "bridge")
        {
            rendered.TryAdd("isGateway", true);
        }

        if (Root["cniVersion"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0)
        {
            rendered["cniVersion"] = v.GetValue<string>();
        }

        JsonObject? baseIpam = OptionalObject(Root, "ipam");
        JsonObject ipam = baseIpam is null ? [] : (JsonObject)baseIpam.DeepClone();
        ipam.TryAdd("type", "host-local");
        var ranges = new JsonArray();
        foreach (IPNetwork? subnet in new[] { env.Subnet, env.Ipv6Subnet })
        {
            if (subnet is IPNetwork s)
            {
                ranges.Add((JsonNode)new JsonArray(new JsonObject { ["subnet"] = s.ToString() }));
            }
        }

        ipam["ranges"] = ranges;
        JsonArray routes = baseIpam is not null && baseIpam.TryGetPropertyValue("routes", out JsonNode? given) ? NormalizeRoutes(given) : [];
        foreach (IPNetwork network in env.Networks.Concat(env.Ipv6Networks))
        {
            routes.Add((JsonNode)new JsonObject { ["dst"] = network.ToString() });
        }

        ipam["routes"] = routes;
        rendered["ipam"] = ipam;
        return new RenderedDelegate(rendered, [.. routes.Cast<JsonObject>()]);
    }

    // The reference reads ipam.routes as CNI route objects and writes them back in their field order
    // (dst, gw, mtu, advmss, priority, table, scope; zero mtu/advmss/priority and unknown keys dropped).
    private static JsonArray NormalizeRoutes(JsonNode? routes)
    {
        var result = new JsonArray();
        if (routes is null)
        {
            return result;
        }

        if (routes is not JsonArray list)
        {
            throw WrongType("failed to parse ipam.routes: \"ipam.routes\" must be a list of routes, not " + Describe(routes));
        }

        for (int i = 0; i < list.Count; i++)
        {
            string key = $"ipam.routes[{i}]";
            if (list[i] is not JsonObject route)
            {
                throw WrongType($"failed to parse ipam.routes: \"{key}\" must be an object, not {Describe(list[i])}");
            }

            var normalized = new JsonObject();
            string dstText = route["dst"] is JsonValue dv && dv.GetValueKind() == JsonValueKind.String ? dv.GetValue<string>() : "";
            normalized["dst"] = IPCidr.TryParse(dstText, out IPCidr dst)
                ? FormatCidr(dst)
                : throw Invalid($"failed to parse ipam.routes: \"{key}.dst\" must be a CIDR such as 10.0.0.0/8, not {Describe(route["dst"])}");
            if (route["gw"] is JsonNode gwNode)
            {
                string gwText = gwNode.GetValueKind() == JsonValueKind.String
                    ? gwNode.GetValue<string>()
                    : throw WrongType($"failed to parse ipam.routes: \"{key}.gw\" must be an IP address, not {Describe(gwNode)}");
                if (gwText.Length > 0)
                {
                    normalized["gw"] = IPText.TryParse(gwText, out IPAddress? gw)
                        ? FormatAddress(gw)
                        : throw Invalid($"failed to parse ipam.routes: \"{key}.gw\" must be an IP address, not {Describe(gwNode)}");
                }
            }

            foreach ((string name, bool keepZero) in new[] { ("mtu", false), ("advmss", false), ("priority", false), ("table", true), ("scope", true) })
            {
                if (route[name] is JsonNode n && Integer(n, $"{key}.{name}") is long value && (value != 0 || keepZero))
                {
                    normalized[name] = value;
                }
            }

            result.Add((JsonNode)normalized);
        }

        return result;
    }

    private static long? Integer(JsonNode node, string key)
    {
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out JsonElement e) && e.TryGetInt32(out int value))
        {
            return value;
        }

        throw WrongType($"failed to parse ipam.routes: \"{key}\" must be an integer, not {Describe(node)}");
    }

    // Go's net.IP text: an IPv4-mapped IPv6 address is written as IPv4.
    private static string FormatAddress(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();

    private static string FormatCidr(IPCidr cidr) =>
        cidr.Address.IsIPv4MappedToIPv6 && cidr.PrefixLength >= 96
            ? string.Create(CultureInfo.InvariantCulture, $"{cidr.Address.MapToIPv4()}/{cidr.PrefixLength - 96}")
            : string.Create(CultureInfo.InvariantCulture, $"{FormatAddress(cidr.Address)}/{cidr.PrefixLength}");

    private static string? Path(JsonObject root, string key)
    {
        if (!root.TryGetPropertyValue(key, out JsonNode? node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw WrongType($"\"{key}\" must be a non-empty path, not {Describe(node)}");
        }

        return node.GetValue<string>() is { Length: > 0 } path
            ? path
            : throw Invalid($"\"{key}\" must be a non-empty path, not {Describe(node)}");
    }

    /// <summary>
    /// The saved-configuration directory, refused (code 7) when a <c>..</c> component could take it out of
    /// the intended place, before anything is made there: host-local's rule for its <c>dataDir</c>.
    /// </summary>
    private static string? DataDirectory(string? dataDir) =>
        dataDir is not null && dataDir.Split('/').Contains("..")
            ? throw Invalid($"invalid \"dataDir\" \"{dataDir}\": a path with a \"..\" component could leave the intended directory")
            : dataDir;

    private static JsonObject? OptionalObject(JsonObject root, string key) =>
        !root.TryGetPropertyValue(key, out JsonNode? node) || node is null ? null
        : node as JsonObject ?? throw WrongType($"\"{key}\" must be an object, not {Describe(node)}");

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);

    // A key whose JSON kind is wrong (a number where a path belongs) cannot be decoded: code 6, as the
    // other plugins and Cni.Spec report it; a value of the right kind that is not acceptable is code 7.
    private static CniException WrongType(string message) => new(CniErrorCode.DecodingFailure, message);
}

/// <summary>
/// A rendered delegate configuration: Go maps (sorted when written) except its routes, which the
/// reference holds as typed route structs (written in their field order).
/// </summary>
internal sealed record RenderedDelegate(JsonObject Json, HashSet<JsonObject> Routes)
{
    public string Type => (string)Json["type"]!;

    /// <summary>The bytes the reference writes for the same tree.</summary>
    public byte[] ToBytes() => GoJson.Serialize(Json, Routes);
}
