using System.Net;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// Reads the result wire shapes (<see cref="WireResult020"/>, <see cref="WireResult040"/>,
/// <see cref="WireResult100"/>) with <see cref="Utf8JsonReader"/>, each failure worded as the
/// source-generated reader worded it (<see cref="JsonReading"/>).
/// </summary>
/// <remarks>
/// A plugin reads a result on most calls (its IPAM plugin's answer, a <c>prevResult</c>, converting its
/// own result to the configuration's version); building the serializer's metadata for the wire types
/// cost more than the rest of the call's own work (callgrind). A key given twice takes its last value;
/// unknown keys are skipped; a list entry that is <c>null</c> is refused (the serializer's reading let
/// it through to a crash).
/// </remarks>
internal static class ResultReader
{
    private const string What = "result";

    private delegate void Member<T>(T target, string name, ref Utf8JsonReader reader, byte[] source, string path);

    /// <summary>Only the <c>cniVersion</c>, checking that the whole document is a JSON object.</summary>
    public static string? ReadVersion(byte[] source) =>
        ReadDocument(source, "Cni.Spec.WireVersionProbe", new WireVersionProbe(), static (probe, name, ref reader, src, path) =>
        {
            if (name == "cniVersion")
            {
                probe.CniVersion = JsonReading.String(ref reader, src, path, What);
            }
            else
            {
                reader.Skip();
            }
        }).CniVersion;

    public static WireResult020 Read020(byte[] source) =>
        ReadDocument(source, "Cni.Spec.WireResult020", new WireResult020(), static (w, name, ref reader, src, path) =>
        {
            switch (name)
            {
                case "cniVersion": w.CniVersion = JsonReading.String(ref reader, src, path, What); break;
                case "ip4": w.Ip4 = ReadObject(ref reader, src, path, "WireIp020", new WireIp020(), ReadIp020); break;
                case "ip6": w.Ip6 = ReadObject(ref reader, src, path, "WireIp020", new WireIp020(), ReadIp020); break;
                case "dns": w.Dns = ReadDns(ref reader, src, path); break;
                default: reader.Skip(); break;
            }
        });

    public static WireResult040 Read040(byte[] source) =>
        ReadDocument(source, "Cni.Spec.WireResult040", new WireResult040(), static (w, name, ref reader, src, path) =>
        {
            switch (name)
            {
                case "cniVersion": w.CniVersion = JsonReading.String(ref reader, src, path, What); break;
                case "interfaces": w.Interfaces = ReadList(ref reader, src, path, "WireInterface", static () => new WireInterface(), ReadInterface); break;
                case "ips": w.Ips = ReadList(ref reader, src, path, "WireIp040", static () => new WireIp040(), ReadIp040); break;
                case "routes": w.Routes = ReadList(ref reader, src, path, "WireRoute040", static () => new WireRoute040(), ReadRoute040); break;
                case "dns": w.Dns = ReadDns(ref reader, src, path); break;
                default: reader.Skip(); break;
            }
        });

    public static WireResult100 Read100(byte[] source) =>
        ReadDocument(source, "Cni.Spec.WireResult100", new WireResult100(), static (w, name, ref reader, src, path) =>
        {
            switch (name)
            {
                case "cniVersion": w.CniVersion = JsonReading.String(ref reader, src, path, What); break;
                case "interfaces": w.Interfaces = ReadList(ref reader, src, path, "WireInterface", static () => new WireInterface(), ReadInterface); break;
                case "ips": w.Ips = ReadList(ref reader, src, path, "WireIp100", static () => new WireIp100(), ReadIp100); break;
                case "routes": w.Routes = ReadList(ref reader, src, path, "WireRoute100", static () => new WireRoute100(), ReadRoute100); break;
                case "dns": w.Dns = ReadDns(ref reader, src, path); break;
                default: reader.Skip(); break;
            }
        });

    private static void ReadIp020(WireIp020 ip, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        switch (name)
        {
            case "ip": ip.Ip = Cidr(ref reader, src, path); break;
            case "gateway": ip.Gateway = Address(ref reader, src, path); break;
            case "routes": ip.Routes = ReadList(ref reader, src, path, "WireRoute040", static () => new WireRoute040(), ReadRoute040); break;
            default: reader.Skip(); break;
        }
    }

    private static void ReadInterface(WireInterface i, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        switch (name)
        {
            case "name": i.Name = JsonReading.String(ref reader, src, path, What); break;
            case "mac": i.Mac = JsonReading.String(ref reader, src, path, What); break;
            case "mtu": i.Mtu = Int(ref reader, src, path); break;
            case "sandbox": i.Sandbox = JsonReading.String(ref reader, src, path, What); break;
            case "socketPath": i.SocketPath = JsonReading.String(ref reader, src, path, What); break;
            case "pciID": i.PciId = JsonReading.String(ref reader, src, path, What); break;
            default: reader.Skip(); break;
        }
    }

    private static void ReadIp040(WireIp040 ip, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        if (name == "version")
        {
            ip.Version = JsonReading.String(ref reader, src, path, What);
        }
        else
        {
            ReadIp100(ip, name, ref reader, src, path);
        }
    }

