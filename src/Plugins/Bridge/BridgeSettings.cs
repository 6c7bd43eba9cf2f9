using System.Globalization;
using System.Net.NetworkInformation;
using System.Text.Json.Serialization;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>The bridge plugin's own keys, exactly as the reference names them, read by <see cref="Read"/>.</summary>
internal sealed class BridgeSettings
{
    [JsonPropertyName("bridge")]
    public string? Bridge { get; set; }

    [JsonPropertyName("isGateway")]
    public bool IsGateway { get; set; }

    [JsonPropertyName("isDefaultGateway")]
    public bool IsDefaultGateway { get; set; }

    [JsonPropertyName("forceAddress")]
    public bool ForceAddress { get; set; }

    [JsonPropertyName("ipMasq")]
    public bool IpMasq { get; set; }

    [JsonPropertyName("ipMasqBackend")]
    public string? IpMasqBackend { get; set; }

    [JsonPropertyName("mtu")]
    public int Mtu { get; set; }

    [JsonPropertyName("hairpinMode")]
    public bool HairpinMode { get; set; }

    [JsonPropertyName("promiscMode")]
    public bool PromiscMode { get; set; }

    [JsonPropertyName("vlan")]
    public int Vlan { get; set; }

    [JsonPropertyName("vlanTrunk")]
    public List<VlanTrunkSetting?>? VlanTrunk { get; set; }

    [JsonPropertyName("preserveDefaultVlan")]
    public bool? PreserveDefaultVlan { get; set; }

    [JsonPropertyName("macspoofchk")]
    public bool MacSpoofCheck { get; set; }

    [JsonPropertyName("enabledad")]
    public bool EnableDad { get; set; }

    [JsonPropertyName("disableContainerInterface")]
    public bool DisableContainerInterface { get; set; }

    [JsonPropertyName("portIsolation")]
    public bool PortIsolation { get; set; }

    [JsonPropertyName("args")]
    public ArgsSetting? Args { get; set; }

    [JsonPropertyName("runtimeConfig")]
    public MacSetting? RuntimeConfig { get; set; }

    /// <summary>
    /// Reads the bridge's keys of a configuration by hand (no serializer metadata: building it was most
    /// of an ADD's own instructions), with the errors the source-generated reader gave. Each property's
    /// JSON name is the one in its <c>JsonPropertyName</c> attribute, kept as the record of the format.
    /// </summary>
    public static BridgeSettings Read(NetworkConfig config) => config.ReadSettings(new BridgeSettings(), ReadKey);

    private static void ReadKey(BridgeSettings s, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "bridge": s.Bridge = value.GetString(); break;
            case "isGateway": s.IsGateway = value.GetBoolean(); break;
            case "isDefaultGateway": s.IsDefaultGateway = value.GetBoolean(); break;
            case "forceAddress": s.ForceAddress = value.GetBoolean(); break;
            case "ipMasq": s.IpMasq = value.GetBoolean(); break;
            case "ipMasqBackend": s.IpMasqBackend = value.GetString(); break;
            case "mtu": s.Mtu = value.GetInt32(); break;
            case "hairpinMode": s.HairpinMode = value.GetBoolean(); break;
            case "promiscMode": s.PromiscMode = value.GetBoolean(); break;
            case "vlan": s.Vlan = value.GetInt32(); break;
            case "vlanTrunk": s.VlanTrunk = value.GetArrayOfObjects(static () => new VlanTrunkSetting(), VlanTrunkSetting.ReadKey, "Cni.Plugins.Bridge.VlanTrunkSetting"); break;
            case "preserveDefaultVlan": s.PreserveDefaultVlan = value.GetNullableBoolean(); break;
            case "macspoofchk": s.MacSpoofCheck = value.GetBoolean(); break;
            case "enabledad": s.EnableDad = value.GetBoolean(); break;
            case "disableContainerInterface": s.DisableContainerInterface = value.GetBoolean(); break;
            case "portIsolation": s.PortIsolation = value.GetBoolean(); break;
            case "args": s.Args = value.GetObject(static () => new ArgsSetting(), ArgsSetting.ReadKey, "Cni.Plugins.Bridge.ArgsSetting"); break;
            case "runtimeConfig": s.RuntimeConfig = value.GetObject(static () => new MacSetting(), MacSetting.ReadKey, "Cni.Plugins.Bridge.MacSetting"); break;
        }
    }
}

/// <summary>One <c>vlanTrunk</c> entry: a single <c>id</c>, a <c>minID</c>..<c>maxID</c> range, or both.</summary>
internal sealed class VlanTrunkSetting
{
    [JsonPropertyName("id")]
    public int? Id { get; set; }

    [JsonPropertyName("minID")]
    public int? MinId { get; set; }

    [JsonPropertyName("maxID")]
    public int? MaxId { get; set; }

