using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Cni.Ipam;
using Cni.Spec;

namespace Cni.Plugins.HostLocal;

/// <summary>
/// A validated host-local configuration: the range sets in allocation order, the routes, the data directory,
/// the resolv.conf path and the requested addresses. Checks run in the reference's order and fail with its
/// texts; configuration errors carry code 7 (the reference reports every one of them as 999).
/// </summary>
internal sealed class HostLocalConfig
{
    public required string NetworkName { get; init; }

    public required IReadOnlyList<RangeSet> RangeSets { get; init; }

    public required IReadOnlyList<CniRoute> Routes { get; init; }

    public required string DataDir { get; init; }

    public string? ResolvConf { get; init; }

    /// <summary>The requested addresses, in order, without duplicates.</summary>
    public required IReadOnlyList<IPAddress> RequestedIps { get; init; }

    /// <summary>Reads and validates the configuration of a request.</summary>
    /// <param name="config">The network configuration.</param>
    /// <param name="args">CNI_ARGS (<c>IP=</c> and <c>IgnoreUnknown=</c> are understood).</param>
    public static HostLocalConfig Load(NetworkConfig config, CniArgs args)
    {
        HostLocalNetConf conf = config.GetSettings(HostLocalJsonContext.Default.HostLocalNetConf);
        IpamSettings ipam = conf.Ipam ?? throw Invalid("IPAM config missing 'ipam' key");
        IReadOnlyList<IPAddress> requested = RequestedAddresses(config, args);
        List<CniRoute> routes = [.. (ipam.Routes ?? []).Select(ToRoute)];

        // Range sets: runtimeConfig.ipRanges, then the legacy top-level range, then ipam.ranges.
        List<List<IpRangeConfig>> sets = [];
        if (config.RuntimeConfig?.IpRanges is { Count: > 0 } runtimeRanges)
        {
            sets.AddRange(runtimeRanges);
        }

        if (!string.IsNullOrEmpty(ipam.Subnet))
        {
            sets.Add([new IpRangeConfig { Subnet = ipam.Subnet, RangeStart = ipam.RangeStart, RangeEnd = ipam.RangeEnd, Gateway = ipam.Gateway }]);
        }

        sets.AddRange(ipam.Ranges ?? []);
        if (sets.Count == 0)
        {
            throw Invalid("no IP ranges specified");
        }

        // Text that is not an address fails first and without the range set's index, as the reference's
        // JSON decoding does; then each set is validated in order.
        List<List<ParsedRange>> parsed = [.. sets.Select(set => (set ?? []).Select(Parse).ToList())];
        List<RangeSet> rangeSets = [];
        int v4 = 0, v6 = 0;
        for (int i = 0; i < parsed.Count; i++)
        {
            RangeSet set;
            try
            {
                set = BuildRangeSet(parsed[i]);
            }
            catch (CniException e)
            {
                throw new CniException(e.Code, $"invalid range set {i}: {e.Message}", e.Details, e);
            }

            rangeSets.Add(set);
            if (set.AddressFamily == AddressFamily.InterNetwork)
            {
                v4++;
            }
            else
            {
                v6++;
            }
        }

        if ((v4 > 1 || v6 > 1) && config.CniVersion < CniVersion.V0_3_0)
        {
            throw Invalid($"CNI version {config.CniVersionText} does not support more than 1 address per family");
        }

        RangeSet.ValidateAll(rangeSets);

        return new HostLocalConfig
        {
            NetworkName = config.Name!,
            RangeSets = rangeSets,
            Routes = routes,
            DataDir = DataDirectory(ipam.DataDir),
            ResolvConf = string.IsNullOrEmpty(ipam.ResolvConf) ? null : ipam.ResolvConf,
            RequestedIps = requested,
        };
    }

    /// <summary>
    /// The requested addresses. The conventions' <c>args.cni.ips</c> and <c>runtimeConfig.ips</c> win; the
    /// deprecated CNI_ARGS <c>IP=</c> is used only when neither gives any (CONVENTIONS.md: a plugin that
    /// understands the <c>args</c> form ignores the CNI_ARGS one). The reference merges all three.
    /// </summary>
    private static List<IPAddress> RequestedAddresses(NetworkConfig config, CniArgs args)
    {
        IPAddress? fromEnv = ParseCniArgs(args);
        List<IPAddress> requested = [];
        foreach (string text in (config.Args?.Cni?.Ips ?? []).Concat(config.RuntimeConfig?.Ips ?? []))
        {
            AddDistinct(requested, ParseRequested(text) ?? throw Invalid($"invalid IP address {text}"));
        }

        if (requested.Count == 0 && fromEnv is not null)
        {
            requested.Add(fromEnv);
        }

        return requested;

        static void AddDistinct(List<IPAddress> list, IPAddress address)
        {
            if (!list.Contains(address))
            {
                list.Add(address);
            }
        }
    }

