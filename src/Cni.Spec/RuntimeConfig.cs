using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cni.Spec;

/// <summary>
/// Capability arguments the runtime passes in <c>runtimeConfig</c>: the well-known capabilities of
/// the CNI conventions typed, any other kept in <see cref="ExtensionData"/>.
/// </summary>
public sealed class RuntimeConfig
{
    /// <summary>Port forwards from the host to the container (<c>portMappings</c>; portmap).</summary>
    [JsonPropertyName("portMappings")]
    public List<PortMapping>? PortMappings { get; set; }

    /// <summary>Dynamic IP ranges, the same shape as host-local's <c>ranges</c> (<c>ipRanges</c>).</summary>
    [JsonPropertyName("ipRanges")]
    public List<List<IpRangeConfig>>? IpRanges { get; set; }

    /// <summary>Traffic shaping limits (<c>bandwidth</c>).</summary>
    [JsonPropertyName("bandwidth")]
    public BandwidthConfig? Bandwidth { get; set; }

    /// <summary>DNS settings from the runtime (<c>dns</c>).</summary>
    [JsonPropertyName("dns")]
    public RuntimeDnsConfig? Dns { get; set; }

    /// <summary>Static addresses requested for the container, <c>ip[/prefix]</c> (<c>ips</c>).</summary>
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>A MAC address for the container interface (<c>mac</c>).</summary>
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    /// <summary>An InfiniBand GUID (<c>infinibandGUID</c>).</summary>
    [JsonPropertyName("infinibandGUID")]
    public string? InfinibandGuid { get; set; }

    /// <summary>A device identifier such as a PCI address (<c>deviceID</c>).</summary>
    [JsonPropertyName("deviceID")]
    public string? DeviceId { get; set; }

    /// <summary>Network aliases for the container (<c>aliases</c>).</summary>
    [JsonPropertyName("aliases")]
    public List<string>? Aliases { get; set; }

    /// <summary>The container's cgroup path (<c>cgroupPath</c>).</summary>
    [JsonPropertyName("cgroupPath")]
    public string? CgroupPath { get; set; }

    /// <summary>Other capabilities, kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One port forward (<c>runtimeConfig.portMappings[]</c>).</summary>
public sealed class PortMapping
{
    /// <summary>The port on the host (<c>hostPort</c>).</summary>
    [JsonPropertyName("hostPort")]
    public int HostPort { get; set; }

    /// <summary>The port in the container (<c>containerPort</c>).</summary>
    [JsonPropertyName("containerPort")]
    public int ContainerPort { get; set; }

    /// <summary>The protocol: <c>tcp</c>, <c>udp</c> or <c>sctp</c> (<c>protocol</c>).</summary>
    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    /// <summary>The host address to bind, if any (<c>hostIP</c>).</summary>
    [JsonPropertyName("hostIP")]
    public string? HostIp { get; set; }
}

/// <summary>One address range (<c>ipRanges[][]</c>, and host-local's <c>ranges[][]</c>).</summary>
public sealed class IpRangeConfig
{
    /// <summary>The subnet, in CIDR notation (<c>subnet</c>).</summary>
    [JsonPropertyName("subnet")]
    public string? Subnet { get; set; }

    /// <summary>The first address to hand out (<c>rangeStart</c>).</summary>
    [JsonPropertyName("rangeStart")]
    public string? RangeStart { get; set; }

    /// <summary>The last address to hand out (<c>rangeEnd</c>).</summary>
    [JsonPropertyName("rangeEnd")]
    public string? RangeEnd { get; set; }

    /// <summary>The gateway (<c>gateway</c>).</summary>
    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }
}

/// <summary>Traffic shaping limits (<c>runtimeConfig.bandwidth</c>), in bits per second and bits.</summary>
public sealed class BandwidthConfig
{
    /// <summary>Ingress rate (<c>ingressRate</c>).</summary>
    [JsonPropertyName("ingressRate")]
    public long? IngressRate { get; set; }

    /// <summary>Ingress burst (<c>ingressBurst</c>).</summary>
    [JsonPropertyName("ingressBurst")]
    public long? IngressBurst { get; set; }

    /// <summary>Egress rate (<c>egressRate</c>).</summary>
    [JsonPropertyName("egressRate")]
    public long? EgressRate { get; set; }

    /// <summary>Egress burst (<c>egressBurst</c>).</summary>
    [JsonPropertyName("egressBurst")]
    public long? EgressBurst { get; set; }
}

/// <summary>DNS settings from the runtime (<c>runtimeConfig.dns</c>).</summary>
public sealed class RuntimeDnsConfig
{
    /// <summary>Name servers (<c>servers</c>).</summary>
    [JsonPropertyName("servers")]
    public List<string>? Servers { get; set; }

    /// <summary>Search domains (<c>searches</c>).</summary>
    [JsonPropertyName("searches")]
    public List<string>? Searches { get; set; }

    /// <summary>Resolver options (<c>options</c>).</summary>
    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }
}

