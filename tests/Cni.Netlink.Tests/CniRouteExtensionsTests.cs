using System.Net;
using Cni.Spec;

namespace Cni.Netlink.Tests;

/// <summary>A result's route as the kernel route (pure).</summary>
public sealed class CniRouteExtensionsTests
{
    [Fact]
    public void Clears_host_bits_and_goes_out_of_the_interface_via_its_own_gateway()
    {
        var route = new CniRoute { Destination = IPCidr.Parse("10.99.3.7/16"), Gateway = IPAddress.Parse("10.22.0.254") };
        Route kernel = route.ToKernelRoute(7, fallbackGateway: IPAddress.Parse("10.22.0.1"));
        Assert.Equal(IPAddress.Parse("10.99.0.0"), kernel.Destination);
        Assert.Equal(16, kernel.DestinationPrefixLength);
        Assert.Equal(IPAddress.Parse("10.22.0.254"), kernel.Gateway);
        Assert.Equal(7, kernel.OutputInterface);
        Assert.Equal(0u, kernel.Table);
        Assert.Equal(0u, kernel.Priority);
        Assert.Null(kernel.Scope);
        Assert.Equal(0u, kernel.Mtu);
        Assert.Equal(0u, kernel.AdvertisedMss);
    }

    [Fact]
    public void A_route_without_gateway_takes_the_fallback_or_stays_on_link()
    {
        var route = new CniRoute { Destination = IPCidr.Parse("::/0") };
        Assert.Equal(IPAddress.Parse("fd00::1"), route.ToKernelRoute(3, IPAddress.Parse("fd00::1")).Gateway);
        Route onLink = route.ToKernelRoute(3);
        Assert.Null(onLink.Gateway);
        Assert.Equal(IPAddress.IPv6Any, onLink.Destination);
        Assert.Equal(0, onLink.DestinationPrefixLength);
    }

    [Fact]
    public void Carries_the_1_1_0_fields()
    {
        var route = new CniRoute
        {
            Destination = IPCidr.Parse("192.168.5.0/24"),
            Priority = 50,
            Table = 100,
            Scope = 253,
            Mtu = 1400,
            AdvMss = 1360,
        };
        Route kernel = route.ToKernelRoute(2);
        Assert.Equal(50u, kernel.Priority);
        Assert.Equal(100u, kernel.Table);
        Assert.Equal(RouteScope.Link, kernel.Scope);
        Assert.Equal(1400u, kernel.Mtu);
        Assert.Equal(1360u, kernel.AdvertisedMss);
    }
}
