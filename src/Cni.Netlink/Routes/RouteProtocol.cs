using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Who installed a route (<c>RTPROT_*</c>, uapi <c>linux/rtnetlink.h</c>), the <c>rtm_protocol</c> of a <see cref="RouteMessage"/>.</summary>
public enum RouteProtocol : byte
{
    /// <summary><c>RTPROT_UNSPEC</c>: unknown.</summary>
    Unspecified = 0,

    /// <summary><c>RTPROT_REDIRECT</c>: an ICMP redirect.</summary>
    Redirect = 1,

    /// <summary><c>RTPROT_KERNEL</c>: the kernel.</summary>
    Kernel = 2,

    /// <summary><c>RTPROT_BOOT</c>: the administrator, during boot (what <c>ip route add</c> uses).</summary>
    Boot = 3,

    /// <summary><c>RTPROT_STATIC</c>: the administrator.</summary>
    Static = 4,

    /// <summary><c>RTPROT_RA</c>: IPv6 router advertisement.</summary>
    RouterAdvertisement = 9,

    /// <summary><c>RTPROT_DHCP</c>: a DHCP client.</summary>
    Dhcp = 16,
}