/// <summary>The <c>args</c> key of a configuration: conventions live under <c>args.cni</c>.</summary>
public sealed class ConfigArgs
{
    /// <summary>The CNI conventions' arguments (<c>args.cni</c>).</summary>
    [JsonPropertyName("cni")]
    public CniConventionArgs? Cni { get; set; }

    /// <summary>Other arguments, kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The conventional arguments under <c>args.cni</c>.</summary>
public sealed class CniConventionArgs
{
    /// <summary>Requested addresses, <c>ip[/prefix]</c> (<c>ips</c>).</summary>
    [JsonPropertyName("ips")]
    public List<string>? Ips { get; set; }

    /// <summary>Labels for the attachment (<c>labels</c>).</summary>
    [JsonPropertyName("labels")]
    public List<Label>? Labels { get; set; }

    /// <summary>Other arguments, for example the bridge plugin's <c>mac</c>.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A key/value label (<c>args.cni.labels[]</c>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record Label(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string Value);

/// <summary>
/// Reads the <c>runtimeConfig</c> and <c>args</c> sections by hand over <see cref="Utf8JsonReader"/>, as the
/// source-generated metadata read them (same keys, same errors: the key prefixed with the section's name, the
/// details' path and position within the section's text), without building that metadata on a plugin's start path.
/// </summary>
internal ref struct SectionReader
{
    private const string What = "network configuration";
    private readonly ReadOnlySpan<byte> _source;
    private readonly string _section;
    private Utf8JsonReader _reader;

    private SectionReader(ReadOnlySpan<byte> source, string section)
    {
        _source = source;
        _section = section;
        _reader = new Utf8JsonReader(source);
        _reader.Read();
    }

    public static RuntimeConfig ReadRuntimeConfig(ReadOnlySpan<byte> section)
    {
        var r = new SectionReader(section, "runtimeConfig");
        var c = new RuntimeConfig();
        while (r.NextMember("$", out string name, out string path))
        {
            switch (name)
            {
                case "portMappings": c.PortMappings = r.ObjectList(path, "Cni.Spec.PortMapping", static (ref SectionReader r, string path) => r.PortMapping(path)!); break;
                case "ipRanges": c.IpRanges = r.RangeSets(path); break;
                case "bandwidth": c.Bandwidth = r.Bandwidth(path); break;
                case "dns": c.Dns = r.Dns(path); break;
                case "ips": c.Ips = r.StringList(path); break;
                case "mac": c.Mac = r.String(path); break;
                case "infinibandGUID": c.InfinibandGuid = r.String(path); break;
                case "deviceID": c.DeviceId = r.String(path); break;
                case "aliases": c.Aliases = r.StringList(path); break;
                case "cgroupPath": c.CgroupPath = r.String(path); break;
                default: (c.ExtensionData ??= [])[name] = JsonReading.Element(ref r._reader); break;
            }
        }

        return c;
    }

    public static ConfigArgs ReadArgs(ReadOnlySpan<byte> section)
    {
        var r = new SectionReader(section, "args");
        var a = new ConfigArgs();
        while (r.NextMember("$", out string name, out string path))
        {
            if (name == "cni")
            {
                a.Cni = r.ConventionArgs(path);
            }
            else
            {
                (a.ExtensionData ??= [])[name] = JsonReading.Element(ref r._reader);
            }
        }

        return a;
    }

    private delegate T ReadEntry<T>(ref SectionReader reader, string path);

    /// <summary>Moves to the next member of the object the reader is in, and onto its value.</summary>
    private bool NextMember(string objectPath, out string name, out string path)
    {
        if (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            name = _reader.GetString()!;
            path = JsonReading.Property(objectPath, name);
            _reader.Read();
            return true;
        }

        name = path = "";
        return false;
    }

    private readonly CniException WrongType(string path, string clrType, string expected) =>
        JsonReading.WrongType(_source, _reader, path, clrType, expected, What, _section);

    /// <summary>Checks the reader is on an object (false for <c>null</c>) or fails naming <paramref name="clrType"/>.</summary>
    private readonly bool StartObject(string path, string clrType)
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        return _reader.TokenType == JsonTokenType.StartObject
            ? true
            : throw WrongType(path, clrType, $"of the expected type ({clrType[(clrType.LastIndexOf('.') + 1)..]})");
    }

    private readonly bool StartArray(string path, string entryType)
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        return _reader.TokenType == JsonTokenType.StartArray
            ? true
            : throw WrongType(path, $"System.Collections.Generic.List`1[{entryType}]", "an array");
    }

    private readonly string? String(string path) => _reader.TokenType switch
    {
        JsonTokenType.String => _reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw WrongType(path, "System.String", "a string"),
    };

    private List<string>? StringList(string path)
    {
        if (!StartArray(path, "System.String"))
        {
            return null;
        }

        List<string> list = [];
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(String(JsonReading.Index(path, list.Count))!);
        }

