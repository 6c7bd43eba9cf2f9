using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cni.Spec.Tests;

/// <summary>A third-party plugin's own settings, read through its own source-generated context.</summary>
internal sealed class MyPluginSettings
{
    [JsonPropertyName("bridge")] public string? Bridge { get; set; }
    [JsonPropertyName("mtu")] public int Mtu { get; set; }
    [JsonPropertyName("vlanTrunk")] public List<Dictionary<string, int>>? VlanTrunk { get; set; }
}

[JsonSerializable(typeof(MyPluginSettings))]
internal sealed partial class MyPluginJsonContext : JsonSerializerContext;

public class NetworkConfigTests
{
    private const string Full = """
        {
          "cniVersion": "1.1.0",
          "name": "dbnet",
          "type": "bridge",
          "bridge": "cni0",
          "mtu": 1450,
          "vlanTrunk": [{"minID": 100, "maxID": 110}],
          "capabilities": {"portMappings": true, "ips": false},
          "ipMasq": true,
          "ipam": {"type": "host-local", "subnet": "10.1.0.0/16", "nested": {"deep": [1, 2, {"x": null}]}},
          "dns": {"nameservers": ["10.1.0.1"], "search": ["example.com"]},
          "runtimeConfig": {
            "portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}],
            "ipRanges": [[{"subnet": "10.2.0.0/24", "rangeStart": "10.2.0.10", "rangeEnd": "10.2.0.20", "gateway": "10.2.0.1"}]],
            "bandwidth": {"ingressRate": 1000000, "ingressBurst": 2000, "egressRate": 3000000, "egressBurst": 4000},
            "dns": {"servers": ["1.1.1.1"], "searches": ["a.b"], "options": ["ndots:2"]},
            "ips": ["10.2.0.15/24"],
            "mac": "c2:11:22:33:44:55",
            "infinibandGUID": "c2:11:22:33:44:55:66:77",
            "deviceID": "0000:04:00.5",
            "aliases": ["db", "db.local"],
            "cgroupPath": "/kubepods/pod1",
            "futureCapability": {"on": true}
          },
          "args": {"cni": {"ips": ["10.2.0.16"], "labels": [{"key": "app", "value": "db"}], "mac": "c2:00:00:00:00:01"}, "other": 1},
          "prevResult": {"cniVersion": "1.1.0", "ips": [{"address": "10.2.0.15/24", "gateway": "10.2.0.1"}], "dns": {}},
          "cni.dev/valid-attachments": [{"containerID": "c1", "ifname": "eth0"}],
          "x-unknown": {"kept": ["as", "is"]}
        }
        """;

    [Fact]
    public void Reads_every_well_known_key()
    {
        NetworkConfig c = NetworkConfig.Parse(Full);
        Assert.Equal(CniVersion.V1_1_0, c.CniVersion);
        Assert.Equal("dbnet", c.Name);
        Assert.Equal("bridge", c.Type);
        Assert.True(c.Capabilities!["portMappings"]);
        Assert.False(c.Capabilities["ips"]);
        Assert.True(c.IpMasq);
        Assert.Equal("host-local", c.Ipam!.Type);
        Assert.Equal("10.1.0.0/16", c.Ipam.ExtensionData!["subnet"].GetString());
        Assert.Equal(["10.1.0.1"], c.Dns!.Nameservers);
        RuntimeConfig rc = c.RuntimeConfig!;
        Assert.Equal(8080, rc.PortMappings![0].HostPort);
        Assert.Equal("10.2.0.10", rc.IpRanges![0][0].RangeStart);
        Assert.Equal(4000, rc.Bandwidth!.EgressBurst);
        Assert.Equal(["1.1.1.1"], rc.Dns!.Servers);
        Assert.Equal(["10.2.0.15/24"], rc.Ips);
        Assert.Equal("c2:11:22:33:44:55", rc.Mac);
        Assert.Equal("c2:11:22:33:44:55:66:77", rc.InfinibandGuid);
        Assert.Equal("0000:04:00.5", rc.DeviceId);
        Assert.Equal(["db", "db.local"], rc.Aliases);
        Assert.Equal("/kubepods/pod1", rc.CgroupPath);
        Assert.True(rc.ExtensionData!.ContainsKey("futureCapability"));
        Assert.Equal(["10.2.0.16"], c.Args!.Cni!.Ips);
        Assert.Equal(new Label("app", "db"), c.Args.Cni.Labels![0]);
        Assert.Equal("c2:00:00:00:00:01", c.Args.Cni.ExtensionData!["mac"].GetString());
        Assert.Equal([new Attachment("c1", "eth0")], c.ValidAttachments!);
        CniResult prev = c.GetPrevResult()!;
        Assert.Equal("10.2.0.15/24", prev.Ips[0].Address.ToString());
    }

