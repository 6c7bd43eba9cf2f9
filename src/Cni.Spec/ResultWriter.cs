using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// Writes results of each wire family straight from the current model, indented with four spaces
/// and with the members, order and omissions of the reference plugins' output.
/// </summary>
/// <remarks>
/// Hand-written on purpose: a plugin prints one result per process, and building the serializer's
/// metadata for the result types cost more instructions than the rest of writing it (measured with
/// callgrind). Reading still goes through the source-generated wire types.
/// </remarks>
internal static class ResultWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 4,
        Encoder = LazyJsonEncoder.Relaxed,
    };

    public static byte[] Write(Action<Utf8JsonWriter, CniResult, CniVersion> write, CniResult result, CniVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer, result, version);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>0.1.0/0.2.0: the first IPv4 and first IPv6 address, routes split by family, no interfaces.</summary>
    public static void Write020(Utf8JsonWriter w, CniResult result, CniVersion version)
    {
        IpConfig? v4 = result.Ips.FirstOrDefault(i => i.Address.IsIPv4);
        IpConfig? v6 = result.Ips.FirstOrDefault(i => !i.Address.IsIPv4);
        if (v4 is null && v6 is null)
        {
            throw new CniException(
                CniErrorCode.IncompatibleVersion,
                $"cannot convert the result to version {version}: it has no IP address, and results of that version must have one");
        }

        w.WriteStartObject();
        w.WriteString("cniVersion"u8, version.ToString());
        WriteLegacyIp(w, "ip4"u8, v4, result.Routes, AddressFamily.InterNetwork);
        WriteLegacyIp(w, "ip6"u8, v6, result.Routes, AddressFamily.InterNetworkV6);
        WriteDns(w, result.Dns);
        w.WriteEndObject();
    }

    private static void WriteLegacyIp(Utf8JsonWriter w, ReadOnlySpan<byte> name, IpConfig? ip, IList<CniRoute> routes, AddressFamily family)
    {
        if (ip is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("ip"u8, ip.Address.ToString());
        WriteAddress(w, "gateway"u8, ip.Gateway);
        bool any = false;
        foreach (CniRoute route in routes)
        {
            if (route.Destination.Address.AddressFamily != family)
            {
                continue;
            }

            if (!any)
            {
                w.WriteStartArray("routes"u8);
                any = true;
            }

            WriteRoute(w, route, includeV11: false);
        }

        if (any)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>0.3.0/0.3.1/0.4.0: interfaces, ips with <c>version</c>, routes of dst and gw only.</summary>
    public static void Write040(Utf8JsonWriter w, CniResult result, CniVersion version) =>
        WriteCurrentShape(w, result, version, withIpVersion: true, includeV11: false);

    /// <summary>1.0.0/1.1.0: ips without <c>version</c>; the 1.1.0 members only in 1.1.0 and later.</summary>
    public static void Write100(Utf8JsonWriter w, CniResult result, CniVersion version) =>
        WriteCurrentShape(w, result, version, withIpVersion: false, includeV11: version >= CniVersion.V1_1_0);

    private static void WriteCurrentShape(Utf8JsonWriter w, CniResult result, CniVersion version, bool withIpVersion, bool includeV11)
    {
        w.WriteStartObject();
        w.WriteString("cniVersion"u8, version.ToString());
        if (result.Interfaces.Count > 0)
        {
            w.WriteStartArray("interfaces"u8);
            foreach (CniInterface i in result.Interfaces)
            {
                w.WriteStartObject();
                w.WriteString("name"u8, i.Name);
                WriteText(w, "mac"u8, i.Mac);
                if (includeV11 && i.Mtu is > 0)
                {
                    w.WriteNumber("mtu"u8, i.Mtu.Value);
                }

                WriteText(w, "sandbox"u8, i.Sandbox);
                if (includeV11)
                {
                    WriteText(w, "socketPath"u8, i.SocketPath);
                    WriteText(w, "pciID"u8, i.PciId);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (result.Ips.Count > 0)
        {
            w.WriteStartArray("ips"u8);
            foreach (IpConfig ip in result.Ips)
            {
                w.WriteStartObject();
                if (withIpVersion)
                {
                    w.WriteString("version"u8, ip.Address.IsIPv4 ? "4"u8 : "6"u8);
                }

                if (ip.Interface is int index)
                {
                    w.WriteNumber("interface"u8, index);
                }

                w.WriteString("address"u8, ip.Address.ToString());
                WriteAddress(w, "gateway"u8, ip.Gateway);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (result.Routes.Count > 0)
        {
            w.WriteStartArray("routes"u8);
            foreach (CniRoute route in result.Routes)
            {
                WriteRoute(w, route, includeV11);
            }

            w.WriteEndArray();
        }

        WriteDns(w, result.Dns);
        w.WriteEndObject();
    }

    private static void WriteRoute(Utf8JsonWriter w, CniRoute route, bool includeV11)
    {
        w.WriteStartObject();
        w.WriteString("dst"u8, route.Destination.ToString());
        WriteAddress(w, "gw"u8, route.Gateway);
        if (includeV11)
        {
            WriteNumber(w, "mtu"u8, route.Mtu);
            WriteNumber(w, "advmss"u8, route.AdvMss);
            WriteNumber(w, "priority"u8, route.Priority);
            WriteNumber(w, "table"u8, route.Table);
            WriteNumber(w, "scope"u8, route.Scope);
        }

        w.WriteEndObject();
    }

    /// <summary><c>dns</c> is always written, as the reference does, with its empty members left out.</summary>
    internal static void WriteDns(Utf8JsonWriter w, DnsConfig? dns)
    {
        w.WritePropertyName("dns"u8);
        DnsConfigJsonConverter.WriteObject(w, dns ?? new DnsConfig());
    }

    private static void WriteText(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteAddress(Utf8JsonWriter w, ReadOnlySpan<byte> name, IPAddress? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value.ToString());
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is int v)
        {
            w.WriteNumber(name, v);
        }
    }
}
