using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// A validated configuration in the host-local layout: the <c>ipam</c> keys of the reference host-local plugin
/// (<c>ranges</c>, the legacy top-level <c>subnet</c>/<c>rangeStart</c>/<c>rangeEnd</c>/<c>gateway</c>,
/// <c>routes</c>, <c>dataDir</c>, <c>resolvConf</c>) together with what the runtime adds
/// (<c>runtimeConfig.ipRanges</c>, and requested addresses in <c>args.cni.ips</c>, <c>runtimeConfig.ips</c> or
/// <c>CNI_ARGS</c> <c>IP=</c>).
/// </summary>
/// <remarks>
/// <para><see cref="Load"/> runs the reference's checks in the reference's order and fails with its texts, so a
/// plugin built on it answers a bad configuration as the Go binary does; every configuration error carries
/// <see cref="CniErrorCode.InvalidNetworkConfig"/> (7), where the reference reports 999.</para>
/// <para>The range sets come in allocation order: <c>runtimeConfig.ipRanges</c> first, then the legacy range
/// (when <c>subnet</c> is set), then <c>ranges</c>.</para>
/// </remarks>
/// <example>
/// An IPAM plugin's ADD:
/// <code>
/// HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
/// using DiskIpamStore store = config.OpenStore();
/// var ipam = new HostLocalIpam(store, config.RangeSets);
/// IReadOnlyList&lt;IpAllocation&gt; leases = ipam.Allocate(request.ContainerId, request.IfName, config.RequestedAddresses);
/// </code>
/// </example>
public sealed class HostLocalConfig
{
    private HostLocalConfig(string networkName, IReadOnlyList<RangeSet> rangeSets, IReadOnlyList<CniRoute> routes, string dataDirectory, string? resolvConfPath, IReadOnlyList<IPAddress> requestedAddresses)
    {
        NetworkName = networkName;
        RangeSets = rangeSets;
        Routes = routes;
        DataDirectory = dataDirectory;
        ResolvConfPath = resolvConfPath;
        RequestedAddresses = requestedAddresses;
    }

    /// <summary>The network name (the configuration's <c>name</c>), which names the lease directory.</summary>
    public string NetworkName { get; }

    /// <summary>The range sets, validated and in allocation order; an attachment gets one address from each.</summary>
    public IReadOnlyList<RangeSet> RangeSets { get; }

    /// <summary>The routes of <c>ipam.routes</c>, for the result as written.</summary>
    public IReadOnlyList<CniRoute> Routes { get; }

    /// <summary>Where leases are kept (<c>ipam.dataDir</c>; <see cref="DiskIpamStore.DefaultDataDirectory"/> when absent).</summary>
    public string DataDirectory { get; }

    /// <summary>The <c>resolv.conf</c> file whose settings go into the result's <c>dns</c> (<c>ipam.resolvConf</c>), if any.</summary>
    public string? ResolvConfPath { get; }

    /// <summary>
    /// The requested addresses, in order and without duplicates: those of <c>args.cni.ips</c> and then
    /// <c>runtimeConfig.ips</c>, or, when neither gives any, the deprecated <c>CNI_ARGS</c> <c>IP=</c> (a plugin
    /// that understands the <c>args</c> form ignores the <c>CNI_ARGS</c> one, as the conventions say; the
    /// reference merges all three). A prefix length written with an address is not used.
    /// </summary>
    public IReadOnlyList<IPAddress> RequestedAddresses { get; }

    /// <summary>Reads and validates the IPAM configuration of a request.</summary>
    /// <param name="config">The network configuration.</param>
    /// <param name="args"><c>CNI_ARGS</c>: <c>IP</c> and <c>IgnoreUnknown</c> are understood; any other key fails unless <c>IgnoreUnknown</c> is set.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="CniException">
    /// A key of the wrong type (code 6); otherwise code 7, in this order: no <c>ipam</c> key; a bad <c>CNI_ARGS</c>
    /// <c>IP</c> or unknown key; a requested address that is not one; a route that is not CIDR; no range at all;
    /// an address text that is not one; a range set that is empty, mixes families or holds an invalid range
    /// ("invalid range set N: ..."); more than one address per family before 0.3.0; overlapping range sets;
    /// a <c>dataDir</c> with a <c>..</c> component.
    /// </exception>
    public static HostLocalConfig Load(NetworkConfig config, CniArgs args)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(args);
        HostLocalNetConf conf = HostLocalNetConf.Read(config);
        HostLocalIpamSettings ipam = conf.Ipam ?? throw Invalid("IPAM config missing 'ipam' key");
        IpRangeConfig legacy = ipam.Legacy; // its wrong types fail here, after the other keys', before any check
        if (ipam.LegacyError is CniException legacyError)
        {
            throw legacyError;
        }

