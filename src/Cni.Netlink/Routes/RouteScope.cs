namespace Cni.Netlink;

/// <summary>Scopes of addresses and routes (<c>RT_SCOPE_*</c>, uapi <c>linux/rtnetlink.h</c>).</summary>
public enum RouteScope : byte
{
    /// <summary><c>RT_SCOPE_UNIVERSE</c>: global.</summary>
    Universe = 0,

    /// <summary><c>RT_SCOPE_SITE</c>: site-local (IPv6).</summary>
    Site = 200,

    /// <summary><c>RT_SCOPE_LINK</c>: on this link only.</summary>
    Link = 253,

    /// <summary><c>RT_SCOPE_HOST</c>: this host only.</summary>
    Host = 254,

    /// <summary><c>RT_SCOPE_NOWHERE</c>: nowhere.</summary>
    Nowhere = 255,
}