    public static void ReadKey(VlanTrunkSetting t, ref SettingsValue value)
    {
        switch (value.Key)
        {
            case "id": t.Id = value.GetNullableInt32(); break;
            case "minID": t.MinId = value.GetNullableInt32(); break;
            case "maxID": t.MaxId = value.GetNullableInt32(); break;
        }
    }
}

internal sealed class ArgsSetting
{
    [JsonPropertyName("cni")]
    public MacSetting? Cni { get; set; }

    public static void ReadKey(ArgsSetting a, ref SettingsValue value)
    {
        if (value.Key == "cni")
        {
            a.Cni = value.GetObject(static () => new MacSetting(), MacSetting.ReadKey, "Cni.Plugins.Bridge.MacSetting");
        }
    }
}

/// <summary>The <c>mac</c> key of <c>args.cni</c> and of <c>runtimeConfig</c>.</summary>
internal sealed class MacSetting
{
    [JsonPropertyName("mac")]
    public string? Mac { get; set; }

    public static void ReadKey(MacSetting m, ref SettingsValue value)
    {
        if (value.Key == "mac")
        {
            m.Mac = value.GetString();
        }
    }
}

/// <summary>A validated bridge configuration: defaults applied, VLANs collected, the container MAC chosen.</summary>
internal sealed class BridgeConfig
{
    public const string DefaultBridgeName = "cni0";

    public required string BridgeName { get; init; }

    public bool IsGateway { get; init; }

    public bool IsDefaultGateway { get; init; }

    public bool ForceAddress { get; init; }

    public int Mtu { get; init; }

    public bool HairpinMode { get; init; }

    public bool PromiscMode { get; init; }

    public int Vlan { get; init; }

    /// <summary>The trunk VLAN ids, sorted and without duplicates; empty when there is no trunk.</summary>
    public required IReadOnlyList<ushort> TrunkVlans { get; init; }

    public bool PreserveDefaultVlan { get; init; }

    public bool EnableDad { get; init; }

    public bool DisableContainerInterface { get; init; }

    public bool PortIsolation { get; init; }

    /// <summary>The IPAM plugin's type, or null for a layer-2-only network.</summary>
    public string? IpamType { get; init; }

    /// <summary>The network's name (<c>name</c>): it identifies the attachment's masquerade rules with the container ID and interface.</summary>
    public required string NetworkName { get; init; }

    /// <summary><c>ipMasq</c>: masquerade each container address's traffic leaving its subnet (nftables, the reference's nftables layout).</summary>
    public bool IpMasq { get; init; }

    /// <summary><c>macspoofchk</c>: drop frames from the container's port whose source MAC is not the container interface's.</summary>
    public bool MacSpoofCheck { get; init; }

    /// <summary>The container interface's MAC, from CNI_ARGS <c>MAC</c>, <c>args.cni.mac</c> or <c>runtimeConfig.mac</c> (later wins).</summary>
    public PhysicalAddress? ContainerMac { get; init; }

    /// <summary>The configuration's <c>dns</c> when set: it replaces what IPAM returned.</summary>
    public DnsConfig? Dns { get; init; }

    /// <summary>The bridge needs <c>vlan_filtering</c>.</summary>
    public bool VlanFiltering => Vlan != 0 || TrunkVlans.Count > 0;

