using System.Net;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>Forwarding for the families that have a gateway, read back with <c>sysctl</c> inside a fresh namespace.</summary>
public sealed class ForwardingTests
{
    private static string Read(TestNamespace ns, string key) => ns.Exec("sysctl", "-n", key).Trim();

    [Fact]
    public void Enables_each_family_that_has_a_gateway_and_only_those()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-fwd");
        ns.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        ns.Exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=0");
        using NetworkNamespace handle = NetworkNamespace.Open(ns.Path);

        handle.Run(() => Forwarding.EnableFor([]));
        Assert.Equal("0", Read(ns, "net.ipv4.ip_forward"));
        Assert.Equal("0", Read(ns, "net.ipv6.conf.all.forwarding"));

        handle.Run(() => Forwarding.EnableFor([IPAddress.Parse("10.22.0.1"), IPAddress.Parse("10.23.0.1")]));
        Assert.Equal("1", Read(ns, "net.ipv4.ip_forward"));
        Assert.Equal("0", Read(ns, "net.ipv6.conf.all.forwarding"));

        handle.Run(() => Forwarding.EnableFor([IPAddress.Parse("fd00::1")]));
        Assert.Equal("1", Read(ns, "net.ipv4.ip_forward"));
        Assert.Equal("1", Read(ns, "net.ipv6.conf.all.forwarding"));

        // Already on: nothing to write, still fine.
        handle.Run(() => Forwarding.EnableFor([IPAddress.Parse("10.22.0.1"), IPAddress.Parse("fd00::1")]));
        Assert.Equal("1", Read(ns, "net.ipv4.ip_forward"));
    }
}
