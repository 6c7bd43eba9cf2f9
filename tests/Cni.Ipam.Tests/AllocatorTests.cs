using System.Net;
using Cni.Spec;
using static Cni.Ipam.Tests.T;

namespace Cni.Ipam.Tests;

/// <summary>Allocation logic over the in-memory store; the same logic runs over the disk store in DiskStoreTests.</summary>
public class AllocatorTests
{
    [Fact]
    public void Round_robin_starts_at_range_start_skips_gateway_and_resumes_after_last_reserved()
    {
        var store = new MemoryIpamStore();
        var alloc = new IpAllocator(Set(Range("10.10.0.0/29")), store, 0);
        Assert.Equal(Ip("10.10.0.2"), alloc.Allocate("c1", "eth0").Address);
        Assert.Equal(Ip("10.10.0.3"), alloc.Allocate("c2", "eth0").Address);
        alloc.Release("c1", "eth0");
        // Not .2 again: round-robin continues after the last reserved address.
        Assert.Equal(Ip("10.10.0.4"), alloc.Allocate("c3", "eth0").Address);
        Assert.Equal(Ip("10.10.0.4"), store.GetLastReserved(0));
    }

    [Fact]
    public void Iteration_wraps_across_ranges_of_a_set()
    {
        RangeSet set = Set(Range("10.10.0.0/24", "10.10.0.10", "10.10.0.11"), Range("10.20.0.0/24", "10.20.0.5", "10.20.0.6"));
        Assert.Equal(
            ["10.20.0.5", "10.20.0.6", "10.10.0.10", "10.10.0.11"],
            set.EnumerateCandidates(Ip("10.10.0.11")).Select(a => a.ToString()));
        Assert.Equal(
            ["10.10.0.11", "10.20.0.5", "10.20.0.6", "10.10.0.10"],
            set.EnumerateCandidates(Ip("10.10.0.10")).Select(a => a.ToString()));
        // A last address outside the set (the configuration changed) restarts at the first range.
        Assert.Equal(
            ["10.10.0.10", "10.10.0.11", "10.20.0.5", "10.20.0.6"],
            set.EnumerateCandidates(Ip("192.168.0.1")).Select(a => a.ToString()));
    }

    [Fact]
    public void Iteration_excludes_gateway_network_and_broadcast()
    {
        RangeSet set = Set(Range("10.10.0.0/29", "10.10.0.0", "10.10.0.7", "10.10.0.3"));
        Assert.Equal(
            ["10.10.0.1", "10.10.0.2", "10.10.0.4", "10.10.0.5", "10.10.0.6"],
            set.EnumerateCandidates(null).Select(a => a.ToString()));
    }

    [Fact]
    public void Ipv6_allocation_and_last_address()
    {
        var store = new MemoryIpamStore();
        var alloc = new IpAllocator(Set(Range("fd00::/126")), store, 1);
        IpAllocation a = alloc.Allocate("c1", "eth0");
        Assert.Equal("fd00::2/126", a.ToString());
        Assert.Equal(Ip("fd00::1"), a.Gateway);
        Assert.Equal(126, a.PrefixLength);
        Assert.Equal(Ip("fd00::3"), alloc.Allocate("c2", "eth0").Address);
        CniException e = Throws(() => alloc.Allocate("c3", "eth0"));
        Assert.Equal("no IP addresses available in range set: fd00::1-fd00::3", e.Message);
    }

