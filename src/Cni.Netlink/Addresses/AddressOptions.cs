using System.Net;

namespace Cni.Netlink;

/// <summary>Options for <see cref="RtnlSocket.AddAddress(int, IPAddress, int, AddressOptions?)"/>.</summary>
public sealed class AddressOptions
{
    /// <summary>Skip duplicate address detection (<c>nodad</c>, <c>IFA_F_NODAD</c>; IPv6).</summary>
    public bool NoDad { get; init; }

    /// <summary>Add no prefix route (<c>noprefixroute</c>, <c>IFA_F_NOPREFIXROUTE</c>).</summary>
    public bool NoPrefixRoute { get; init; }

    /// <summary>The IPv4 broadcast address; null computes it from the prefix (<c>brd +</c>) for prefixes shorter than /31.</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>When true, no broadcast address is set at all, even for IPv4.</summary>
    public bool NoBroadcast { get; init; }

    /// <summary>The scope; null for global (<c>scope global</c>).</summary>
    public RouteScope? Scope { get; init; }

    /// <summary>The IPv4 label (<c>label</c>); null for none.</summary>
    public string? Label { get; init; }
}
