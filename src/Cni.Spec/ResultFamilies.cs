using System.Net.Sockets;
using System.Text.Json;

namespace Cni.Spec;

/// <summary>
/// The static table of result wire families and how each reads into and writes from the current
/// model. Converting between any two versions is "read with the source family, write with the
/// target family": there is no registration and no order to get wrong.
/// </summary>
internal static class ResultFamilies
{
    internal sealed record Family(
        string Name,
        CniVersion[] Versions,
        Func<byte[], CniVersion, CniResult> Read,
        Action<Utf8JsonWriter, CniResult, CniVersion> Write);

    internal static readonly Family[] Table =
    [
        new("0.1.0/0.2.0", [CniVersion.V0_1_0, CniVersion.V0_2_0], Read020, ResultWriter.Write020),
        new("0.3.x/0.4.0", [CniVersion.V0_3_0, CniVersion.V0_3_1, CniVersion.V0_4_0], Read040, ResultWriter.Write040),
        new("1.x", [CniVersion.V1_0_0, CniVersion.V1_1_0], Read100, ResultWriter.Write100),
    ];

    public static Family For(CniVersion version)
    {
        foreach (Family f in Table)
        {
            if (Array.IndexOf(f.Versions, version) >= 0)
            {
                return f;
            }
        }

        throw new CniException(
            CniErrorCode.IncompatibleVersion,
            $"unsupported CNI result version \"{version}\"",
            $"this library reads and writes results of versions {VersionList.Format(CniVersion.All)}");
    }

    public static CniResult Read(ReadOnlySpan<byte> utf8Json, CniVersion? assumedVersion)
    {
        byte[] bytes = utf8Json.ToArray();
        string? probed = ResultReader.ReadVersion(bytes);
        CniVersion version = string.IsNullOrEmpty(probed)
            ? assumedVersion ?? CniVersion.V0_1_0
            : CniVersion.TryParse(probed, out CniVersion v)
                ? v
                : throw new CniException(CniErrorCode.DecodingFailure, $"result has an invalid cniVersion \"{probed}\"");
        CniResult result = For(version).Read(bytes, version);
        result.CniVersion = version;
        return result;
    }

    public static byte[] Write(CniResult result, CniVersion version)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ResultWriter.Write(For(version).Write, result, version);
    }

    // ---- 0.1.0 / 0.2.0 ----

    private static CniResult Read020(byte[] json, CniVersion version)
    {
        WireResult020 wire = ResultReader.Read020(json);
        var result = new CniResult { Dns = wire.Dns ?? new DnsConfig() };
        AddLegacy(result, wire.Ip4, "ip4");
        AddLegacy(result, wire.Ip6, "ip6");
        return result;
    }

    private static void AddLegacy(CniResult result, WireIp020? ip, string key)
    {
        if (ip is null)
        {
            return;
        }

        if (ip.Ip is not IPCidr address)
        {
            throw new CniException(CniErrorCode.DecodingFailure, $"result key \"{key}\" has no \"ip\"");
        }

        result.Ips.Add(new IpConfig { Address = address, Gateway = ip.Gateway });
        foreach (WireRoute040 r in ip.Routes ?? [])
        {
            result.Routes.Add(FromWire(r, $"{key}.routes"));
        }
    }

    // ---- 0.3.0 / 0.3.1 / 0.4.0 ----

    private static CniResult Read040(byte[] json, CniVersion version)
    {
        WireResult040 wire = ResultReader.Read040(json);
        var result = new CniResult { Dns = wire.Dns ?? new DnsConfig() };
        ReadInterfaces(result, wire.Interfaces);
        ReadIps(result, wire.Ips);
        int index = 0;
        foreach (WireRoute040 r in wire.Routes ?? [])
        {
            result.Routes.Add(FromWire(r, $"routes[{index++}]"));
        }

        return result;
    }

    // ---- 1.0.0 / 1.1.0 ----

    private static CniResult Read100(byte[] json, CniVersion version)
    {
        WireResult100 wire = ResultReader.Read100(json);
        var result = new CniResult { Dns = wire.Dns ?? new DnsConfig() };
        ReadInterfaces(result, wire.Interfaces);
        ReadIps(result, wire.Ips);
        int index = 0;
        foreach (WireRoute100 r in wire.Routes ?? [])
        {
            result.Routes.Add(new CniRoute
            {
                Destination = r.Dst ?? throw MissingKey($"routes[{index}].dst"),
                Gateway = r.Gw,
                Mtu = r.Mtu,
                AdvMss = r.AdvMss,
                Priority = r.Priority,
                Table = r.Table,
                Scope = r.Scope,
            });
            index++;
        }

        return result;
    }

    // ---- shared pieces ----

    private static void ReadInterfaces(CniResult result, List<WireInterface>? interfaces)
    {
        int index = 0;
        foreach (WireInterface i in interfaces ?? [])
        {
            result.Interfaces.Add(new CniInterface
            {
                Name = i.Name ?? throw MissingKey($"interfaces[{index}].name"),
                Mac = EmptyToNull(i.Mac),
                Mtu = i.Mtu,
                Sandbox = EmptyToNull(i.Sandbox),
                SocketPath = EmptyToNull(i.SocketPath),
                PciId = EmptyToNull(i.PciId),
            });
            index++;
        }
    }

    private static void ReadIps(CniResult result, IEnumerable<WireIp100>? ips)
    {
        int index = 0;
        foreach (WireIp100 ip in ips ?? [])
        {
            result.Ips.Add(new IpConfig
            {
                Address = ip.Address ?? throw MissingKey($"ips[{index}].address"),
                Gateway = ip.Gateway,
                Interface = ip.Interface,
            });
            index++;
        }
    }

    private static CniRoute FromWire(WireRoute040 r, string key) =>
        new() { Destination = r.Dst ?? throw MissingKey(key + ".dst"), Gateway = r.Gw };

    private static CniException MissingKey(string key) =>
        new(CniErrorCode.DecodingFailure, $"result is missing the required key \"{key}\"");

    private static string? EmptyToNull(string? s) => string.IsNullOrEmpty(s) ? null : s;

}