    [Fact]
    public void Exhausting_a_slash_30_gives_the_reference_message()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/30"))]);
        Assert.Equal("10.10.0.2/30", ipam.Allocate("c1", "eth0")[0].ToString());
        CniException e = Throws(() => ipam.Allocate("c2", "eth0"));
        Assert.Equal("failed to allocate for range 0: no IP addresses available in range set: 10.10.0.1-10.10.0.2", e.Message);
        Assert.Equal(CniErrorCode.Internal, e.Code);
    }

    [Fact]
    public void Duplicate_allocation_for_the_same_attachment_is_refused()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/24"))]);
        ipam.Allocate("c1", "eth0");
        CniException e = Throws(() => ipam.Allocate("c1", "eth0"));
        Assert.Equal("failed to allocate for range 0: 10.10.0.2 has been allocated to c1, duplicate allocation is not allowed", e.Message);
        // Another interface of the same container is another attachment.
        Assert.Equal(Ip("10.10.0.3"), ipam.Allocate("c1", "eth1")[0].Address);
    }

    [Fact]
    public void Legacy_id_only_lease_counts_as_held_by_every_interface_of_the_container()
    {
        var store = new MemoryIpamStore();
        store.TryReserve(Ip("10.10.0.7"), new LeaseOwner("c1", null), 0);
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        Assert.Contains("10.10.0.7 has been allocated to c1", Throws(() => ipam.Allocate("c1", "eth0")).Message);
        Assert.Single(ipam.Find("c1", "eth9"));
        Assert.Equal(Ip("10.10.0.7"), Assert.Single(ipam.Release("c1", "eth0")).Address);
        Assert.Empty(store.GetLeases());
    }

    [Fact]
    public void Dual_stack_allocates_one_address_per_range_set()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/24")), Set(Range("fd00::/64"))]);
        IReadOnlyList<IpAllocation> ips = ipam.Allocate("c1", "eth0");
        Assert.Equal(["10.10.0.2/24", "fd00::2/64"], ips.Select(i => i.ToString()));
        Assert.Equal([0, 1], ips.Select(i => i.RangeSetIndex));
        Assert.Equal(2, ipam.Release("c1", "eth0").Count);
    }

    [Fact]
    public void Requested_ips_go_to_the_first_containing_set_and_are_honoured()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/24")), Set(Range("fd00::/64")), Set(Range("10.20.0.0/24"))]);
        IReadOnlyList<IpAllocation> ips = ipam.Allocate("c1", "eth0", [Ip("10.20.0.9"), Ip("fd00::99")]);
        Assert.Equal(["10.10.0.2/24", "fd00::99/64", "10.20.0.9/24"], ips.Select(i => i.ToString()));
    }

    [Fact]
    public void Requested_ip_that_is_taken_fails_and_rolls_back_earlier_sets()
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24")), Set(Range("fd00::/64"))]);
        ipam.Allocate("other", "eth0", [Ip("fd00::5")]);
        CniException e = Throws(() => ipam.Allocate("c1", "eth0", [Ip("fd00::5")]));
        Assert.Equal("failed to allocate for range 1: requested IP address fd00::5 is not available in range set fd00::1-fd00::ffff:ffff:ffff:ffff", e.Message);
        Assert.Empty(store.FindByOwner("c1", "eth0")); // the IPv4 address of set 0 was released again
        Assert.Equal(2, store.GetLeases().Count);
    }

    [Fact]
    public void Requested_gateway_is_refused()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/24"))]);
        Assert.Equal("failed to allocate for range 0: requested ip 10.10.0.1 is subnet's gateway",
            Throws(() => ipam.Allocate("c1", "eth0", [Ip("10.10.0.1")])).Message);
    }

    [Fact]
    public void Requested_ips_are_all_or_nothing()
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        CniException e = Throws(() => ipam.Allocate("c1", "eth0", [Ip("10.10.0.7"), Ip("10.10.0.8"), Ip("192.168.1.1")]));
        Assert.Equal("failed to allocate all requested IPs: 10.10.0.8 192.168.1.1", e.Message);
        Assert.Empty(store.GetLeases());
    }

    [Fact]
    public void Rollback_keeps_leases_the_attachment_held_before()
    {
        var store = new MemoryIpamStore();
        store.TryReserve(Ip("10.10.0.50"), new LeaseOwner("c1", "eth0"), 0);
        var ipam = new HostLocalIpam(store, [Set(Range("10.30.0.0/24")), Set(Range("10.10.0.0/24"))]);
        Throws(() => ipam.Allocate("c1", "eth0"));
        Assert.Equal(Ip("10.10.0.50"), Assert.Single(store.GetLeases()).Address);
    }

    [Fact]
    public void Release_of_unknown_attachment_is_not_an_error()
    {
        var ipam = new HostLocalIpam(new MemoryIpamStore(), [Set(Range("10.10.0.0/24"))]);
        Assert.Empty(ipam.Release("nobody", "eth0"));
    }

    [Fact]
    public void Per_set_release_only_touches_its_own_set()
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24")), Set(Range("fd00::/64"))]);
        ipam.Allocate("c1", "eth0");
        var v6 = new IpAllocator(ipam.RangeSets[1], store, 1);
        Assert.Equal(Ip("fd00::2"), Assert.Single(v6.Release("c1", "eth0")).Address);
        Assert.Equal(Ip("10.10.0.2"), Assert.Single(store.GetLeases()).Address);
    }

    [Fact]
    public void Gc_frees_everything_not_valid_and_an_empty_list_means_none_is_valid()
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        ipam.Allocate("keep", "eth0");
        ipam.Allocate("keep", "eth1");
        ipam.Allocate("drop", "eth0");
        store.TryReserve(Ip("10.10.0.100"), new LeaseOwner("legacykeep", null), 0);
        store.TryReserve(Ip("10.10.0.101"), new LeaseOwner("legacydrop", null), 0);

        IReadOnlyList<Lease> freed = ipam.CollectGarbage([new LeaseOwner("keep", "eth0"), new LeaseOwner("legacykeep", "eth0")]);
        Assert.Equal(["drop", "keep", "legacydrop"], freed.Select(l => l.Owner.ContainerId).Order());
        Assert.Equal(["10.10.0.100", "10.10.0.2"], store.GetLeases().Select(l => l.Address.ToString()).Order());

        Assert.Equal(2, ipam.CollectGarbage([]).Count);
        Assert.Empty(store.GetLeases());
    }

    [Fact]
    public void Status_reports_exhaustion_and_an_unusable_store_with_code_50()
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/30")), Set(Range("fd00::/64"))]);
        Assert.True(ipam.GetStatus().IsAvailable);
        ipam.CheckStatus();
        ipam.Allocate("c1", "eth0");
        IpamStatus status = ipam.GetStatus();
        Assert.Equal([0], status.ExhaustedRangeSets);
        Assert.False(status.IsAvailable);
        Assert.False(status.AllExhausted);
        Assert.Equal(CniErrorCode.PluginNotAvailable, Throws(ipam.CheckStatus).Code);

        ipam.Release("c1", "eth0");
        store.UnusableReason = "disk on fire";
        CniException e = Throws(ipam.CheckStatus);
        Assert.Equal(CniErrorCode.PluginNotAvailable, e.Code);
        Assert.Contains("disk on fire", e.Message);
    }

    [Fact]
    public void Exhaustion_counting_ignores_leases_outside_the_set_and_on_excluded_addresses()
    {
        var store = new MemoryIpamStore();
        var alloc = new IpAllocator(Set(Range("10.10.0.0/30")), store, 0);
        store.TryReserve(Ip("10.10.0.1"), new LeaseOwner("x", "eth0"), 0); // the gateway, reserved by hand
        store.TryReserve(Ip("10.99.0.1"), new LeaseOwner("y", "eth0"), 0);
        Assert.True(alloc.HasFreeAddress());
        alloc.Allocate("c1", "eth0");
        Assert.False(alloc.HasFreeAddress());
    }

    [Theory]
    [InlineData("", "eth0", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("../x", "eth0", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "a/b", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "..", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "e\r\nx", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "sixteen-chars-xx", CniErrorCode.InvalidEnvironmentVariables)]
    [InlineData("c1", "x:y", CniErrorCode.InvalidEnvironmentVariables)]
    public void Bad_container_ids_and_interface_names_are_refused(string id, string ifName, CniErrorCode code)
    {
        var store = new MemoryIpamStore();
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        Assert.Equal(code, Throws(() => ipam.Allocate(id, ifName)).Code);
        Assert.Empty(store.GetLeases());
    }
}