    /// <summary>Reads and validates the configuration of a request; nothing is touched before this succeeds.</summary>
    /// <param name="request">The request.</param>
    /// <param name="forAdd">ADD also validates keys that only matter when something is made (<c>ipMasqBackend</c>); DEL and CHECK accept them as they are.</param>
    /// <returns>The configuration.</returns>
    public static BridgeConfig From(CniRequest request, bool forAdd)
    {
        BridgeSettings s = BridgeSettings.Read(request.Config);

        // ipMasq, ipMasqBackend, macspoofchk (issue 12). Both backends name the same rules here: ours are the
        // reference's nftables layout, made over nfnetlink, whichever is asked for; no iptables process is ever run.
        if (forAdd && s.IpMasqBackend is not (null or "iptables" or "nftables"))
        {
            throw Invalid($"\"ipMasqBackend\": \"{s.IpMasqBackend}\" is not a known backend: unknown ipmasq backend \"{s.IpMasqBackend}\" (use \"iptables\" or \"nftables\"; both set up the same nftables rules)");
        }

        string bridge = string.IsNullOrEmpty(s.Bridge) ? DefaultBridgeName : s.Bridge;
        if (ConfigRules.InterfaceNameProblem(bridge) is string problem)
        {
            throw Invalid($"\"bridge\": \"{bridge}\" is not a valid interface name: it {problem}");
        }

        if (s.Vlan is < 0 or > 4094)
        {
            throw Invalid($"invalid VLAN ID {s.Vlan} (must be between 0 and 4094)");
        }

        List<ushort> trunk = CollectTrunk(s.VlanTrunk);
        if (s.Vlan > 0 && trunk.Count > 0)
        {
            throw Invalid("cannot set vlan and vlanTrunk at the same time");
        }

        if (s.Mtu < 0)
        {
            throw Invalid($"invalid \"mtu\": {s.Mtu} (0 for the kernel's default, else the MTU in bytes)");
        }

        if (s.HairpinMode && s.PromiscMode)
        {
            throw Invalid("cannot set hairpin mode and promiscuous mode at the same time");
        }

        string? ipamType = string.IsNullOrEmpty(request.Config.Ipam?.Type) ? null : request.Config.Ipam!.Type;
        if (ipamType is not null)
        {
            // Refused here, before anything is made: delegation would refuse it only once the bridge exists.
            ConfigRules.ValidateType(ipamType);
        }

        if (s.DisableContainerInterface && ipamType is not null)
        {
            throw Invalid("\"disableContainerInterface\" cannot be used with an IPAM plugin: a container interface that stays down cannot be given addresses");
        }

        // CNI_ARGS keys are matched case-sensitively, as the reference's struct fields are; unknown keys
        // are an error unless IgnoreUnknown is set, as with the reference.
        request.Args.EnsureKnown("MAC");
        string? mac = request.Args.TryGetValue("MAC", out string? fromEnv) && fromEnv.Length > 0 ? fromEnv : null;
        mac = string.IsNullOrEmpty(s.Args?.Cni?.Mac) ? mac : s.Args.Cni.Mac;
        mac = string.IsNullOrEmpty(s.RuntimeConfig?.Mac) ? mac : s.RuntimeConfig.Mac;

        bool isDefaultGateway = s.IsDefaultGateway;
        return new BridgeConfig
        {
            BridgeName = bridge,
            NetworkName = request.Config.Name ?? "",
            IpMasq = s.IpMasq,
            MacSpoofCheck = s.MacSpoofCheck,
            IsGateway = s.IsGateway || isDefaultGateway,
            IsDefaultGateway = isDefaultGateway,
            ForceAddress = s.ForceAddress,
            Mtu = s.Mtu,
            HairpinMode = s.HairpinMode,
            PromiscMode = s.PromiscMode,
            Vlan = s.Vlan,
            TrunkVlans = trunk,
            PreserveDefaultVlan = s.PreserveDefaultVlan ?? true,
            EnableDad = s.EnableDad,
            DisableContainerInterface = s.DisableContainerInterface,
            PortIsolation = s.PortIsolation,
            IpamType = ipamType,
            ContainerMac = mac is null ? null : ParseMac(mac),
            Dns = request.Config.Dns is { IsEmpty: false } dns ? dns : null,
        };
    }

    private static List<ushort> CollectTrunk(List<VlanTrunkSetting?>? entries)
    {
        var ids = new SortedSet<ushort>();
        for (int i = 0; i < (entries?.Count ?? 0); i++)
        {
            VlanTrunkSetting? e = entries![i];
            if (e is null)
            {
                continue;
            }

            if (e.MinId is int min && e.MaxId is int max)
            {
                CheckTrunkId(min, i, "minID");
                CheckTrunkId(max, i, "maxID");
                if (max < min)
                {
                    throw Invalid($"vlanTrunk[{i}]: minID {min} is greater than maxID {max}");
                }

                for (int v = min; v <= max; v++)
                {
                    ids.Add((ushort)v);
                }
            }
            else if (e.MinId is null && e.MaxId is not null)
            {
                throw Invalid($"vlanTrunk[{i}]: minID and maxID must be set together; minID is missing");
            }
            else if (e.MinId is not null && e.MaxId is null)
            {
                throw Invalid($"vlanTrunk[{i}]: minID and maxID must be set together; maxID is missing");
            }

            if (e.Id is int id)
            {
                CheckTrunkId(id, i, "id");
                ids.Add((ushort)id);
            }
        }

        return [.. ids];
    }

    private static void CheckTrunkId(int value, int index, string key)
    {
        if (value is <= 0 or > 4094)
        {
            throw Invalid($"vlanTrunk[{index}].{key}: incorrect trunk {key} parameter {value.ToString(CultureInfo.InvariantCulture)} (must be between 1 and 4094)");
        }
    }

    private static PhysicalAddress ParseMac(string text)
    {
        // Six colon- or hyphen-separated hex octets, as a runtime writes them.
        string[] parts = text.Split(text.Contains('-', StringComparison.Ordinal) ? '-' : ':');
        byte[] bytes = new byte[6];
        if (parts.Length != 6)
        {
            throw Invalid($"invalid MAC address \"{text}\" (expected six hex octets such as c2:11:22:33:44:55)");
        }

        for (int i = 0; i < 6; i++)
        {
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw Invalid($"invalid MAC address \"{text}\" (expected six hex octets such as c2:11:22:33:44:55)");
            }
        }

        return new PhysicalAddress(bytes);
    }

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);
}
