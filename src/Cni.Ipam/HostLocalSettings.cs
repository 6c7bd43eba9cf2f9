using Cni.Spec;

namespace Cni.Ipam;

// The keys of host-local's configuration as written, before HostLocalConfig.Load checks them, read by hand
// with NetworkConfig.ReadSettings (source-generated metadata cost host-local's ADD millions of instructions
// of serializer set-up). Ranges are Cni.Spec's IpRangeConfig, the type runtimeConfig.ipRanges uses too;
// addresses stay text here so that each bad value fails with the reference's message rather than a decoder's.
// The type names given to the getters are those the serializer named in its errors, which are kept.

/// <summary>The configuration's <c>ipam</c> key, the only one host-local reads beside the well-known ones.</summary>
internal sealed class HostLocalNetConf
{
    public HostLocalIpamSettings? Ipam { get; set; }

    public static HostLocalNetConf Read(NetworkConfig config) => config.ReadSettings(new HostLocalNetConf(), ReadKey);

    private static void ReadKey(HostLocalNetConf s, ref SettingsValue value)
    {
        if (value.Key == "ipam")
        {
            s.Ipam = value.GetObject(static () => new HostLocalIpamSettings(), HostLocalIpamSettings.ReadKey, "Cni.Ipam.HostLocalIpamSettings");
        }
    }
}

/// <summary>
/// The <c>ipam</c> object as host-local defines it, with the deprecated single range written at its top
/// (<c>subnet</c>, <c>rangeStart</c>, <c>rangeEnd</c>, <c>gateway</c>: <see cref="Legacy"/>).
/// </summary>
/// <remarks>
/// The source-generated reader decoded the legacy range in a second pass, so a wrong type there is reported
/// only when the rest of the object has none: <see cref="LegacyError"/> keeps the first one for that.
/// </remarks>
internal sealed class HostLocalIpamSettings
{
    public string? Type { get; set; }

    /// <summary>Range sets: each inner array is one pool, yielding one address per attachment.</summary>
    public List<List<IpRangeConfig?>?>? Ranges { get; set; }

    public List<RouteSetting?>? Routes { get; set; }

    public string? DataDir { get; set; }

    public string? ResolvConf { get; set; }

    public IpRangeConfig Legacy { get; } = new();

    public CniException? LegacyError { get; private set; }

    public static void ReadKey(HostLocalIpamSettings s, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "type": s.Type = value.GetString(); break;
            case "ranges": s.Ranges = value.GetArray(ReadRangeSet, "System.Collections.Generic.List`1[Cni.Spec.IpRangeConfig]"); break;
            case "routes": s.Routes = value.GetArrayOfObjects(static () => new RouteSetting(), RouteSetting.ReadKey, "Cni.Ipam.RouteSetting"); break;
            case "dataDir": s.DataDir = value.GetString(); break;
            case "resolvConf": s.ResolvConf = value.GetString(); break;
            case "subnet" or "rangeStart" or "rangeEnd" or "gateway":
                try
                {
                    ReadRangeKey(s.Legacy, ref value);
                }
                catch (CniException e)
                {
                    s.LegacyError ??= e;
                }

                break;
        }
    }

    private static List<IpRangeConfig?>? ReadRangeSet(ref SettingsValue value) =>
        value.GetArrayOfObjects(static () => new IpRangeConfig(), ReadRangeKey, "Cni.Spec.IpRangeConfig");

    private static void ReadRangeKey(IpRangeConfig r, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "subnet": r.Subnet = value.GetString(); break;
            case "rangeStart": r.RangeStart = value.GetString(); break;
            case "rangeEnd": r.RangeEnd = value.GetString(); break;
            case "gateway": r.Gateway = value.GetString(); break;
        }
    }
}

/// <summary>One entry of <c>ipam.routes</c>, copied into the result as written.</summary>
internal sealed class RouteSetting
{
    public string? Dst { get; set; }

    public string? Gw { get; set; }

    public int? Mtu { get; set; }

    public int? AdvMss { get; set; }

    public int? Priority { get; set; }

    public int? Table { get; set; }

    public int? Scope { get; set; }

    public static void ReadKey(RouteSetting r, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "dst": r.Dst = value.GetString(); break;
            case "gw": r.Gw = value.GetString(); break;
            case "mtu": r.Mtu = value.GetNullableInt32(); break;
            case "advmss": r.AdvMss = value.GetNullableInt32(); break;
            case "priority": r.Priority = value.GetNullableInt32(); break;
            case "table": r.Table = value.GetNullableInt32(); break;
            case "scope": r.Scope = value.GetNullableInt32(); break;
        }
    }
}
