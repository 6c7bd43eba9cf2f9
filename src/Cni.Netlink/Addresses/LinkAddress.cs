using System.Net;

namespace Cni.Netlink;

/// <summary>An address on an interface (an <c>RTM_NEWADDR</c> reply).</summary>
public sealed record LinkAddress
{
    /// <summary>The interface index (<c>ifa_index</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The address (<c>IFA_LOCAL</c>, else <c>IFA_ADDRESS</c>).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The prefix length (<c>ifa_prefixlen</c>).</summary>
    public required int PrefixLength { get; init; }

    /// <summary>The scope (<c>ifa_scope</c>).</summary>
    public RouteScope Scope { get; init; }

    /// <summary>The flags (<c>IFA_FLAGS</c>, else <c>ifa_flags</c>).</summary>
    public AddressFlags Flags { get; init; }

    /// <summary>The IPv4 broadcast address (<c>IFA_BROADCAST</c>).</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>The label (<c>IFA_LABEL</c>, IPv4).</summary>
    public string? Label { get; init; }

    /// <summary>
    /// True for a global unicast address, as Go's <c>net.IP.IsGlobalUnicast</c> decides: not unspecified,
    /// loopback, multicast, link-local or the IPv4 limited broadcast.
    /// </summary>
    public bool IsGlobalUnicast => Address.Equals(IPAddress.Any) == false
        && !Address.Equals(IPAddress.IPv6Any)
        && !IPAddress.IsLoopback(Address)
        && !Address.Equals(IPAddress.Broadcast)
        && !Address.IsIPv6Multicast
        && !Address.IsIPv6LinkLocal
        && !(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (Address.GetAddressBytes() is [>= 224 and <= 239, ..] or [169, 254, ..]));

    /// <inheritdoc/>
    public override string ToString() => $"{Address}/{PrefixLength} (index {Index})";
}
