using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>Options for <see cref="RtnlSocket.AddBridge(string, BridgeOptions?)"/>.</summary>
public sealed class BridgeOptions
{
    /// <summary>The MTU; null for the kernel default.</summary>
    public int? Mtu { get; init; }

    /// <summary>The hardware address; null for a random one.</summary>
    public PhysicalAddress? MacAddress { get; init; }

    /// <summary>VLAN filtering (<c>vlan_filtering</c>); null leaves the kernel default (off).</summary>
    public bool? VlanFiltering { get; init; }
}
