using System.Net;
using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>Options for <see cref="RtnlSocket.AddVxlan(string, VxlanOptions)"/>.</summary>
public sealed class VxlanOptions
{
    /// <summary>The VNI (<c>id</c>).</summary>
    public required uint Id { get; init; }

    /// <summary>The local source address (<c>local</c>); null to let the kernel choose.</summary>
    public IPAddress? Local { get; init; }

    /// <summary>A multicast group or single remote (<c>group</c>/<c>remote</c>); null for none (FDB entries decide).</summary>
    public IPAddress? Group { get; init; }

    /// <summary>The underlying device index (<c>dev</c>); null for none.</summary>
    public int? DeviceIndex { get; init; }

    /// <summary>The UDP destination port (<c>dstport</c>); null for the kernel default (8472 on Linux).</summary>
    public ushort? Port { get; init; }

    /// <summary>Whether to learn remote MACs (<c>learning</c>/<c>nolearning</c>); null for the kernel default (on).</summary>
    public bool? Learning { get; init; }

    /// <summary>The MTU; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }
}
