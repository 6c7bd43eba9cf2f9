using System.Text;
using Cni.Spec;

// Exercises every JSON path of Cni.Spec (configs, results of each family, errors, versions)
// so that trimming or AOT problems in any of them show up as a different output.
var output = new StringBuilder();
NetworkConfig config = NetworkConfig.Parse("""
    {"cniVersion":"1.1.0","name":"aot","type":"bridge","custom":{"a":[1,2]},"ipMasq":true,
     "ipam":{"type":"host-local","ranges":[[{"subnet":"10.9.0.0/24"}]]},
     "runtimeConfig":{"portMappings":[{"hostPort":80,"containerPort":8080,"protocol":"tcp"}],"ipRanges":[[{"subnet":"10.8.0.0/24"}]]},
     "args":{"cni":{"ips":["10.9.0.7"],"labels":[{"key":"k","value":"v"}]}},
     "cni.dev/attachments":[{"containerID":"c","ifname":"eth0"}],
     "prevResult":{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mtu":1500,"sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"10.9.0.7/24","gateway":"10.9.0.1"}],"routes":[{"dst":"0.0.0.0/0","priority":5,"table":0}],"dns":{"nameservers":["10.9.0.53"]}}}
    """);
output.AppendLine(Encoding.UTF8.GetString(config.ToJson()));
output.AppendLine($"attachments={config.ValidAttachments!.Count} ranges={config.RuntimeConfig!.IpRanges![0][0].Subnet} labels={config.Args!.Cni!.Labels![0].Key}");
CniResult prev = config.GetPrevResult()!;
foreach (CniVersion v in CniVersion.All)
{
    output.AppendLine(prev.ToJsonString(v));
}

try
{
    NetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"n","ipMasq":"yes"}""");
}
catch (CniException e)
{
    output.AppendLine(Encoding.UTF8.GetString(e.ToError(CniVersion.V1_0_0).ToJson(indented: true)));
}

output.AppendLine(Encoding.UTF8.GetString(VersionInfo.For("1.0.0", CniVersion.All).ToJson()));
output.AppendLine(NetworkConfigList.Parse("""{"cniVersion":"1.0.0","cniVersions":["1.1.0"],"name":"l","disableCheck":"true","plugins":[{"type":"a"}]}""").SelectVersion().ToString());
Console.Out.Write(output.ToString());
return 0;
