using System.Net;
using System.Text.Json;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>
/// A result configured on an interface inside a fresh namespace and verified against it, read back with
/// our dump, <c>ip -j</c> and <c>sysctl</c>; and what CHECK says when something is missing.
/// </summary>
public sealed class PodInterfaceTests
{
    private static JsonElement IpJson(TestNamespace ns, params string[] arguments) =>
        JsonDocument.Parse(Processes.Output(["ip", "-j", "-n", ns.Name, .. arguments])).RootElement;

    private static string Sysctl(TestNamespace ns, string key) => ns.Exec("sysctl", "-n", key).Trim();

    /// <summary>A fresh pod namespace with <c>eth0</c>, one end of a veth pair whose other end is up, IPv6 off on <c>eth0</c>; a socket inside.</summary>
    private sealed class Pod : IDisposable
    {
        public Pod()
        {
            Requires.Root();
            Ns = TestNamespace.Create("nl-podif");
            try
            {
                Ns.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
                Ns.Ip("link", "set", "peer0", "up");
                Ns.Exec("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=1");
                Handle = NetworkNamespace.Open(Ns.Path);
                Rtnl = RtnlSocket.OpenIn(Handle);
            }
            catch
            {
                Ns.Dispose();
                throw;
            }
        }

        public TestNamespace Ns { get; }

        public NetworkNamespace Handle { get; }

        public RtnlSocket Rtnl { get; }

        public void Dispose()
        {
            Rtnl.Dispose();
            Handle.Dispose();
            Ns.Dispose();
        }
    }

    /// <summary>A dual-stack result for eth0 (interface 0), an address of another interface, and routes of every kind.</summary>
    private static CniResult Result(string netns) => new()
    {
        Interfaces =
        {
            new CniInterface { Name = "eth0", Sandbox = netns },
            new CniInterface { Name = "net9", Sandbox = netns },
        },
        Ips =
        {
            new IpConfig { Address = IPCidr.Parse("10.22.0.5/16"), Gateway = IPAddress.Parse("10.22.0.1"), Interface = 0 },
            new IpConfig { Address = IPCidr.Parse("fd00::5/64"), Gateway = IPAddress.Parse("fd00::1"), Interface = 0 },
            new IpConfig { Address = IPCidr.Parse("10.77.0.5/24"), Gateway = IPAddress.Parse("10.77.0.1"), Interface = 1 },
        },
        Routes =
        {
            new CniRoute { Destination = IPCidr.Parse("0.0.0.0/0") },
            new CniRoute { Destination = IPCidr.Parse("10.99.0.0/16"), Gateway = IPAddress.Parse("10.22.0.254") },
            new CniRoute { Destination = IPCidr.Parse("::/0") },
            new CniRoute { Destination = IPCidr.Parse("192.168.50.0/24"), Table = 100, Priority = 50 },
        },
    };