    private static void ReadIp100(WireIp100 ip, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        switch (name)
        {
            case "interface": ip.Interface = Int(ref reader, src, path); break;
            case "address": ip.Address = Cidr(ref reader, src, path); break;
            case "gateway": ip.Gateway = Address(ref reader, src, path); break;
            default: reader.Skip(); break;
        }
    }

    private static void ReadRoute040(WireRoute040 r, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        switch (name)
        {
            case "dst": r.Dst = Cidr(ref reader, src, path); break;
            case "gw": r.Gw = Address(ref reader, src, path); break;
            default: reader.Skip(); break;
        }
    }

    private static void ReadRoute100(WireRoute100 r, string name, ref Utf8JsonReader reader, byte[] src, string path)
    {
        switch (name)
        {
            case "dst": r.Dst = Cidr(ref reader, src, path); break;
            case "gw": r.Gw = Address(ref reader, src, path); break;
            case "mtu": r.Mtu = Int(ref reader, src, path); break;
            case "advmss": r.AdvMss = Int(ref reader, src, path); break;
            case "priority": r.Priority = Int(ref reader, src, path); break;
            case "table": r.Table = Int(ref reader, src, path); break;
            case "scope": r.Scope = Int(ref reader, src, path); break;
            default: reader.Skip(); break;
        }
    }

    private static T ReadDocument<T>(byte[] source, string clrType, T target, Member<T> member)
    {
        JsonText.RequireDocument(source, What);

        var reader = new Utf8JsonReader(source);
        string path = "$";
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                while (reader.Read())
                {
                }

                throw new CniException(CniErrorCode.DecodingFailure, $"the {What} is null: expected a JSON object");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw JsonReading.WrongType(source, reader, "$", clrType, "an object", What);
            }

            ReadMembers(ref reader, source, "$", target, member, ref path);
            while (reader.Read())
            {
            }

            return target;
        }
        catch (JsonException e)
        {
            throw JsonReading.Syntax(e, path, What);
        }
    }

    /// <summary>Reads the members of the object the reader is on; <paramref name="current"/> follows the member being read, for syntax errors.</summary>
    private static void ReadMembers<T>(ref Utf8JsonReader reader, byte[] source, string path, T target, Member<T> member, ref string current)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            string memberPath = JsonReading.Property(path, name);
            current = memberPath;
            reader.Read();
            member(target, name, ref reader, source, memberPath);
            current = path;
        }
    }

    private static T? ReadObject<T>(ref Utf8JsonReader reader, byte[] source, string path, string typeName, T target, Member<T> member)
        where T : class
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonReading.WrongType(source, reader, path, "Cni.Spec." + typeName, $"of the expected type ({typeName})", What);
        }

        string current = path;
        ReadMembers(ref reader, source, path, target, member, ref current);
        return target;
    }

    private static List<T>? ReadList<T>(ref Utf8JsonReader reader, byte[] source, string path, string typeName, Func<T> create, Member<T> member)
        where T : class
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonReading.WrongType(source, reader, path, $"System.Collections.Generic.List`1[Cni.Spec.{typeName}]", "an array", What);
        }

        var list = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string itemPath = JsonReading.Index(path, list.Count);
            if (reader.TokenType == JsonTokenType.Null)
            {
                throw new CniException(CniErrorCode.DecodingFailure, $"invalid {What}: key \"{JsonText.KeyFromPath(itemPath)}\" is null: expected an object");
            }

            list.Add(ReadObject(ref reader, source, itemPath, typeName, create(), member)!);
        }

        return list;
    }

    private static int? Int(ref Utf8JsonReader reader, byte[] source, string path) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt32(out int value) => value,
        _ => throw JsonReading.WrongType(source, reader, path, "System.Nullable`1[System.Int32]", "an integer", What),
    };

    private static IPCidr? Cidr(ref Utf8JsonReader reader, byte[] source, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                string text = reader.GetString()!;
                return IPCidr.TryParse(text, out IPCidr value)
                    ? value
                    : throw JsonReading.Refused(source, reader, path, $"\"{text}\" is not an IP address with a prefix length (CIDR)", What);
            default:
                throw JsonReading.Refused(source, reader, path, $"expected a CIDR string such as \"10.1.0.5/24\", found {JsonText.TokenName(reader.TokenType)}", What);
        }
    }

    private static IPAddress? Address(ref Utf8JsonReader reader, byte[] source, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                string text = reader.GetString()!;
                if (text.Length == 0)
                {
                    return null;
                }

                return IPText.TryParse(text, out IPAddress? address)
                    ? address
                    : throw JsonReading.Refused(source, reader, path, $"\"{text}\" is not an IP address", What);
            default:
                throw JsonReading.Refused(source, reader, path, $"expected an IP address string, found {JsonText.TokenName(reader.TokenType)}", What);
        }
    }

    private static DnsConfig? ReadDns(ref Utf8JsonReader reader, byte[] source, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Utf8JsonReader atValue = reader;
        try
        {
            return DnsConfigJsonConverter.ReadObject(ref reader);
        }
        catch (DnsConfigJsonConverter.RefusedException e)
        {
            throw JsonReading.Refused(source, atValue, path, e.Message, What);
        }
    }
}