        return list;
    }

    private List<T>? ObjectList<T>(string path, string entryType, ReadEntry<T> read)
    {
        if (!StartArray(path, entryType))
        {
            return null;
        }

        List<T> list = [];
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(read(ref this, JsonReading.Index(path, list.Count)));
        }

        return list;
    }

    private readonly int Int32(string path)
    {
        if (_reader.TokenType == JsonTokenType.Number && _reader.TryGetInt32(out int value))
        {
            return value;
        }

        if (_reader.TokenType == JsonTokenType.Null)
        {
            CniException e = JsonReading.NullFor(_source, _reader, path, "System.Int32", "a number", What);
            throw new CniException(e.Code, e.Message.Replace("key \"", "key \"" + _section + ".", StringComparison.Ordinal), e.Details);
        }

        throw WrongType(path, "System.Int32", "an integer");
    }

    private readonly long? NullableInt64(string path)
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        return _reader.TokenType == JsonTokenType.Number && _reader.TryGetInt64(out long value)
            ? value
            : throw WrongType(path, "System.Nullable`1[System.Int64]", "an integer");
    }

    private PortMapping? PortMapping(string path)
    {
        if (!StartObject(path, "Cni.Spec.PortMapping"))
        {
            return null;
        }

        var p = new PortMapping();
        while (NextMember(path, out string name, out string key))
        {
            switch (name)
            {
                case "hostPort": p.HostPort = Int32(key); break;
                case "containerPort": p.ContainerPort = Int32(key); break;
                case "protocol": p.Protocol = String(key); break;
                case "hostIP": p.HostIp = String(key); break;
                default: _reader.Skip(); break;
            }
        }

        return p;
    }

    private List<List<IpRangeConfig>>? RangeSets(string path) =>
        ObjectList(path, "System.Collections.Generic.List`1[Cni.Spec.IpRangeConfig]", static (ref SectionReader r, string path) =>
            r.ObjectList(path, "Cni.Spec.IpRangeConfig", static (ref SectionReader r, string path) => r.Range(path)!)!);

    private IpRangeConfig? Range(string path)
    {
        if (!StartObject(path, "Cni.Spec.IpRangeConfig"))
        {
            return null;
        }

        var range = new IpRangeConfig();
        while (NextMember(path, out string name, out string key))
        {
            switch (name)
            {
                case "subnet": range.Subnet = String(key); break;
                case "rangeStart": range.RangeStart = String(key); break;
                case "rangeEnd": range.RangeEnd = String(key); break;
                case "gateway": range.Gateway = String(key); break;
                default: _reader.Skip(); break;
            }
        }

        return range;
    }

    private BandwidthConfig? Bandwidth(string path)
    {
        if (!StartObject(path, "Cni.Spec.BandwidthConfig"))
        {
            return null;
        }

        var b = new BandwidthConfig();
        while (NextMember(path, out string name, out string key))
        {
            switch (name)
            {
                case "ingressRate": b.IngressRate = NullableInt64(key); break;
                case "ingressBurst": b.IngressBurst = NullableInt64(key); break;
                case "egressRate": b.EgressRate = NullableInt64(key); break;
                case "egressBurst": b.EgressBurst = NullableInt64(key); break;
                default: _reader.Skip(); break;
            }
        }

        return b;
    }

    private RuntimeDnsConfig? Dns(string path)
    {
        if (!StartObject(path, "Cni.Spec.RuntimeDnsConfig"))
        {
            return null;
        }

        var d = new RuntimeDnsConfig();
        while (NextMember(path, out string name, out string key))
        {
            switch (name)
            {
                case "servers": d.Servers = StringList(key); break;
                case "searches": d.Searches = StringList(key); break;
                case "options": d.Options = StringList(key); break;
                default: _reader.Skip(); break;
            }
        }

        return d;
    }

    private CniConventionArgs? ConventionArgs(string path)
    {
        if (!StartObject(path, "Cni.Spec.CniConventionArgs"))
        {
            return null;
        }

        var a = new CniConventionArgs();
        while (NextMember(path, out string name, out string key))
        {
            switch (name)
            {
                case "ips": a.Ips = StringList(key); break;
                case "labels": a.Labels = ObjectList(key, "Cni.Spec.Label", static (ref SectionReader r, string path) => r.Label(path)!); break;
                default: (a.ExtensionData ??= [])[name] = JsonReading.Element(ref _reader); break;
            }
        }

        return a;
    }

    // A record read through its constructor: the serializer names the record, not the string, for a wrong type inside.
    private Label? Label(string path)
    {
        if (!StartObject(path, "Cni.Spec.Label"))
        {
            return null;
        }

        string? key = null, value = null;
        while (NextMember(path, out string name, out string memberPath))
        {
            switch (name)
            {
                case "key": key = LabelString(memberPath); break;
                case "value": value = LabelString(memberPath); break;
                default: _reader.Skip(); break;
            }
        }

        return new Label(key!, value!);
    }

    private readonly string? LabelString(string path) => _reader.TokenType switch
    {
        JsonTokenType.String => _reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw WrongType(path, "Cni.Spec.Label", "of the expected type (Label)"),
    };
}