        List<IPAddress> requested = RequestedAddressesOf(config, args);
        List<CniRoute> routes = [.. (ipam.Routes ?? []).Select(ToRoute)];

        List<IReadOnlyList<IpRangeConfig?>?> sets = [];
        if (config.RuntimeConfig?.IpRanges is { Count: > 0 } runtimeRanges)
        {
            sets.AddRange(runtimeRanges);
        }

        if (!string.IsNullOrEmpty(legacy.Subnet))
        {
            sets.Add([legacy]);
        }

        sets.AddRange(ipam.Ranges ?? []);
        if (sets.Count == 0)
        {
            throw Invalid("no IP ranges specified");
        }

        // Text that is not an address fails first and without the range set's index, as the reference's
        // JSON decoding does (which also reads the legacy bounds when it then ignores them for want of a
        // subnet); then each set is validated in order.
        _ = Parse(legacy);
        List<List<ParsedRange>> parsed = [.. sets.Select(set => (set ?? []).Select(Parse).ToList())];
        List<RangeSet> rangeSets = [];
        for (int i = 0; i < parsed.Count; i++)
        {
            try
            {
                rangeSets.Add(BuildRangeSet(parsed[i]));
            }
            catch (CniException e)
            {
                throw new CniException(e.Code, $"invalid range set {i}: {e.Message}", e.Details, e);
            }
        }

        int v4 = rangeSets.Count(s => s.AddressFamily == AddressFamily.InterNetwork);
        if ((v4 > 1 || rangeSets.Count - v4 > 1) && config.CniVersion < CniVersion.V0_3_0)
        {
            throw Invalid($"CNI version {config.CniVersionText} does not support more than 1 address per family");
        }

        RangeSet.ValidateAll(rangeSets);
        string? resolvConf = string.IsNullOrEmpty(ipam.ResolvConf) ? null : ipam.ResolvConf;
        return new HostLocalConfig(config.Name!, rangeSets, routes, ValidateDataDirectory(ipam.DataDir), resolvConf, requested);
    }

    /// <summary>The store of this network's leases: a <see cref="DiskIpamStore"/> in <see cref="DataDirectory"/>, which the caller disposes.</summary>
    /// <returns>The store; no file is touched until its first operation.</returns>
    public DiskIpamStore OpenStore() => new(DataDirectory, NetworkName);

    /// <summary>Reads <see cref="ResolvConfPath"/> into a result's <c>dns</c>.</summary>
    /// <returns>The DNS settings, or <see langword="null"/> when no <c>resolvConf</c> is configured.</returns>
    /// <exception cref="CniException">The file cannot be read (code 5, "open PATH: reason", as <see cref="ResolvConf.Load"/>).</exception>
    public DnsConfig? LoadDns() => ResolvConfPath is null ? null : ResolvConf.Load(ResolvConfPath).ToDnsConfig();

    private static List<IPAddress> RequestedAddressesOf(NetworkConfig config, CniArgs args)
    {
        IPAddress? fromEnv = ParseCniArgs(args);
        List<IPAddress> requested = [];
        foreach (string text in (config.Args?.Cni?.Ips ?? []).Concat(config.RuntimeConfig?.Ips ?? []))
        {
            IPAddress address = ParseRequested(text) ?? throw Invalid($"invalid IP address {text}");
            if (!requested.Contains(address))
            {
                requested.Add(address);
            }
        }

        if (requested.Count == 0 && fromEnv is not null)
        {
            requested.Add(fromEnv);
        }

        return requested;
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

        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPCidr.TryParse(text, out IPCidr cidr) ? cidr.Address : null;
        }

        return IPText.TryParse(text, out IPAddress? address) ? address : null;
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
        string.IsNullOrEmpty(text) ? null : IPText.TryParse(text, out IPAddress? address) ? address : throw Invalid($"invalid IP address: {text}");

    private static CniRoute ToRoute(RouteSetting? route)
    {
        route ??= new RouteSetting(); // a null entry has no destination
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
    /// The lease store's path-safety rule for <c>ipam.dataDir</c>, ours alone: a path with a <c>..</c> component
    /// (or a NUL) is refused before anything is touched, where the reference would follow it. Absent means
    /// <see cref="DiskIpamStore.DefaultDataDirectory"/>.
    /// </summary>
    private static string ValidateDataDirectory(string? dataDir)
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

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);

    private readonly record struct ParsedRange(IPCidr? Subnet, IPAddress? RangeStart, IPAddress? RangeEnd, IPAddress? Gateway);
}
