using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Cni.Spec.Tests;

public class ResultTests
{
    public static TheoryData<string> Versions => new(CniVersion.All.Select(v => v.ToString()));

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (CniVersion from in CniVersion.All)
        {
            foreach (CniVersion to in CniVersion.All)
            {
                data.Add(from.ToString(), to.ToString());
            }
        }

        return data;
    }

    internal static string Golden(string version) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", $"result-{version}.json")).TrimEnd('\n');

    [Theory]
    [MemberData(nameof(Versions))]
    public void Golden_documents_round_trip_byte_for_byte(string version)
    {
        string golden = Golden(version);
        CniResult result = CniResult.Parse(golden, null);
        Assert.Equal(CniVersion.Parse(version), result.CniVersion);
        Assert.Equal(golden, result.ToJsonString(CniVersion.Parse(version)));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_supported_pair_converts(string from, string to)
    {
        CniResult source = CniResult.Parse(Golden(from), null);
        CniResult converted = source.ConvertTo(CniVersion.Parse(to));
        Assert.Equal(CniVersion.Parse(to), converted.CniVersion);
        Assert.NotEmpty(converted.Ips);
        // The v4 address survives every conversion, in every direction.
        Assert.Contains(converted.Ips, ip => ip.Address.ToString() == "10.1.0.5/24");
        // Writing the converted result again in its own version is stable.
        string once = converted.ToJsonString(converted.CniVersion);
        Assert.Equal(once, CniResult.Parse(once, null).ToJsonString(converted.CniVersion));
    }

    [Fact]
    public void Legacy_up_conversion_moves_ip4_ip6_into_ips_and_concatenates_routes()
    {
        CniResult r = CniResult.Parse(Golden("0.2.0"), null);
        string json = r.ToJsonString(CniVersion.V0_4_0);
        JsonAssert.Equivalent("""
            {"cniVersion":"0.4.0",
             "ips":[{"version":"4","address":"10.1.0.5/24","gateway":"10.1.0.1"},
                    {"version":"6","address":"fd00:1::5/64","gateway":"fd00:1::1"}],
             "routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.1.0.254"},{"dst":"::/0"}],
             "dns":{"nameservers":["10.1.0.53"],"domain":"cluster.local","search":["svc.cluster.local","cluster.local"],"options":["ndots:5"]}}
            """, json);
    }

    [Fact]
    public void Down_conversion_to_legacy_keeps_first_address_of_each_family_and_splits_routes()
    {
        var result = new CniResult
        {
            Interfaces = { new CniInterface { Name = "eth0" } },
            Ips =
            {
                new IpConfig { Address = IPCidr.Parse("fd00::9/64") },
                new IpConfig { Address = IPCidr.Parse("10.0.0.2/24"), Gateway = IPAddress.Parse("10.0.0.1") },
                new IpConfig { Address = IPCidr.Parse("10.0.1.2/24") },
                new IpConfig { Address = IPCidr.Parse("fd00::10/64") },
            },
            Routes =
            {
                new CniRoute { Destination = IPCidr.Parse("::/0"), Gateway = IPAddress.Parse("fd00::1") },
                new CniRoute { Destination = IPCidr.Parse("0.0.0.0/0"), Mtu = 1400 },
            },
        };

        JsonAssert.Equivalent("""
            {"cniVersion":"0.2.0",
             "ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0"}]},
             "ip6":{"ip":"fd00::9/64","routes":[{"dst":"::/0","gw":"fd00::1"}]},
             "dns":{}}
            """, result.ToJsonString(CniVersion.V0_2_0));
    }

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.2.0")]
    public void Down_conversion_to_legacy_fails_without_any_address(string version)
    {
        var result = new CniResult { Interfaces = { new CniInterface { Name = "eth0" } } };
        var e = Assert.Throws<CniException>(() => result.ToJson(CniVersion.Parse(version)));
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Contains("no IP address", e.Message, StringComparison.Ordinal);
        // Versions 0.3.0 and later carry a result without addresses.
        Assert.DoesNotContain("ips", result.ToJsonString(CniVersion.V0_3_0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.4.0")]
    [InlineData("0.3.1")]
    public void Fields_added_in_1_1_0_are_not_written_in_older_versions(string version)
    {
        // Our decision, unlike the Go library: a version's output holds only the fields its spec defines.
        CniResult r = CniResult.Parse(Golden("1.1.0"), null);
        JsonNode doc = JsonNode.Parse(r.ToJsonString(CniVersion.Parse(version)))!;
        foreach (JsonNode? i in doc["interfaces"]!.AsArray())
        {
            Assert.Null(i!["mtu"]);
            Assert.Null(i["socketPath"]);
            Assert.Null(i["pciID"]);
        }

        foreach (JsonNode? route in doc["routes"]!.AsArray())
        {
            Assert.Empty(route!.AsObject().Select(p => p.Key).Except(["dst", "gw"]));
        }
    }

    [Fact]
    public void Version_1_1_0_keeps_its_fields_and_explicit_zero_table_and_scope()
    {
        CniResult r = CniResult.Parse(Golden("1.1.0"), null);
        Assert.Equal(1450, r.Interfaces[0].Mtu);
        Assert.Equal("/var/run/vhost/sock0", r.Interfaces[1].SocketPath);
        Assert.Equal("0000:03:00.1", r.Interfaces[2].PciId);
        Assert.Equal(0, r.Routes[0].Table);
        Assert.Equal(0, r.Routes[0].Scope);
        Assert.Equal(1360, r.Routes[0].AdvMss);
        Assert.Null(r.Routes[1].Priority);
        string json = r.ToJsonString(CniVersion.V1_1_0);
        Assert.Contains("\"table\": 0", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_cniVersion_takes_the_assumed_version()
    {
        const string noVersion = """{"ips":[{"address":"10.0.0.2/24"}]}""";
        Assert.Equal(CniVersion.V1_0_0, CniResult.Parse(noVersion, CniVersion.V1_0_0).CniVersion);
        // Without a hint it is 0.1.0, whose shape has no "ips": nothing is read.
        CniResult legacy = CniResult.Parse(noVersion, null);
        Assert.Equal(CniVersion.V0_1_0, legacy.CniVersion);
        Assert.Empty(legacy.Ips);
    }

    [Theory]
    [InlineData("""{"cniVersion":"9.9.9"}""", CniErrorCode.IncompatibleVersion, "9.9.9")]
    [InlineData("""{"cniVersion":"x.y"}""", CniErrorCode.DecodingFailure, "x.y")]
    [InlineData("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2"}]}""", CniErrorCode.DecodingFailure, "ips[0].address")]
    [InlineData("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24","gateway":"nope"}]}""", CniErrorCode.DecodingFailure, "ips[0].gateway")]
    [InlineData("""{"cniVersion":"1.0.0","ips":[{"gateway":"10.0.0.1"}]}""", CniErrorCode.DecodingFailure, "ips[0].address")]
    [InlineData("""{"cniVersion":"1.0.0","interfaces":"eth0"}""", CniErrorCode.DecodingFailure, "interfaces")]
    [InlineData("""{"cniVersion":"1.0.0","routes":[{"dst":"10.0.0.0/33"}]}""", CniErrorCode.DecodingFailure, "routes[0].dst")]
    [InlineData("""{"cniVersion":1}""", CniErrorCode.DecodingFailure, "cniVersion")]
    [InlineData("""{"cniVersion":"1.0.0",""", CniErrorCode.DecodingFailure, "JSON")]
    [InlineData("", CniErrorCode.DecodingFailure, "empty")]
    public void Bad_results_give_coded_errors_naming_the_key(string json, CniErrorCode code, string mention)
    {
        var e = Assert.Throws<CniException>(() => CniResult.Parse(Encoding.UTF8.GetBytes(json), null));
        Assert.Equal(code, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_an_unknown_version_is_an_incompatible_version_error()
    {
        var e = Assert.Throws<CniException>(() => new CniResult().ToJson(CniVersion.Parse("0.5.0")));
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Contains("0.5.0", e.Message, StringComparison.Ordinal);
    }
}
