using System.Text;
using Cni.Ipam;
using Cni.Netlink;
using Cni.Netlink.Nftables;
using Cni.Netlink.Protocol;
using Cni.Plugins.Bridge;
using Cni.Plugins.Flannel;
using Cni.Spec;
using static Cni.Fuzz.FuzzTarget;
using static Cni.Fuzz.PropertyViolation;

namespace Cni.Fuzz;

/// <summary>
/// Every fuzz target, by name (the name is also the corpus directory, tests/Fuzz/corpus/&lt;name&gt;). A new
/// parser is one more line in <see cref="All"/>: its name, what it reads, the code that reads (and where a
/// writer exists, writes and re-reads) one input, and the exceptions its documentation allows.
/// </summary>
public static class Targets
{
    private static readonly CniErrorCode[] ConfigCodes = [CniErrorCode.DecodingFailure, CniErrorCode.InvalidNetworkConfig];

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("netconf", "NetworkConfig.Parse, its prevResult, and ToJson read back", NetConf, CniCodes([.. ConfigCodes, CniErrorCode.IncompatibleVersion])),
        new("conflist", "NetworkConfigList.Parse, SelectVersion and each plugin's derived configuration", ConfList, CniCodes([.. ConfigCodes, CniErrorCode.IncompatibleVersion])),
        new("settings", "NetworkConfig.ReadSettings through host-local's and bridge's readers", Settings, CniCodes(ConfigCodes)),
        new("result", "CniResult.Parse (first byte picks the assumed version), ToJson and ConvertTo to every version, read back", Result, CniCodes(CniErrorCode.DecodingFailure, CniErrorCode.IncompatibleVersion)),
        new("cniargs", "CniArgs.Parse of CNI_ARGS, EnsureKnown, and the pairs written back", CniArgsTarget, CniCodes(CniErrorCode.InvalidEnvironmentVariables)),
        new("cnierror", "CniError.Parse and ToJson read back", ErrorTarget, CniCodes(CniErrorCode.DecodingFailure)),
        new("versioninfo", "VersionInfo.Parse and ToJson read back", VersionInfoTarget, CniCodes(CniErrorCode.DecodingFailure)),
        new("rtnetlink", "rtnetlink replies: links, addresses, routes, neighbours, bridge VLANs, errors", RtNetlink, NetlinkOnly),
        new("nfnetlink", "nf_tables replies: tables, chains, rules (NftDecoder)", NfNetlink, NetlinkOnly),
        new("hostlocal-store", "host-local's disk store: owner index, a lease file and last_reserved_ip (parts split by NUL)", HostLocalStoreTarget.Run, Nothing),
        new("subnetenv", "flannel's subnet.env reader", SubnetEnvTarget, CniCodes(CniErrorCode.Internal)),
        new("resolvconf", "resolv.conf (Cni.Ipam ResolvConf) and its DNS settings", ResolvConfTarget, Nothing),
        new("runtime-conflist", "Cni.Runtime's configuration loading: CniNetwork.Parse of a .conflist and FromPluginConfig of a .conf, each plugin's configuration", RuntimeConfList, CniCodes([.. ConfigCodes, CniErrorCode.IncompatibleVersion])),
        new("runtime-cache", "Cni.Runtime's result cache entries (cniCacheV1 or a bare result), written and read back", RuntimeCache, CniCodes(CniErrorCode.DecodingFailure, CniErrorCode.IncompatibleVersion, CniErrorCode.InvalidNetworkConfig)),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}", nameof(name));

    private static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    private static void RuntimeConfList(byte[] input)
    {
        foreach (bool single in (bool[])[false, true])
        {
            Cni.Runtime.CniNetwork network;
            try
            {
                network = single ? Cni.Runtime.CniNetwork.FromPluginConfig(input, "fuzz.conf") : Cni.Runtime.CniNetwork.Parse(input, "fuzz.conflist");
            }
            catch (CniException e) when (Array.IndexOf(ConfigCodes, e.Code) >= 0 || e.Code == CniErrorCode.IncompatibleVersion)
            {
                // Each reading may refuse on its own; both are tried.
                continue;
            }

            Require(network.Plugins.Count > 0, "CniNetwork: a network without plugins was accepted");
            _ = network.Name;
            _ = network.CniVersion;
        }
    }

    private static void RuntimeCache(byte[] input)
    {
        Cni.Runtime.CachedAttachment entry = Cni.Runtime.CacheJson.Read(input, "/fuzz/cache", "net", "ctr", "eth0");
        byte[] written = Cni.Runtime.CacheJson.Write(entry);
        Cni.Runtime.CachedAttachment again = Cni.Runtime.CacheJson.Read(written, "/fuzz/cache", "net", "ctr", "eth0");
        Require(again.NetworkName == entry.NetworkName && again.ContainerId == entry.ContainerId && again.IfName == entry.IfName && again.NetNs == entry.NetNs,
            "cache: the attachment's names changed through Write");
        Require(again.Config.Span.SequenceEqual(entry.Config.Span), "cache: the configuration changed through Write");
        Require(Cni.Runtime.CacheJson.Write(again).AsSpan().SequenceEqual(written), "cache: Write of the re-read entry differs");
    }

    private static void NetConf(byte[] input)
    {
        NetworkConfig config = NetworkConfig.Parse(input);
        _ = config.CniVersion;
        byte[] written = config.ToJson();
        NetworkConfig again = NetworkConfig.Parse(written);
        Require(again.ToJson().AsSpan().SequenceEqual(written), "NetworkConfig: ToJson of the re-read configuration differs");
        Require(again.Name == config.Name && again.Type == config.Type && again.CniVersionText == config.CniVersionText, "NetworkConfig: name, type or cniVersion changed through ToJson");
        if (config.GetPrevResult() is { } prev)
        {
            CheckResult(prev);
        }
    }

    private static void ConfList(byte[] input)
    {
        NetworkConfigList list = NetworkConfigList.Parse(input);
        CniVersion version = list.SelectVersion();
        for (int i = 0; i < list.Plugins!.Count; i++)
        {
            // The derived configuration is the plugin's object with the list's name and version: JSON that says so.
            // (Whether the plugin then accepts the rest is the plugin's to say: the list checks only each "type".)
            byte[] plugin = list.GetPluginConfig(i, version);
            using var doc = System.Text.Json.JsonDocument.Parse(plugin);
            var config = (Name: doc.RootElement.GetProperty("name").GetString(), CniVersion: CniVersion.Parse(doc.RootElement.GetProperty("cniVersion").GetString()));
            Require(config.Name == list.Name && config.CniVersion == version, $"conflist: plugins[{i}] lost its name or version");
        }
    }

    private static void Settings(byte[] input)
    {
        NetworkConfig config = NetworkConfig.Parse(input);
        try
        {
            _ = HostLocalConfig.Load(config, CniArgs.Empty);
        }
        catch (CniException e) when (Array.IndexOf(ConfigCodes, e.Code) >= 0)
        {
        }

        _ = BridgeSettings.Read(config);
    }

    private static void Result(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        IReadOnlyList<CniVersion> versions = CniVersion.All;
        CniVersion? assumed = input[0] % (versions.Count + 1) is var pick && pick < versions.Count ? versions[pick] : null;
        CheckResult(CniResult.Parse(input.AsSpan(1), assumed));
    }

    /// <summary>A result written in its own version reads back the same; converted to any version, written and read back the same.</summary>
    private static void CheckResult(CniResult result)
    {
        byte[] own = result.ToJson(result.CniVersion);
        CniResult reread = CniResult.Parse(own, result.CniVersion);
        Require(reread.ToJson(result.CniVersion).AsSpan().SequenceEqual(own), $"result {result.CniVersion}: ToJson of the re-read result differs");
        foreach (CniVersion version in CniVersion.All)
        {
            CniResult converted;
            try
            {
                converted = result.ConvertTo(version);
            }
            catch (CniException e) when (e.Code == CniErrorCode.IncompatibleVersion)
            {
                continue; // cannot be expressed in that version (documented)
            }

            byte[] json = converted.ToJson(version);
            Require(CniResult.Parse(json, version).ToJson(version).AsSpan().SequenceEqual(json), $"result {result.CniVersion} as {version}: does not read back the same");
        }
    }

    private static void CniArgsTarget(byte[] input)
    {
        CniArgs args = CniArgs.Parse(Text(input));
        string written = string.Join(';', args.Pairs.Select(p => p.Key + "=" + p.Value));
        CniArgs again = CniArgs.Parse(written);
        Require(again.Pairs.SequenceEqual(args.Pairs), "CNI_ARGS: the pairs written back parse differently");
        _ = args.IgnoreUnknown;
        args.EnsureKnown("IP", "MAC", "K8S_POD_NAME");
    }

    private static void ErrorTarget(byte[] input)
    {
        CniError error = CniError.Parse(input);
        foreach (bool indented in (bool[])[false, true])
        {
            CniError again = CniError.Parse(error.ToJson(indented));
            Require(again == error, $"CniError: ToJson(indented: {indented}) reads back as a different error");
        }

        _ = error.ToException();
    }

    private static void VersionInfoTarget(byte[] input)
    {
        VersionInfo info = VersionInfo.Parse(input);
        byte[] written = info.ToJson();
        Require(VersionInfo.Parse(written).ToJson().AsSpan().SequenceEqual(written), "VersionInfo: ToJson of the re-read answer differs");
    }

    private static void RtNetlink(byte[] input)
    {
        List<BridgeVlan> vlans = [];
        foreach (NetlinkMessage message in new NetlinkMessageReader(input))
        {
            if (message.IsError || message.IsDone)
            {
                if (message.Payload.Length >= 4)
                {
                    _ = message.GetErrorCode();
                    _ = message.GetErrorRequestType();
                    foreach (NetlinkAttribute attribute in message.GetErrorAttributes())
                    {
                        if (attribute.Is(NetlinkErrorAttribute.Message))
                        {
                            _ = attribute.GetString();
                        }
                    }
                }

                continue;
            }

            switch ((RtmType)message.Type)
            {
                case RtmType.NewLink or RtmType.DelLink:
                    _ = LinkDecoder.ParseLink(message);
                    BridgeVlanDecoder.ParseBridgeVlans(message, vlans);
                    break;
                case RtmType.NewAddress or RtmType.DelAddress:
                    _ = AddressDecoder.ParseAddress(message);
                    break;
                case RtmType.NewRoute or RtmType.DelRoute:
                    _ = RouteDecoder.ParseRoute(message);
                    break;
                case RtmType.NewNeighbour or RtmType.DelNeighbour:
                    _ = NeighbourDecoder.ParseNeighbour(message);
                    break;
            }
        }
    }

    private static void NfNetlink(byte[] input) => _ = NftDecoder.DecodeRepliesForFuzzing(input);

    private static void SubnetEnvTarget(byte[] input)
    {
        SubnetEnv env = SubnetEnv.Parse(Text(input), "/run/flannel/subnet.env");
        _ = env.Networks.Count + env.Ipv6Networks.Count;
    }

    private static void ResolvConfTarget(byte[] input)
    {
        ResolvConf conf = ResolvConf.Parse(Text(input));
        _ = conf.ToDnsConfig();
    }
}
