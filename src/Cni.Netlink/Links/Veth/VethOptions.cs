using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>Options for <see cref="RtnlSocket.AddVeth(string, string, VethOptions?)"/>.</summary>
public sealed class VethOptions
{
    /// <summary>The MTU of the first end; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address of the first end; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>The MTU of the peer; null for the kernel default (not the first end's MTU: set both).</summary>
    public int? PeerMtu { get; init; }

    /// <summary>The hardware address of the peer; null for a random one.</summary>
    public PhysicalAddress? PeerMacAddress { get; init; }

    /// <summary>
    /// The namespace to create the peer in, directly (<c>IFLA_NET_NS_FD</c> in the peer's attributes);
    /// null for the socket's own namespace. Creating it there avoids a window where the peer exists in
    /// the wrong namespace, and a name clash there fails the whole request.
    /// </summary>
    public NetworkNamespace? PeerNamespace { get; init; }
}
