using System.Net;
using System.Net.Sockets;
using Cni.Spec;
using static Cni.Ipam.Tests.T;

namespace Cni.Ipam.Tests;

public class RangeTests
{
    [Fact]
    public void Ipv4_defaults_follow_the_reference()
    {
        IpRange r = Range("10.244.1.0/24");
        Assert.Equal(Ip("10.244.1.1"), r.RangeStart);
        Assert.Equal(Ip("10.244.1.254"), r.RangeEnd);
        Assert.Equal(Ip("10.244.1.1"), r.Gateway);
        Assert.Equal("10.244.1.1-10.244.1.254", r.ToString());
        Assert.Equal(AddressFamily.InterNetwork, r.AddressFamily);
    }

    [Fact]
    public void Ipv6_default_end_is_the_last_address()
    {
        IpRange r = Range("fd00::/120");
        Assert.Equal(Ip("fd00::1"), r.RangeStart);
        Assert.Equal(Ip("fd00::ff"), r.RangeEnd);
        Assert.Equal("fd00::1-fd00::ff", r.ToString());
    }

    [Theory]
    [InlineData("10.10.0.1/24", "Network has host bits set. For a subnet mask of length 24 the network address is 10.10.0.0")]
    [InlineData("fd00::1/64", "Network has host bits set. For a subnet mask of length 64 the network address is fd00::")]
    [InlineData("10.10.0.0/31", "Network 10.10.0.0/31 too small to allocate from")]
    [InlineData("10.10.0.0/32", "Network 10.10.0.0/32 too small to allocate from")]
    [InlineData("fd00::/127", "Network fd00::/127 too small to allocate from")]
    [InlineData("fd00::/128", "Network fd00::/128 too small to allocate from")]
    public void Invalid_subnets_are_refused_with_the_reference_text(string cidr, string message)
    {
        CniException e = Throws(() => Range(cidr));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Smallest_usable_subnets_are_accepted()
    {
        Assert.Equal("10.10.0.1-10.10.0.2", Range("10.10.0.0/30").ToString());
        Assert.Equal("fd00::1-fd00::3", Range("fd00::/126").ToString());
    }

    [Theory]
    [InlineData("10.10.1.5", null, "RangeStart 10.10.1.5 not in network 10.10.0.0/24")]
    [InlineData(null, "10.10.1.5", "RangeEnd 10.10.1.5 not in network 10.10.0.0/24")]
    [InlineData("fd00::5", null, "RangeStart fd00::5 not in network 10.10.0.0/24")]
    [InlineData("10.10.0.50", "10.10.0.40", "RangeEnd 10.10.0.40 is before RangeStart 10.10.0.50 in network 10.10.0.0/24")]
    public void Range_bounds_must_lie_in_the_subnet(string? start, string? end, string message)
    {
        CniException e = Throws(() => Range("10.10.0.0/24", start, end));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Gateway_is_never_allocatable_and_ipv4_network_and_broadcast_neither()
    {
        IpRange r = Range("10.10.0.0/24", "10.10.0.0", "10.10.0.255", "10.10.0.9");
        Assert.True(r.Contains(Ip("10.10.0.9")));
        Assert.False(r.IsAllocatable(Ip("10.10.0.9")));
        Assert.False(r.IsAllocatable(Ip("10.10.0.0")));
        Assert.False(r.IsAllocatable(Ip("10.10.0.255")));
        Assert.True(r.IsAllocatable(Ip("10.10.0.1")));
        IpRange v6 = Range("fd00::/120", "fd00::", "fd00::ff");
        Assert.True(v6.IsAllocatable(Ip("fd00::")));
        Assert.True(v6.IsAllocatable(Ip("fd00::ff")));
        Assert.False(v6.IsAllocatable(Ip("fd00::1")));
    }

    [Fact]
    public void Ipv4_mapped_addresses_are_canonicalised()
    {
        IpRange r = IpRange.Create(IPAddress.Parse("::ffff:10.1.0.0"), 16, null, null, null);
        Assert.Equal(AddressFamily.InterNetwork, r.AddressFamily);
        Assert.True(r.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.True(r.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.False(r.Contains(IPAddress.Parse("fd00::1")));
    }

    [Fact]
    public void Range_set_refuses_empty_mixed_and_overlapping()
    {
        Assert.Equal("empty range set", Throws(() => new RangeSet(Array.Empty<IpRange>())).Message);
        Assert.Equal("mixed address families", Throws(() => Set(Range("10.10.0.0/24"), Range("fd00::/64"))).Message);
        CniException overlap = Throws(() => Set(Range("10.10.0.0/24"), Range("10.10.0.0/25")));
        Assert.Equal("subnets 10.10.0.1-10.10.0.254 and 10.10.0.1-10.10.0.126 overlap", overlap.Message);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, overlap.Code);
    }

    [Fact]
    public void Ranges_of_one_subnet_that_do_not_overlap_are_fine()
    {
        RangeSet s = Set(Range("10.10.0.0/24", "10.10.0.10", "10.10.0.19"), Range("10.10.0.0/24", "10.10.0.20", "10.10.0.29"));
        Assert.Equal("10.10.0.10-10.10.0.19,10.10.0.20-10.10.0.29", s.ToString());
        Assert.True(s.Contains(Ip("10.10.0.25")));
        Assert.False(s.Contains(Ip("10.10.0.30")));
        Assert.Same(s[1], s.RangeFor(Ip("10.10.0.20")));
    }

    [Fact]
    public void Range_sets_must_not_overlap_each_other()
    {
        CniException e = Throws(() => RangeSet.ValidateAll([Set(Range("10.10.0.0/24")), Set(Range("fd00::/64")), Set(Range("10.10.0.0/25"))]));
        Assert.Equal("range set 0 overlaps with 2", e.Message);
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Equal("no IP ranges specified", Throws(() => RangeSet.ValidateAll([])).Message);
        RangeSet.ValidateAll([Set(Range("10.10.0.0/24")), Set(Range("10.10.1.0/24")), Set(Range("fd00::/64"))]);
    }

    [Theory]
    [InlineData("fd00::2", "fd00::2")]
    [InlineData("fd00:0:0:0:0:0:0:2", "fd00::2")]
    [InlineData("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:db8:1:1:1:1:0:1", "2001:db8:1:1:1:1:0:1")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("fd00::", "fd00::")]
    [InlineData("::102:304", "::102:304")]
    [InlineData("FD00:ABCD::0A", "fd00:abcd::a")]
    public void Ipv6_text_matches_go(string input, string expected) =>
        Assert.Equal(expected, IpAddressMath.Format(IPAddress.Parse(input)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("fd00::2", true)]
    [InlineData("lock", false)]
    [InlineData("last_reserved_ip.0", false)]
    [InlineData("10", false)]
    [InlineData("10.1.2", false)]
    [InlineData("fe80::1%2", false)]
    [InlineData(".cni-ipam-index", false)]
    public void Lease_names_parse_only_when_they_are_addresses(string name, bool isAddress) =>
        Assert.Equal(isAddress, IpAddressMath.TryParse(name) is not null);
}
