using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cni.Tests;

namespace Cni.Spec.Tests;

/// <summary>
/// <see cref="NetworkConfig.ToJson"/> writes with <see cref="Utf8JsonWriter"/>; Golden/network-config.outputs.json
/// holds, for each configuration below, the bytes the source-generated serializer wrote before.
/// <c>CNI_RECORD_GOLDEN=1</c> records the file again (and fails).
/// </summary>
public class NetworkConfigWriterTests
{
    private static readonly string GoldenFile = Path.Combine(RepoPaths.Root, "tests", "Cni.Spec.Tests", "Golden", "network-config.outputs.json");

    private const string Full = """
        {"x-first":1,"cniVersion":"1.0.0","name":"net","x-name":"n\u00e9t <&>","type":"bridge","capabilities":{"ips":true,"portMappings":false},
         "ipMasq":true,"dns":{"nameservers":["10.0.0.1"],"domain":"d","search":["a","b"],"options":["ndots:2"]},
         "ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16","gateway":"10.1.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]},
         "runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"127.0.0.1"},{"hostPort":0,"containerPort":0}],
           "ipRanges":[[{"subnet":"10.2.0.0/24","rangeStart":"10.2.0.5","rangeEnd":"10.2.0.9","gateway":"10.2.0.1"}],[]],
           "bandwidth":{"ingressRate":100,"ingressBurst":200,"egressRate":0,"egressBurst":9223372036854775807},
           "dns":{"servers":["1.1.1.1"],"searches":["s"],"options":["o"]},"ips":["10.2.0.7/24"],"mac":"aa:bb:cc:dd:ee:ff",
           "infinibandGUID":"g","deviceID":"0000:00:01.0","aliases":["al"],"cgroupPath":"/sys/fs/cgroup/x","other":{"k":[1,2.50,"\u2028"]}},
         "args":{"cni":{"ips":["10.1.0.9"],"labels":[{"key":"k","value":"v \"q\""}],"mac":"aa:bb:cc:dd:ee:00"},"K8S_POD":"p"},
         "prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.9/16"}]},
         "cni.dev/valid-attachments":[{"containerID":"c1","ifname":"eth0"}],"cni.dev/attachments":[],
         "mtu":1500,"nested":{"a":null,"b":[true,false]},"esc":"\t\u0001\\/ \ud83d\ude00"}
        """;

    private static IEnumerable<NetworkConfig> Configs()
    {
        yield return NetworkConfig.Parse("""{"cniVersion":"0.4.0","name":"n"}""");
        yield return NetworkConfig.Parse("""{"name":"n","type":"loopback","ipam":{},"runtimeConfig":null,"args":{}}""");
        yield return NetworkConfig.Parse(Full);

        // Every section typed after parsing, so it is written from the objects.
        NetworkConfig typed = NetworkConfig.Parse(Full);
        _ = typed.Ipam;
        _ = typed.RuntimeConfig;
        _ = typed.Args;
        yield return typed;

        NetworkConfig changed = NetworkConfig.Parse(Full);
        changed.RuntimeConfig!.Mac = null;
        changed.RuntimeConfig.Bandwidth = new BandwidthConfig { EgressRate = 5 };
        changed.Args!.Cni!.Labels = null;
        changed.Ipam!.Type = "static";
        changed.Ipam.ExtensionData = null;
        yield return changed;

        yield return new NetworkConfig();
        yield return new NetworkConfig
        {
            CniVersionText = "1.1.0",
            Name = "code \"built\"",
            Type = "host-local",
            Capabilities = new Dictionary<string, bool> { ["b<"] = false, ["a"] = true },
            IpMasq = false,
            Dns = new DnsConfig { Domain = "" },
            Ipam = new IpamConfig(),
            RuntimeConfig = new RuntimeConfig
            {
                PortMappings = [new PortMapping { HostPort = -1 }],
                IpRanges = [[new IpRangeConfig()]],
                Bandwidth = new BandwidthConfig(),
                Dns = new RuntimeDnsConfig { Servers = [] },
                Ips = [],
                Aliases = ["x"],
            },
            Args = new ConfigArgs { Cni = new CniConventionArgs { Ips = ["10.0.0.1"], Labels = [new Label("k", "v")] } },
            ValidAttachmentsKey = [new Attachment("c", "e")],
            AttachmentsKey = [new Attachment(null!, null!)],
            ExtensionData = new Dictionary<string, JsonElement>
            {
                ["mtu"] = JsonDocument.Parse("1400").RootElement,
                ["s"] = JsonDocument.Parse("\"\\u00e9\\n\"").RootElement,
            },
        };
        yield return new NetworkConfig
        {
            Name = "sections",
            Ipam = new IpamConfig { Type = "t", ExtensionData = new Dictionary<string, JsonElement> { ["k"] = JsonDocument.Parse("[1]").RootElement } },
            RuntimeConfig = new RuntimeConfig { ExtensionData = new Dictionary<string, JsonElement> { ["z"] = JsonDocument.Parse("{}").RootElement } },
            Args = new ConfigArgs { Cni = new CniConventionArgs { ExtensionData = new Dictionary<string, JsonElement> { ["mac"] = JsonDocument.Parse("\"m\"").RootElement } } },
            PrevResultJson = JsonDocument.Parse("""{"cniVersion":"0.3.1"}""").RootElement,
        };
    }

    private static IEnumerable<string> Outputs() => Configs().Select(c => Encoding.UTF8.GetString(c.ToJson()));

    [Fact]
    public void Writes_the_bytes_the_serializer_wrote()
    {
        GoldenFiles.AssertOutputs(GoldenFile, [.. Outputs()]);
    }
}