    /// <summary>CNI_ARGS as the reference reads it for host-local: <c>IP</c> and <c>IgnoreUnknown</c>, other keys only with <c>IgnoreUnknown</c>.</summary>
    private static IPAddress? ParseCniArgs(CniArgs args)
    {
        IPAddress? ip = null;
        List<string> unknown = [];
        foreach ((string key, string value) in args.Pairs)
        {
            string pair = key + "=" + value;
            switch (key)
            {
                case "IP":
                    ip = ParseRequested(value) ?? throw Invalid($"ARGS: error parsing value of pair {Quote(pair)}: invalid IP address {value}");
                    break;
                case "IgnoreUnknown":
                    break;
                default:
                    unknown.Add(pair);
                    break;
            }
        }

        if (unknown.Count != 0 && !args.IgnoreUnknown)
        {
            throw Invalid($"ARGS: unknown args [{string.Join(" ", unknown.Select(Quote))}]");
        }

        return ip;

        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A requested address, <c>ip</c> or <c>ip/prefix</c> (the prefix is not used).</summary>
    private static IPAddress? ParseRequested(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            return IPCidr.TryParse(text, out IPCidr cidr) ? cidr.Address : null;
        }

        return ParseAddress(text);
    }

    private static ParsedRange Parse(IpRangeConfig? r)
    {
        IPCidr? subnet = null;
        if (!string.IsNullOrEmpty(r?.Subnet))
        {
            subnet = IPCidr.TryParse(r.Subnet, out IPCidr value) ? value : throw Invalid($"invalid CIDR address: {r.Subnet}");
        }

        return new ParsedRange(subnet, OptionalAddress(r?.RangeStart), OptionalAddress(r?.RangeEnd), OptionalAddress(r?.Gateway));
    }

    private static RangeSet BuildRangeSet(List<ParsedRange> ranges)
    {
        if (ranges.Count == 0)
        {
            throw Invalid("empty range set");
        }

        List<IpRange> built = [];
        foreach (ParsedRange r in ranges)
        {
            if (r.Subnet is not IPCidr subnet)
            {
                throw Invalid("IP <nil> not v4 nor v6");
            }

            IpRange range = IpRange.Create(subnet.Address, subnet.PrefixLength, r.RangeStart, r.RangeEnd, r.Gateway);

            // The reference checks the family of each range right after validating it.
            if (built.Count != 0 && range.AddressFamily != built[0].AddressFamily)
            {
                throw Invalid("mixed address families");
            }

            built.Add(range);
        }

        return new RangeSet(built);
    }

    private static IPAddress? OptionalAddress(string? text) =>
        string.IsNullOrEmpty(text) ? null : ParseAddress(text) ?? throw Invalid($"invalid IP address: {text}");

    private static CniRoute ToRoute(RouteSetting route)
    {
        if (!IPCidr.TryParse(route.Dst, out IPCidr dst))
        {
            throw Invalid($"invalid CIDR address: {route.Dst}");
        }

        return new CniRoute
        {
            Destination = dst,
            Gateway = OptionalAddress(route.Gw),
            Mtu = route.Mtu,
            AdvMss = route.AdvMss,
            Priority = route.Priority,
            Table = route.Table,
            Scope = route.Scope,
        };
    }

    /// <summary>
    /// The data directory: <c>/var/lib/cni/networks</c> by default. A path with a <c>..</c> component is
    /// refused before anything is touched (the reference would follow it).
    /// </summary>
    private static string DataDirectory(string? dataDir)
    {
        if (string.IsNullOrEmpty(dataDir))
        {
            return DiskIpamStore.DefaultDataDirectory;
        }

        if (dataDir.Contains('\0', StringComparison.Ordinal) || dataDir.Split('/').Contains(".."))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "invalid dataDir: a path with a \"..\" component could leave the intended directory", dataDir);
        }

        return dataDir;
    }

    /// <summary>Strict address text, as the reference reads it (see <see cref="IPText"/>).</summary>
    internal static IPAddress? ParseAddress(string text) => IPText.TryParse(text, out IPAddress? address) ? address : null;

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);

    private readonly record struct ParsedRange(IPCidr? Subnet, IPAddress? RangeStart, IPAddress? RangeEnd, IPAddress? Gateway);
}