    [Fact]
    public void Forwarding_keeps_every_key_in_meaning()
    {
        NetworkConfig c = NetworkConfig.Parse(Full);
        JsonAssert.Equivalent(Full, c.ToJsonObject().ToJsonString());
        JsonAssert.Equivalent(Full, Encoding.UTF8.GetString(c.ToJson()));
    }

    [Fact]
    public void Plugin_reads_its_own_keys_through_its_own_context()
    {
        NetworkConfig c = NetworkConfig.Parse(Full);
        MyPluginSettings s = c.GetSettings(MyPluginJsonContext.Default.MyPluginSettings);
        Assert.Equal("cni0", s.Bridge);
        Assert.Equal(1450, s.Mtu);
        Assert.Equal(110, s.VlanTrunk![0]["maxID"]);
    }

    [Fact]
    public void Plugin_settings_with_wrong_type_name_key_and_value()
    {
        NetworkConfig c = NetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"n","mtu":"big"}""");
        var e = Assert.Throws<CniException>(() => c.GetSettings(MyPluginJsonContext.Default.MyPluginSettings));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Equal("invalid network configuration: key \"mtu\" has value \"big\", which is not an integer", e.Message);
    }

    [Fact]
    public void Old_attachments_key_is_the_fallback_and_empty_list_means_none_valid()
    {
        NetworkConfig old = NetworkConfig.Parse("""{"cniVersion":"1.1.0","name":"n","cni.dev/attachments":[{"containerID":"a","ifname":"eth1"}]}""");
        Assert.Equal([new Attachment("a", "eth1")], old.ValidAttachments!);
        NetworkConfig both = NetworkConfig.Parse("""{"cniVersion":"1.1.0","name":"n","cni.dev/attachments":[{"containerID":"a","ifname":"eth1"}],"cni.dev/valid-attachments":[]}""");
        Assert.Empty(both.ValidAttachments!);
        Assert.Null(NetworkConfig.Parse("""{"cniVersion":"1.1.0","name":"n"}""").ValidAttachments);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{}""")]
    public void Empty_or_absent_prevResult_is_none(string? prev)
    {
        string json = prev is null ? """{"cniVersion":"1.0.0","name":"n"}""" : $$"""{"cniVersion":"1.0.0","name":"n","prevResult":{{prev}}}""";
        Assert.Null(NetworkConfig.Parse(json).GetPrevResult());
    }

    [Fact]
    public void PrevResult_without_version_is_read_in_the_config_version()
    {
        NetworkConfig c = NetworkConfig.Parse("""{"cniVersion":"0.4.0","name":"n","prevResult":{"ips":[{"version":"4","address":"10.0.0.2/24"}]}}""");
        CniResult prev = c.GetPrevResult()!;
        Assert.Equal(CniVersion.V0_4_0, prev.CniVersion);
        Assert.Single(prev.Ips);
    }

    [Fact]
    public void Missing_cniVersion_is_0_1_0()
    {
        Assert.Equal(CniVersion.V0_1_0, NetworkConfig.Parse("""{"name":"n"}""").CniVersion);
    }

    [Theory]
    [InlineData("", CniErrorCode.DecodingFailure, "empty")]
    [InlineData("   ", CniErrorCode.DecodingFailure, "empty")]
    [InlineData("{", CniErrorCode.DecodingFailure, "JSON")]
    [InlineData("[]", CniErrorCode.DecodingFailure, "JSON")]
    [InlineData("null", CniErrorCode.DecodingFailure, "null")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipMasq":"yes"}""", CniErrorCode.DecodingFailure, "key \"ipMasq\" has value \"yes\", which is not a boolean")]
    [InlineData("""{"cniVersion":"1.0.0","name":7}""", CniErrorCode.DecodingFailure, "key \"name\" has value 7, which is not a string")]
    [InlineData("""{"cniVersion":1.0,"name":"n"}""", CniErrorCode.DecodingFailure, "key \"cniVersion\" has value 1.0, which is not a string")]
    [InlineData("""{"cniVersion":"one","name":"n"}""", CniErrorCode.DecodingFailure, "\"one\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":[]}""", CniErrorCode.DecodingFailure, "key \"ipam\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","runtimeConfig":"x"}""", CniErrorCode.DecodingFailure, "key \"runtimeConfig\" has value \"x\", which is not an object")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","args":7}""", CniErrorCode.DecodingFailure, "key \"args\" has value 7, which is not an object")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","dns":{"nameservers":"1.1.1.1"}}""", CniErrorCode.DecodingFailure, "dns.nameservers")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","capabilities":{"ips":"yes"}}""", CniErrorCode.DecodingFailure, "key \"capabilities.ips\" has value \"yes\", which is not a boolean")]
    [InlineData("""{"cniVersion":"1.0.0"}""", CniErrorCode.InvalidNetworkConfig, "missing network name")]
    [InlineData("""{"cniVersion":"1.0.0","name":""}""", CniErrorCode.InvalidNetworkConfig, "missing network name")]
    [InlineData("""{"cniVersion":"1.0.0","name":"-lead"}""", CniErrorCode.InvalidNetworkConfig, "invalid network name \"-lead\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"a/b"}""", CniErrorCode.InvalidNetworkConfig, "invalid network name \"a/b\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"with space"}""", CniErrorCode.InvalidNetworkConfig, "invalid network name \"with space\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","type":"../bin/evil"}""", CniErrorCode.InvalidNetworkConfig, "invalid plugin type \"../bin/evil\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","type":"/usr/bin/evil"}""", CniErrorCode.InvalidNetworkConfig, "invalid plugin type \"/usr/bin/evil\"")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","type":"a\\b"}""", CniErrorCode.InvalidNetworkConfig, "never a path")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","type":""}""", CniErrorCode.InvalidNetworkConfig, "missing plugin type")]
    public void Bad_configurations_give_coded_errors_naming_key_and_value(string json, CniErrorCode code, string mention)
    {
        var e = Assert.Throws<CniException>(() => NetworkConfig.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(code, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_prevResult_is_a_decoding_failure_naming_the_key()
    {
        NetworkConfig c = NetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"n","prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.300/24"}]}}""");
        var e = Assert.Throws<CniException>(() => c.GetPrevResult());
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains("ips[0].address", e.Message, StringComparison.Ordinal);
        Assert.Contains("10.0.0.300/24", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("A1")]
    [InlineData("net_1.2-x")]
    [InlineData("0")]
    public void Valid_names(string name) => ConfigRules.ValidateName(name);

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("abcdefghijklmnop", "is longer than 15 bytes")]
    [InlineData("ethé12345678901", "is longer than 15 bytes")] // 15 characters, 16 bytes: the kernel counts bytes
    [InlineData(".", "is a reserved name")]
    [InlineData("..", "is a reserved name")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("eth0:1", "contains ':'")]
    [InlineData("eth 0", "contains white space")]
    public void Interface_names_break_the_kernel_rule_in_words_every_layer_shares(string name, string problem)
    {
        Assert.Equal(problem, ConfigRules.InterfaceNameProblem(name));
        var e = Assert.Throws<CniException>(() => ConfigRules.ValidateInterfaceName(name));
        Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        Assert.Equal($"invalid CNI_IFNAME \"{name}\": the interface name {problem}", e.Message);
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("abcdefghijklmno")]
    [InlineData("veth0a1b2c3d")]
    public void Valid_interface_names(string name)
    {
        Assert.Null(ConfigRules.InterfaceNameProblem(name));
        ConfigRules.ValidateInterfaceName(name);
    }

    [Fact]
    public void Network_config_list_validates_and_derives_plugin_stdin()
    {
        NetworkConfigList list = NetworkConfigList.Parse("""
            {"cniVersion":"1.0.0","cniVersions":["0.4.0","1.1.0","2.0.0"],"name":"chain","disableCheck":"TRUE","disableGC":false,
             "plugins":[{"type":"bridge","bridge":"cni0","ipam":{"type":"host-local"}},{"type":"portmap","capabilities":{"portMappings":true}}]}
            """);
        Assert.True(list.DisableCheck);
        Assert.False(list.DisableGC);
        Assert.Equal(CniVersion.V1_1_0, list.SelectVersion());
        Assert.Equal(CniVersion.V1_0_0, list.SelectVersion(CniVersion.V1_0_0));
        var prev = new CniResult { Ips = { new IpConfig { Address = IPCidr.Parse("10.0.0.2/24") } } };
        JsonNode stdin = JsonNode.Parse(list.GetPluginConfig(1, CniVersion.V1_1_0, prev))!;
        Assert.Equal("chain", stdin["name"]!.GetValue<string>());
        Assert.Equal("1.1.0", stdin["cniVersion"]!.GetValue<string>());
        Assert.Equal("portmap", stdin["type"]!.GetValue<string>());
        Assert.True(stdin["capabilities"]!["portMappings"]!.GetValue<bool>());
        Assert.Equal("10.0.0.2/24", stdin["prevResult"]!["ips"]![0]!["address"]!.GetValue<string>());
        Assert.Null(JsonNode.Parse(list.GetPluginConfig(0, CniVersion.V1_1_0))!["prevResult"]);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"l"}""", "missing \"plugins\" list")]
    [InlineData("""{"cniVersion":"1.1.0","name":"l","loadOnlyInlinedPlugins":true}""", "\"loadOnlyInlinedPlugins\" is true but there is no \"plugins\" list")]
    [InlineData("""{"cniVersion":"1.0.0","name":"l","plugins":[]}""", "the \"plugins\" list is empty")]
    [InlineData("""{"cniVersion":"1.0.0","name":"l","plugins":[{"type":"bridge"},{"mtu":1}]}""", "plugins[1]: missing plugin type")]
    [InlineData("""{"cniVersion":"1.0.0","name":"l","plugins":[{"type":"x/y"}]}""", "plugins[0]: invalid plugin type \"x/y\"")]
    public void Bad_lists_are_invalid_network_config(string json, string mention)
    {
        var e = Assert.Throws<CniException>(() => NetworkConfigList.Parse(json));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"maybe\"")]
    [InlineData("1")]
    public void DisableCheck_accepts_only_booleans_or_their_strings(string value)
    {
        var e = Assert.Throws<CniException>(() => NetworkConfigList.Parse($$"""{"cniVersion":"1.0.0","name":"l","disableCheck":{{value}},"plugins":[{"type":"a"}]}"""));
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains("disableCheck", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.0.5/24", "host bits are set; the network with prefix length 24 is 10.1.0.0/24")]
    [InlineData("fd00::1/64", "host bits are set; the network with prefix length 64 is fd00::/64")]
    [InlineData("10.1.0.0", "expected a subnet in CIDR notation")]
    [InlineData("10.1.0.0/33", "expected a subnet in CIDR notation")]
    [InlineData("10.1/16", "expected a subnet in CIDR notation")]
    [InlineData("", "missing")]
    public void Subnets_with_host_bits_or_bad_syntax_are_invalid_config_naming_key_and_value(string text, string mention)
    {
        var e = Assert.Throws<CniException>(() => ConfigRules.ParseSubnet(text, "ipam.ranges[0][0].subnet"));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("ipam.ranges[0][0].subnet", e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.0.0/16")]
    [InlineData("0.0.0.0/0")]
    [InlineData("fd00:1::/64")]
    public void Network_addresses_are_valid_subnets(string text) =>
        Assert.Equal(text, ConfigRules.ParseSubnet(text, "subnet").ToString());

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","runtimeConfig":{"portMappings":[{"hostPort":"80"}]}}""", "key \"runtimeConfig.portMappings[0].hostPort\" has value \"80\", which is not an integer")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","args":{"cni":{"ips":"10.0.0.1"}}}""", "key \"args.cni.ips\" has value \"10.0.0.1\", which is not an array")]
    [InlineData("""{"cniVersion":"1.0.0","name":"n","ipam":{"type":5}}""", "key \"ipam.type\" has value 5, which is not a string")]
    public void Sections_are_typed_when_read_and_their_errors_name_the_full_key(string json, string mention)
    {
        // ipam, runtimeConfig and args are typed on first use (building their metadata is most of
        // what parsing costs); a wrong type inside them is reported then, naming the whole key.
        NetworkConfig c = NetworkConfig.Parse(json);
        var e = Assert.Throws<CniException>(() => (object?)c.RuntimeConfig ?? (object?)c.Args ?? c.Ipam);
        Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_changed_through_their_types_are_forwarded_changed_and_others_as_written()
    {
        NetworkConfig c = NetworkConfig.Parse(Full);
        c.Ipam!.Type = "static";
        c.RuntimeConfig = null;
        JsonNode forwarded = c.ToJsonObject();
        Assert.Equal("static", forwarded["ipam"]!["type"]!.GetValue<string>());
        Assert.Equal("10.1.0.0/16", forwarded["ipam"]!["subnet"]!.GetValue<string>());
        Assert.Null(forwarded["runtimeConfig"]);
        JsonAssert.Equivalent(JsonNode.Parse(Full)!["args"]!.ToJsonString(), forwarded["args"]!.ToJsonString());
    }
}
