using System.Globalization;
using Cni.Spec;

namespace Cni.Plugins.ClusterLocal;

// The keys cluster-local reads beside host-local's, as written, read by hand with NetworkConfig.ReadSettings
// like the other plugins: inside "ipam", the "etcd" object and "nodeName". host-local's own keys (ranges,
// routes, resolvConf, ...) are read and checked by Cni.Ipam's HostLocalConfig, which skips these. A value of
// the wrong JSON type fails in the getters (code 6, naming the key); a key nobody knows inside "etcd" fails
// here (code 7, naming it), since a misspelt "timeout" or "caFile" would otherwise silently change behaviour.

/// <summary>The configuration's <c>ipam</c> key, as far as cluster-local's own keys go.</summary>
internal sealed class ClusterLocalNetConf
{
    public ClusterLocalIpamSettings? Ipam { get; set; }

    public static ClusterLocalNetConf Read(NetworkConfig config) => config.ReadSettings(new ClusterLocalNetConf(), ReadKey);

    private static void ReadKey(ClusterLocalNetConf s, ref SettingsValue value)
    {
        if (value.Key == "ipam")
        {
            s.Ipam = value.GetObject(static () => new ClusterLocalIpamSettings(), ClusterLocalIpamSettings.ReadKey, "Cni.Plugins.ClusterLocal.ClusterLocalIpamSettings");
        }
    }
}

/// <summary><c>ipam.etcd</c> and <c>ipam.nodeName</c>; the other keys of <c>ipam</c> are host-local's.</summary>
internal sealed class ClusterLocalIpamSettings
{
    public EtcdSettings? Etcd { get; set; }

    public bool HasEtcd { get; set; }

    public string? NodeName { get; set; }

    public static void ReadKey(ClusterLocalIpamSettings s, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "etcd":
                s.HasEtcd = true;
                s.Etcd = value.GetObject(static () => new EtcdSettings(), EtcdSettings.ReadKey, "Cni.Plugins.ClusterLocal.EtcdSettings");
                break;
            case "nodeName":
                s.NodeName = value.GetString();
                break;
        }
    }
}

/// <summary>The <c>ipam.etcd</c> object: where the shared store is and how to reach it.</summary>
internal sealed class EtcdSettings
{
    public List<string?>? Endpoints { get; set; }

    public string? Prefix { get; set; }

    public TlsSettings? Tls { get; set; }

    /// <summary><c>timeout</c> as written: a duration text (<c>"2s"</c>, <c>"1500ms"</c>) or a number of seconds.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The first key that is not one of the above, with its path, for the error.</summary>
    public string? UnknownKey { get; set; }

    public static void ReadKey(EtcdSettings s, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "endpoints": s.Endpoints = value.GetArray(static (ref SettingsValue e) => e.GetString(), "System.String"); break;
            case "prefix": s.Prefix = value.GetString(); break;
            case "tls": s.Tls = value.GetObject(static () => new TlsSettings(), TlsSettings.ReadKey, "Cni.Plugins.ClusterLocal.TlsSettings"); break;
            case "timeout": s.Timeout = ReadDuration(ref value); break;
            default: s.UnknownKey ??= value.Path; break;
        }
    }

    /// <summary>
    /// A duration: a JSON number of seconds, or a text of one or more number-unit pairs as Go writes them
    /// (<c>"2s"</c>, <c>"500ms"</c>, <c>"1m30s"</c>; units h, m, s, ms, us, µs, ns). <c>null</c> is absent.
    /// </summary>
    private static TimeSpan? ReadDuration(ref SettingsValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        string path = value.Path;
        string? text;
        try
        {
            text = value.GetString();
        }
        catch (CniException)
        {
            // Not a string: a number of seconds, or nothing that can be a duration.
            return value.GetNullableInt32() is int seconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        return ParseDuration(text!) ?? throw new CniException(
            CniErrorCode.InvalidNetworkConfig,
            $"invalid {path[2..]} \"{text}\": write a duration such as \"2s\" or \"1500ms\", or a number of seconds");
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        double total = 0;
        int i = 0;
        if (text.Length == 0)
        {
            return null;
        }

        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return null;
            }

            int unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            double milliseconds = text[unitStart..i] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                "ms" => 1,
                "us" or "µs" => 0.001,
                "ns" => 0.000_001,
                _ => double.NaN,
            };
            if (double.IsNaN(milliseconds))
            {
                return null;
            }

            total += number * milliseconds;
        }

        return total > TimeSpan.MaxValue.TotalMilliseconds ? null : TimeSpan.FromMilliseconds(total);
    }
}

/// <summary>The <c>ipam.etcd.tls</c> object: the CA to trust, and the client certificate with its key.</summary>
internal sealed class TlsSettings
{
    public string? CaFile { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    public string? UnknownKey { get; set; }

    public static void ReadKey(TlsSettings s, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "caFile": s.CaFile = value.GetString(); break;
            case "certFile": s.CertFile = value.GetString(); break;
            case "keyFile": s.KeyFile = value.GetString(); break;
            default: s.UnknownKey ??= value.Path; break;
        }
    }
}
