using System.Net;
using Cni.Spec;
using static Cni.Ipam.Tests.T;

namespace Cni.Ipam.Tests;

/// <summary>
/// <see cref="HostLocalConfig.Load"/>: every source of ranges and of requested addresses, their order and
/// precedence, the legacy keys, and each check's code and text (the texts are the reference host-local's,
/// which the black-box tests in Cni.Plugins.Tests compare with the Go binary).
/// </summary>
public class HostLocalConfigTests
{
    private const string Ok = "\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}]]";

    private static NetworkConfig Config(string ipam, string version = "1.0.0", string extra = "") =>
        NetworkConfig.Parse($$"""{"cniVersion":"{{version}}","name":"net1","type":"host-local","ipam":{"type":"host-local"{{(ipam.Length == 0 ? "" : "," + ipam)}}}{{extra}}}""");

    private static HostLocalConfig Load(string ipam, string version = "1.0.0", string extra = "", string? cniArgs = null) =>
        HostLocalConfig.Load(Config(ipam, version, extra), CniArgs.Parse(cniArgs));

    private static CniException Fails(string ipam, string version = "1.0.0", string extra = "", string? cniArgs = null) =>
        Throws(() => Load(ipam, version, extra, cniArgs));

    private static string Subnets(HostLocalConfig c) => string.Join(" | ", c.RangeSets.Select(s => string.Join(",", s.Select(r => r.Subnet.ToString()))));

    [Fact]
    public void Ranges_are_read_with_their_bounds_and_the_defaults_filled_in()
    {
        HostLocalConfig c = Load("""
            "ranges":[[{"subnet":"10.30.0.0/24","rangeStart":"10.30.0.10","rangeEnd":"10.30.0.20","gateway":"10.30.0.254"},{"subnet":"10.31.0.0/24"}],[{"subnet":"fd00:30::/64"}]]
            """);
        Assert.Equal("net1", c.NetworkName);
        Assert.Equal("10.30.0.0/24,10.31.0.0/24 | fd00:30::/64", Subnets(c));
        IpRange first = c.RangeSets[0][0];
        Assert.Equal((Ip("10.30.0.10"), Ip("10.30.0.20"), Ip("10.30.0.254")), (first.RangeStart, first.RangeEnd, first.Gateway));
        Assert.Equal(Ip("10.31.0.1"), c.RangeSets[0][1].Gateway);
        Assert.Equal(DiskIpamStore.DefaultDataDirectory, c.DataDirectory);
        Assert.Null(c.ResolvConfPath);
        Assert.Null(c.LoadDns());
        Assert.Empty(c.Routes);
        Assert.Empty(c.RequestedAddresses);
    }

    [Fact]
    public void The_legacy_top_level_range_is_a_set_of_its_own_after_the_runtime_ranges_and_before_ranges()
    {
        HostLocalConfig c = Load(
            "\"subnet\":\"10.40.0.0/24\",\"rangeStart\":\"10.40.0.5\",\"rangeEnd\":\"10.40.0.6\",\"gateway\":\"10.40.0.9\",\"ranges\":[[{\"subnet\":\"10.41.0.0/24\"}]]",
            extra: ",\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"10.42.0.0/24\"}],[{\"subnet\":\"fd00:42::/64\"}]]}");
        Assert.Equal("10.42.0.0/24 | fd00:42::/64 | 10.40.0.0/24 | 10.41.0.0/24", Subnets(c));
        IpRange legacy = c.RangeSets[2][0];
        Assert.Equal((Ip("10.40.0.5"), Ip("10.40.0.6"), Ip("10.40.0.9")), (legacy.RangeStart, legacy.RangeEnd, legacy.Gateway));
    }