    [Fact]
    public void Configure_puts_the_interfaces_addresses_and_the_routes_and_sets_the_sysctls()
    {
        using var p = new Pod();
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        Link eth0 = rtnl.GetLink("eth0");

        PodInterface.Configure(pod, rtnl, eth0, Result(ns.Path));

        // Up, with the two addresses of interface 0 and not the one of net9 (our dump, then ip's).
        Assert.True(rtnl.GetLink(eth0.Index).IsUp);
        string[] ours = [.. rtnl.ListAddresses(eth0.Index).Where(a => a.Scope != RouteScope.Link).Select(a => $"{a.Address}/{a.PrefixLength}").Order()];
        Assert.Equal(["10.22.0.5/16", "fd00::5/64"], ours);
        JsonElement addresses = IpJson(ns, "addr", "show", "dev", "eth0")[0].GetProperty("addr_info");
        string[] ip = [.. addresses.EnumerateArray().Where(a => a.GetProperty("scope").GetString() == "global").Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}").Order()];
        Assert.Equal(["10.22.0.5/16", "fd00::5/64"], ip);
        Assert.DoesNotContain(addresses.EnumerateArray(), a => a.TryGetProperty("tentative", out _) && a.GetProperty("local").GetString() == "fd00::5");
        Assert.Contains("UP", IpJson(ns, "link", "show", "dev", "eth0")[0].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        // Routes: the family's gateway for those without one, their own otherwise, table and metric kept.
        JsonElement v4 = IpJson(ns, "-4", "route", "show");
        Assert.Contains(v4.EnumerateArray(), r => r.GetProperty("dst").GetString() == "default" && r.GetProperty("gateway").GetString() == "10.22.0.1" && r.GetProperty("dev").GetString() == "eth0");
        Assert.Contains(v4.EnumerateArray(), r => r.GetProperty("dst").GetString() == "10.99.0.0/16" && r.GetProperty("gateway").GetString() == "10.22.0.254");
        JsonElement v6 = IpJson(ns, "-6", "route", "show");
        Assert.Contains(v6.EnumerateArray(), r => r.GetProperty("dst").GetString() == "default" && r.GetProperty("gateway").GetString() == "fd00::1");
        JsonElement table100 = IpJson(ns, "-4", "route", "show", "table", "100");
        JsonElement t = Assert.Single(table100.EnumerateArray());
        Assert.Equal("192.168.50.0/24", t.GetProperty("dst").GetString());
        Assert.Equal("10.22.0.1", t.GetProperty("gateway").GetString());
        Assert.Equal(50, t.GetProperty("metric").GetInt32());
        Assert.Contains(rtnl.ListRoutes(NetlinkAddressFamily.Inet, 100), r => r.DestinationPrefixLength == 24 && r.Priority == 50 && r.OutputInterface == eth0.Index);

        // Sysctls: ARP notify, no DAD, IPv6 turned back on for the interface, addresses kept when it goes down.
        Assert.Equal("1", Sysctl(ns, "net.ipv4.conf.eth0.arp_notify"));
        Assert.Equal("0", Sysctl(ns, "net.ipv6.conf.eth0.accept_dad"));
        Assert.Equal("0", Sysctl(ns, "net.ipv6.conf.eth0.disable_ipv6"));
        Assert.Equal("0", Sysctl(ns, "net.ipv6.conf.lo.disable_ipv6"));
        Assert.Equal("1", Sysctl(ns, "net.ipv6.conf.eth0.keep_addr_on_down"));
    }

    [Fact]
    public void Configure_with_dad_waits_until_no_address_is_tentative()
    {
        using var p = new Pod();
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        Link eth0 = rtnl.GetLink("eth0");
        var result = new CniResult
        {
            Ips = { new IpConfig { Address = IPCidr.Parse("fd00::5/64"), Gateway = IPAddress.Parse("fd00::1") } },
            Routes = { new CniRoute { Destination = IPCidr.Parse("::/0") } },
        };

        PodInterface.Configure(pod, rtnl, eth0, result, enableDad: true);

        Assert.Equal("1", Sysctl(ns, "net.ipv6.conf.eth0.accept_dad"));
        Assert.Equal("1", Sysctl(ns, "net.ipv6.conf.eth0.enhanced_dad"));
        LinkAddress address = Assert.Single(rtnl.ListAddresses(eth0.Index, NetlinkAddressFamily.Inet6), a => a.Address.Equals(IPAddress.Parse("fd00::5")));
        Assert.Equal(AddressFlags.None, address.Flags & (AddressFlags.Tentative | AddressFlags.NoDad));
        Assert.Contains(IpJson(ns, "-6", "route", "show").EnumerateArray(), r => r.GetProperty("dst").GetString() == "default");
    }

    [Fact]
    public void Configure_names_a_route_the_kernel_refuses()
    {
        using var p = new Pod();
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        var result = new CniResult
        {
            Ips = { new IpConfig { Address = IPCidr.Parse("10.22.0.5/16") } },
            Routes = { new CniRoute { Destination = IPCidr.Parse("10.99.0.0/16"), Gateway = IPAddress.Parse("192.168.77.1") } },
        };

        CniException e = Assert.Throws<CniException>(() => PodInterface.Configure(pod, rtnl, rtnl.GetLink("eth0"), result));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.StartsWith("failed to add route '10.99.0.0/16 via 192.168.77.1 dev eth0': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_names_an_address_the_kernel_refuses()
    {
        using var p = new Pod();
        p.Ns.Ip("addr", "add", "10.22.0.5/16", "dev", "eth0");
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        var result = new CniResult { Ips = { new IpConfig { Address = IPCidr.Parse("10.22.0.5/16") } } };

        CniException e = Assert.Throws<CniException>(() => PodInterface.Configure(pod, rtnl, rtnl.GetLink("eth0"), result));
        Assert.StartsWith("failed to add IP addr 10.22.0.5/16 to \"eth0\": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_passes_on_what_Configure_made_and_names_what_is_missing()
    {
        using var p = new Pod();
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        Link eth0 = rtnl.GetLink("eth0");
        CniResult result = Result(ns.Path);
        PodInterface.Configure(pod, rtnl, eth0, result);

        // The address of net9 is not eth0's: it is not looked for.
        PodInterface.Verify(pod, rtnl, eth0, result);

        ns.Ip("route", "del", "192.168.50.0/24", "table", "100");
        CniException route = Assert.Throws<CniException>(() => PodInterface.Verify(pod, rtnl, eth0, result));
        Assert.Equal(CniErrorCode.Internal, route.Code);
        Assert.Equal($"Expected route to 192.168.50.0/24 via 10.22.0.1 (from prevResult) not found in the routing table of {ns.Path}", route.Message);

        ns.Ip("route", "add", "192.168.50.0/24", "via", "10.22.0.1", "table", "100");
        PodInterface.Verify(pod, rtnl, eth0, result);
        ns.Ip("-6", "route", "del", "default");
        CniException v6 = Assert.Throws<CniException>(() => PodInterface.Verify(pod, rtnl, eth0, result));
        Assert.Equal($"Expected route to ::/0 via fd00::1 (from prevResult) not found in the routing table of {ns.Path}", v6.Message);

        ns.Ip("addr", "del", "10.22.0.5/16", "dev", "eth0");
        CniException address = Assert.Throws<CniException>(() => PodInterface.Verify(pod, rtnl, eth0, result));
        Assert.Equal($"Failed to match addr 10.22.0.5/16 on interface eth0: the address from prevResult is missing in {ns.Path}", address.Message);
    }

    [Fact]
    public void Verify_of_an_on_link_route_accepts_any_gateway()
    {
        using var p = new Pod();
        (TestNamespace ns, NetworkNamespace pod, RtnlSocket rtnl) = (p.Ns, p.Handle, p.Rtnl);
        Link eth0 = rtnl.GetLink("eth0");
        var result = new CniResult
        {
            Ips = { new IpConfig { Address = IPCidr.Parse("10.22.0.5/16") } },
            Routes = { new CniRoute { Destination = IPCidr.Parse("10.99.0.0/16") } },
        };

        CniException missing = Assert.Throws<CniException>(() => PodInterface.Verify(pod, rtnl, eth0, result));
        Assert.Equal($"Failed to match addr 10.22.0.5/16 on interface eth0: the address from prevResult is missing in {ns.Path}", missing.Message);
        PodInterface.Configure(pod, rtnl, eth0, result);
        PodInterface.Verify(pod, rtnl, eth0, result);
        ns.Ip("route", "del", "10.99.0.0/16");
        CniException route = Assert.Throws<CniException>(() => PodInterface.Verify(pod, rtnl, eth0, result));
        Assert.Equal($"Expected route to 10.99.0.0/16 via the link (from prevResult) not found in the routing table of {ns.Path}", route.Message);
    }
}
