using System.Diagnostics;
using System.Text;
using Cni.Tests;

namespace Cni.Spec.Tests;

/// <summary>
/// The Go reference host-local plugin as an oracle: it prints the same allocation in every wire
/// version, so our conversion of its 1.0.0 output must equal its own output in each older version,
/// and every output it prints must survive our parse-and-write byte for byte.
/// </summary>
public sealed class ReferenceHostLocalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-spec-oracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> GoVersions => new("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0");

    private static readonly string[] Configs =
    [
        // dual stack with routes and DNS from a resolv.conf
        """{"cniVersion":"VERSION","name":"oracle","ipam":{"type":"host-local","dataDir":"DATA","resolvConf":"RESOLV","ranges":[[{"subnet":"10.10.0.0/24"}],[{"subnet":"fd00:10::/64"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.10.0.254"},{"dst":"::/0"}]}}""",
        // IPv4 only, custom gateway and range
        """{"cniVersion":"VERSION","name":"oracle","ipam":{"type":"host-local","dataDir":"DATA","ranges":[[{"subnet":"172.16.4.0/22","rangeStart":"172.16.5.10","rangeEnd":"172.16.5.20","gateway":"172.16.4.1"}]]}}""",
        // IPv6 only
        """{"cniVersion":"VERSION","name":"oracle","ipam":{"type":"host-local","dataDir":"DATA","ranges":[[{"subnet":"2001:db8:1::/120"}]]}}""",
    ];

    private string RunGo(string config, string version, string data)
    {
        string plugin = Requires.ReferencePlugin("host-local");
        string resolv = Path.Combine(_dir, "resolv.conf");
        File.WriteAllText(resolv, "nameserver 10.10.0.53\nsearch svc.cluster.local cluster.local\noptions ndots:5\ndomain cluster.local\n");
        string stdin = config.Replace("VERSION", version, StringComparison.Ordinal)
            .Replace("DATA", data, StringComparison.Ordinal)
            .Replace("RESOLV", resolv, StringComparison.Ordinal);
        var psi = new ProcessStartInfo(plugin)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["CNI_COMMAND"] = "ADD",
                ["CNI_CONTAINERID"] = "oracle1",
                ["CNI_NETNS"] = "/nonexistent",
                ["CNI_IFNAME"] = "eth0",
                ["CNI_PATH"] = Path.GetDirectoryName(plugin)!,
            },
        };
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"reference host-local failed ({p.ExitCode}): {stdout} {stderr}");
        return stdout;
    }

    private string Allocate(int config, string version, string tag = "") =>
        RunGo(Configs[config], version, Path.Combine(_dir, $"data-{config}-{version}{tag}"));

    [Theory]
    [MemberData(nameof(GoVersions))]
    public void Our_conversion_of_its_1_0_0_output_equals_its_own_output(string version)
    {
        for (int c = 0; c < Configs.Length; c++)
        {
            string go100 = Allocate(c, "1.0.0", "-source");
            string goOld = Allocate(c, version);
            string ours = CniResult.Parse(go100, null).ToJsonString(CniVersion.Parse(version));
            JsonAssert.Equivalent(goOld, ours);
        }
    }

    [Theory]
    [MemberData(nameof(GoVersions))]
    public void Each_of_its_outputs_parses_and_writes_back_unchanged(string version)
    {
        for (int c = 0; c < Configs.Length; c++)
        {
            string go = Allocate(c, version);
            CniResult parsed = CniResult.Parse(Encoding.UTF8.GetBytes(go), null);
            Assert.Equal(CniVersion.Parse(version), parsed.CniVersion);
            Assert.NotEmpty(parsed.Ips);
            // Same bytes: the same keys, order, omissions and four-space indentation as Go prints.
            Assert.Equal(go, parsed.ToJsonString(parsed.CniVersion));
        }
    }

    [Fact]
    public void Its_dns_from_resolv_conf_survives_every_version()
    {
        foreach (string version in new[] { "0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0" })
        {
            CniResult parsed = CniResult.Parse(Allocate(0, version), null);
            Assert.Equal(["10.10.0.53"], parsed.Dns.Nameservers);
            Assert.Equal("cluster.local", parsed.Dns.Domain);
            Assert.Equal(["svc.cluster.local", "cluster.local"], parsed.Dns.Search);
            Assert.Equal(["ndots:5"], parsed.Dns.Options);
        }
    }
}