    [Fact]
    public void Legacy_bounds_without_a_subnet_are_ignored_but_must_still_be_addresses()
    {
        HostLocalConfig c = Load("\"rangeStart\":\"10.31.0.5\",\"gateway\":\"10.9.9.9\"," + Ok);
        Assert.Equal("10.30.0.0/24", Subnets(c));
        Assert.Equal(Ip("10.30.0.1"), c.RangeSets[0][0].Gateway);
        CniException e = Fails("\"rangeStart\":\"bogus\"," + Ok);
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "invalid IP address: bogus"), (e.Code, e.Message));
    }

    [Fact]
    public void An_empty_runtime_range_list_adds_nothing()
    {
        Assert.Equal("10.30.0.0/24", Subnets(Load(Ok, extra: ",\"runtimeConfig\":{\"ipRanges\":[]}")));
        CniException e = Fails("", extra: ",\"runtimeConfig\":{\"ipRanges\":[]}");
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "no IP ranges specified"), (e.Code, e.Message));
    }

    [Fact]
    public void Requested_addresses_come_from_args_then_runtimeConfig_without_duplicates_and_without_prefixes()
    {
        HostLocalConfig c = Load(
            "\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"fd00:30::/64\"}]]",
            extra: ",\"args\":{\"cni\":{\"ips\":[\"10.30.0.7/24\",\"10.30.0.8\"]}},\"runtimeConfig\":{\"ips\":[\"10.30.0.8/24\",\"fd00:30::9\"]}",
            cniArgs: "IP=10.30.0.99");
        Assert.Equal([Ip("10.30.0.7"), Ip("10.30.0.8"), Ip("fd00:30::9")], c.RequestedAddresses);
    }

    [Fact]
    public void Cni_args_ip_is_used_only_when_no_other_source_gives_one()
    {
        Assert.Equal([Ip("10.30.0.99")], Load(Ok, cniArgs: "IP=10.30.0.99").RequestedAddresses);
        Assert.Equal([Ip("10.30.0.99")], Load(Ok, extra: ",\"args\":{\"cni\":{\"ips\":[]}},\"runtimeConfig\":{\"ips\":[]}", cniArgs: "IgnoreUnknown=1;IP=10.30.0.99/24").RequestedAddresses);
        Assert.Equal([Ip("10.30.0.5")], Load(Ok, extra: ",\"runtimeConfig\":{\"ips\":[\"10.30.0.5\"]}", cniArgs: "IP=10.30.0.99").RequestedAddresses);
        Assert.Equal([Ip("10.30.0.6")], Load(Ok, extra: ",\"args\":{\"cni\":{\"ips\":[\"10.30.0.6\"]}}", cniArgs: "IP=10.30.0.99").RequestedAddresses);
    }

    [Fact]
    public void Cni_args_are_checked_even_when_the_args_key_wins()
    {
        CniException e = Fails(Ok, extra: ",\"runtimeConfig\":{\"ips\":[\"10.30.0.5\"]}", cniArgs: "IP=10.30.0.999");
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "ARGS: error parsing value of pair \"IP=10.30.0.999\": invalid IP address 10.30.0.999"), (e.Code, e.Message));
    }

    [Fact]
    public void Unknown_cni_args_keys_fail_unless_IgnoreUnknown_is_set()
    {
        CniException e = Fails(Ok, cniArgs: "FOO=bar;IP=10.30.0.5;BAZ=\"q\"");
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "ARGS: unknown args [\"FOO=bar\" \"BAZ=\\\"q\\\"\"]"), (e.Code, e.Message));
        Assert.Equal([Ip("10.30.0.5")], Load(Ok, cniArgs: "FOO=bar;IP=10.30.0.5;IgnoreUnknown=1").RequestedAddresses);
        Assert.Equal([Ip("10.30.0.5")], Load(Ok, cniArgs: "IgnoreUnknown=true;K8S_POD_NAME=p;IP=10.30.0.5").RequestedAddresses);
    }

    [Theory]
    [InlineData(",\"args\":{\"cni\":{\"ips\":[\"bogus\"]}}", "invalid IP address bogus")]
    [InlineData(",\"runtimeConfig\":{\"ips\":[\"10.30.0.5/99\"]}", "invalid IP address 10.30.0.5/99")]
    [InlineData(",\"runtimeConfig\":{\"ips\":[\"010.30.0.5\"]}", "invalid IP address 010.30.0.5")]
    public void A_requested_address_that_is_not_one_fails(string extra, string message)
    {
        CniException e = Fails(Ok, extra: extra);
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, message), (e.Code, e.Message));
    }

    [Fact]
    public void Routes_are_kept_as_written()
    {
        HostLocalConfig c = Load(Ok + ",\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.30.0.1\",\"mtu\":1400,\"advmss\":1360,\"priority\":5,\"table\":100,\"scope\":253}]");
        Assert.Equal(2, c.Routes.Count);
        Assert.Equal(("0.0.0.0/0", null), (c.Routes[0].Destination.ToString(), c.Routes[0].Gateway));
        CniRoute r = c.Routes[1];
        Assert.Equal(("192.168.0.0/16", Ip("10.30.0.1"), 1400, 1360, 5, 100, 253), (r.Destination.ToString(), r.Gateway, r.Mtu, r.AdvMss, r.Priority, r.Table, r.Scope));
    }

    [Fact]
    public void Data_directory_and_resolv_conf_are_read_and_a_dot_dot_component_is_refused()
    {
        using var dir = new TempDir();
        string resolv = Path.Combine(dir.Path, "resolv.conf");
        File.WriteAllText(resolv, "nameserver 10.0.0.53\ndomain example.test\nsearch a.test b.test\noptions ndots:2\n");
        HostLocalConfig c = Load(Ok + $",\"dataDir\":\"{dir.Path}\",\"resolvConf\":\"{resolv}\"");
        Assert.Equal(dir.Path, c.DataDirectory);
        Assert.Equal(resolv, c.ResolvConfPath);
        DnsConfig dns = c.LoadDns()!;
        Assert.Equal(["10.0.0.53"], dns.Nameservers);
        Assert.Equal("example.test", dns.Domain);
        Assert.Equal(["a.test", "b.test"], dns.Search);
        Assert.Equal(["ndots:2"], dns.Options);
        using (DiskIpamStore store = c.OpenStore())
        {
            Assert.Equal((dir.Path, "net1", Path.Combine(dir.Path, "net1")), (store.DataDirectory, store.NetworkName, store.NetworkDirectory));
        }

        CniException e = Fails(Ok + $",\"dataDir\":\"{dir.Path}/../elsewhere\"");
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "invalid dataDir: a path with a \"..\" component could leave the intended directory", $"{dir.Path}/../elsewhere"), (e.Code, e.Message, e.Details));
    }

    [Fact]
    public void A_missing_resolv_conf_fails_only_when_read_with_the_references_words()
    {
        HostLocalConfig c = Load(Ok + ",\"resolvConf\":\"/nonexistent/resolv.conf\"");
        CniException e = Throws(() => c.LoadDns());
        Assert.Equal((CniErrorCode.IOFailure, "open /nonexistent/resolv.conf: no such file or directory"), (e.Code, e.Message));
    }

    [Theory]
    [InlineData("", "no IP ranges specified")]
    [InlineData("\"ranges\":[]", "no IP ranges specified")]
    [InlineData("\"ranges\":[[]]", "invalid range set 0: empty range set")]
    [InlineData("\"ranges\":[[{}]]", "invalid range set 0: IP <nil> not v4 nor v6")]
    [InlineData("\"ranges\":[[{\"subnet\":\"bad\"}]]", "invalid CIDR address: bad")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.1/24\"}]]", "invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.30.0.0")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/31\"}]]", "invalid range set 0: Network 10.30.0.0/31 too small to allocate from")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeStart\":\"10.31.0.1\"}]]", "invalid range set 0: RangeStart 10.31.0.1 not in network 10.30.0.0/24")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"rangeStart\":\"bogus\"}]]", "invalid IP address: bogus")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\",\"gateway\":\"10.30.0.300\"}]]", "invalid IP address: 10.30.0.300")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]", "invalid range set 0: mixed address families")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.30.0.0/25\"}]]", "range set 0 overlaps with 1")]
    [InlineData("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[]]", "invalid range set 1: empty range set")]
    [InlineData("\"subnet\":\"10.30.0.0/24\",\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}]]", "range set 0 overlaps with 1")]
    [InlineData("\"subnet\":\"10.30.0.0/24\",\"rangeEnd\":\"x\"", "invalid IP address: x")]
    [InlineData(Ok + ",\"routes\":[{\"dst\":\"bogus\"}]", "invalid CIDR address: bogus")]
    [InlineData(Ok + ",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"nope\"}]", "invalid IP address: nope")]
    public void Each_bad_configuration_fails_with_code_7_and_the_references_text(string ipam, string message)
    {
        CniException e = Fails(ipam);
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, message), (e.Code, e.Message));
    }

    [Fact]
    public void A_missing_ipam_key_fails_first()
    {
        CniException e = Throws(() => HostLocalConfig.Load(NetworkConfig.Parse("""{"cniVersion":"1.0.0","name":"net1","type":"host-local"}"""), CniArgs.Parse("FOO=bar")));
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "IPAM config missing 'ipam' key"), (e.Code, e.Message));
    }

    [Fact]
    public void More_than_one_address_per_family_needs_0_3_0()
    {
        const string TwoV4 = "\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.31.0.0/24\"}]]";
        CniException e = Fails(TwoV4, version: "0.2.0");
        Assert.Equal((CniErrorCode.InvalidNetworkConfig, "CNI version 0.2.0 does not support more than 1 address per family"), (e.Code, e.Message));
        Assert.Equal(2, Load(TwoV4, version: "0.3.0").RangeSets.Count);
        Assert.Equal(2, Load("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"fd00::/64\"}]]", version: "0.2.0").RangeSets.Count);
    }

    /// <summary>
    /// Where a configuration has several faults the first is reported, in this order. The reference reports
    /// address text it cannot decode (in ranges, routes and requested addresses) in the order the keys are
    /// written, before anything else; with one fault, as the black-box tests compare, the two agree.
    /// </summary>
    [Fact]
    public void Checks_run_in_a_fixed_order()
    {
        // CNI_ARGS before requested addresses before routes before ranges.
        const string AllBad = "\"ranges\":[[{\"subnet\":\"bad\"}]],\"routes\":[{\"dst\":\"bogus\"}]";
        const string BadIps = ",\"runtimeConfig\":{\"ips\":[\"nope\"]}";
        Assert.StartsWith("ARGS: error parsing value", Fails(AllBad, extra: BadIps, cniArgs: "IP=x").Message, StringComparison.Ordinal);
        Assert.Equal("invalid IP address nope", Fails(AllBad, extra: BadIps).Message);
        Assert.Equal("invalid CIDR address: bogus", Fails(AllBad).Message);

        // Text that is not an address fails before any range set is validated, and without an index.
        Assert.Equal("invalid CIDR address: bad", Fails("\"ranges\":[[],[{\"subnet\":\"bad\"}]]").Message);

        // Range sets are validated in order, then the version, then overlaps, then dataDir.
        Assert.Equal("invalid range set 0: empty range set", Fails("\"ranges\":[[],[{\"subnet\":\"10.30.0.1/24\"}]]").Message);
        Assert.StartsWith("CNI version 0.2.0", Fails("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.30.0.0/25\"}]],\"dataDir\":\"/a/..\"", version: "0.2.0").Message, StringComparison.Ordinal);
        Assert.Equal("range set 0 overlaps with 1", Fails("\"ranges\":[[{\"subnet\":\"10.30.0.0/24\"}],[{\"subnet\":\"10.30.0.0/25\"}]],\"dataDir\":\"/a/..\"").Message);
    }

    [Fact]
    public void A_key_of_the_wrong_type_is_a_decoding_failure()
    {
        Assert.Equal(CniErrorCode.DecodingFailure, Fails("\"ranges\":\"x\"").Code);
        Assert.Equal(CniErrorCode.DecodingFailure, Fails(Ok + ",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"mtu\":\"big\"}]").Code);
        CniException legacy = Fails("\"subnet\":5," + Ok);
        Assert.Equal(CniErrorCode.DecodingFailure, legacy.Code);
        Assert.Contains("\"ipam.subnet\"", legacy.Message, StringComparison.Ordinal);
    }
}
