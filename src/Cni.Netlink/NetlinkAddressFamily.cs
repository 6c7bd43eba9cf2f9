using System.Net;
using System.Net.Sockets;

namespace Cni.Netlink;

/// <summary>
/// Address families as Linux numbers them (<c>AF_*</c>, <c>linux/socket.h</c>), used in the
/// family byte of the rtnetlink structures. Named apart from <see cref="System.Net.Sockets.AddressFamily"/>,
/// whose values differ (its InterNetworkV6 is 23, Linux's AF_INET6 is 10).
/// </summary>
public enum NetlinkAddressFamily : byte
{
    /// <summary><c>AF_UNSPEC</c>: any family.</summary>
    Unspecified = 0,

    /// <summary><c>AF_UNIX</c>: local sockets.</summary>
    Unix = 1,

    /// <summary><c>AF_INET</c>: IPv4.</summary>
    Inet = 2,

    /// <summary><c>AF_BRIDGE</c>: bridge ports, VLANs and the forwarding database.</summary>
    Bridge = 7,

    /// <summary><c>AF_INET6</c>: IPv6.</summary>
    Inet6 = 10,

    /// <summary><c>AF_NETLINK</c>: netlink itself.</summary>
    Netlink = 16,

    /// <summary><c>AF_PACKET</c>: link-level packets.</summary>
    Packet = 17,

    /// <summary><c>AF_MPLS</c>: MPLS.</summary>
    Mpls = 28,
}

/// <summary>The Linux family of an <see cref="IPAddress"/>.</summary>
internal static class NetlinkAddressFamilies
{
    /// <summary><see cref="NetlinkAddressFamily.Inet"/> or <see cref="NetlinkAddressFamily.Inet6"/>.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <returns>Its family.</returns>
    /// <exception cref="ArgumentException">It is neither.</exception>
    public static NetlinkAddressFamily Of(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => NetlinkAddressFamily.Inet,
        AddressFamily.InterNetworkV6 => NetlinkAddressFamily.Inet6,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6.", nameof(address)),
    };
}
