using System.Buffers;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// Writes a <see cref="NetworkConfig"/> as compact JSON with <see cref="Utf8JsonWriter"/>: the bytes the
/// source-generated serializer wrote (keys in declaration order, <see langword="null"/> members left out,
/// the keys this type does not model last), without its metadata, so that a plugin that can reach
/// <see cref="NetworkConfig.ToJson"/> does not link the serializer.
/// </summary>
internal static class NetworkConfigWriter
{
    internal static readonly JsonWriterOptions Options = new() { Encoder = LazyJsonEncoder.Relaxed };

    public static byte[] Write(NetworkConfig c, in LazySection<IpamConfig> ipam, in LazySection<RuntimeConfig> runtimeConfig, in LazySection<ConfigArgs> args)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        string path = "$";
        try
        {
            using var w = new Utf8JsonWriter(buffer, Options);
            w.WriteStartObject();
            String(w, "cniVersion", c.CniVersionText);
            String(w, "name", c.Name);
            String(w, "type", c.Type);
            if (c.Capabilities is { } capabilities)
            {
                w.WriteStartObject("capabilities");
                foreach (KeyValuePair<string, bool> kv in capabilities)
                {
                    w.WriteBoolean(kv.Key, kv.Value);
                }

                w.WriteEndObject();
            }

            if (c.IpMasq is bool ipMasq)
            {
                w.WriteBoolean("ipMasq", ipMasq);
            }

            if (c.Dns is { } dns)
            {
                w.WritePropertyName("dns");
                DnsConfigJsonConverter.WriteObject(w, dns);
            }

            ipam.WriteTo(w, "ipam", WriteIpam);
            runtimeConfig.WriteTo(w, "runtimeConfig", WriteRuntimeConfig);
            args.WriteTo(w, "args", WriteArgs);
            Element(w, "prevResult", c.PrevResultJson);
            Attachments(w, "cni.dev/valid-attachments", c.ValidAttachmentsKey);
            Attachments(w, "cni.dev/attachments", c.AttachmentsKey);
            path = "$.ExtensionData";
            Extension(w, c.ExtensionData);
            w.WriteEndObject();
        }
        catch (InvalidOperationException e)
        {
            // A value the writer refuses (say a lone surrogate kept from the input): worded as the serializer words it.
            throw new JsonException($"The object or value could not be serialized. Path: {path}.", e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static void WriteIpam(Utf8JsonWriter w, IpamConfig ipam)
    {
        w.WriteStartObject();
        String(w, "type", ipam.Type);
        Extension(w, ipam.ExtensionData);
        w.WriteEndObject();
    }

    internal static void WriteRuntimeConfig(Utf8JsonWriter w, RuntimeConfig rc)
    {
        w.WriteStartObject();
        if (rc.PortMappings is { } ports)
        {
            w.WriteStartArray("portMappings");
            foreach (PortMapping p in ports)
            {
                w.WriteStartObject();
                w.WriteNumber("hostPort", p.HostPort);
                w.WriteNumber("containerPort", p.ContainerPort);
                String(w, "protocol", p.Protocol);
                String(w, "hostIP", p.HostIp);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (rc.IpRanges is { } sets)
        {
            w.WriteStartArray("ipRanges");
            foreach (List<IpRangeConfig> set in sets)
            {
                if (set is null)
                {
                    w.WriteNullValue();
                    continue;
                }

                w.WriteStartArray();
                foreach (IpRangeConfig r in set)
                {
                    w.WriteStartObject();
                    String(w, "subnet", r.Subnet);
                    String(w, "rangeStart", r.RangeStart);
                    String(w, "rangeEnd", r.RangeEnd);
                    String(w, "gateway", r.Gateway);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
        }

        if (rc.Bandwidth is { } b)
        {
            w.WriteStartObject("bandwidth");
            Number(w, "ingressRate", b.IngressRate);
            Number(w, "ingressBurst", b.IngressBurst);
            Number(w, "egressRate", b.EgressRate);
            Number(w, "egressBurst", b.EgressBurst);
            w.WriteEndObject();
        }

        if (rc.Dns is { } dns)
        {
            w.WriteStartObject("dns");
            Strings(w, "servers", dns.Servers);
            Strings(w, "searches", dns.Searches);
            Strings(w, "options", dns.Options);
            w.WriteEndObject();
        }

        Strings(w, "ips", rc.Ips);
        String(w, "mac", rc.Mac);
        String(w, "infinibandGUID", rc.InfinibandGuid);
        String(w, "deviceID", rc.DeviceId);
        Strings(w, "aliases", rc.Aliases);
        String(w, "cgroupPath", rc.CgroupPath);
        Extension(w, rc.ExtensionData);
        w.WriteEndObject();
    }

    internal static void WriteArgs(Utf8JsonWriter w, ConfigArgs args)
    {
        w.WriteStartObject();
        if (args.Cni is { } cni)
        {
            w.WriteStartObject("cni");
            Strings(w, "ips", cni.Ips);
            if (cni.Labels is { } labels)
            {
                w.WriteStartArray("labels");
                foreach (Label l in labels)
                {
                    if (l is null)
                    {
                        w.WriteNullValue();
                        continue;
                    }

                    w.WriteStartObject();
                    String(w, "key", l.Key);
                    String(w, "value", l.Value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            Extension(w, cni.ExtensionData);
            w.WriteEndObject();
        }

        Extension(w, args.ExtensionData);
        w.WriteEndObject();
    }

    private static void Attachments(Utf8JsonWriter w, string name, List<Attachment>? attachments)
    {
        if (attachments is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (Attachment a in attachments)
        {
            if (a is null)
            {
                w.WriteNullValue();
                continue;
            }

            w.WriteStartObject();
            String(w, "containerID", a.ContainerId);
            String(w, "ifname", a.IfName);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (string v in values)
        {
            if (v is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(v);
            }
        }

        w.WriteEndArray();
    }

    private static void Element(Utf8JsonWriter w, string name, JsonElement? value)
    {
        if (value is JsonElement e)
        {
            w.WritePropertyName(name);
            e.WriteTo(w);
        }
    }

    /// <summary>Extension data, as the serializer writes it: every key, values as they were read (an undefined element as null).</summary>
    private static void Extension(Utf8JsonWriter w, Dictionary<string, JsonElement>? data)
    {
        if (data is null)
        {
            return;
        }

        foreach (KeyValuePair<string, JsonElement> kv in data)
        {
            w.WritePropertyName(kv.Key);
            if (kv.Value.ValueKind == JsonValueKind.Undefined)
            {
                w.WriteNullValue();
            }
            else
            {
                kv.Value.WriteTo(w);
            }
        }
    }
}
