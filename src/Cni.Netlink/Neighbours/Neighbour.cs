using System.Net;
using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>A neighbour (ARP/NDP) entry or a bridge forwarding-database (FDB) entry (<c>RTM_NEWNEIGH</c>).</summary>
public sealed record Neighbour
{
    /// <summary>The interface index (<c>ndm_ifindex</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The family: IPv4 or IPv6 for neighbours, <see cref="NetlinkAddressFamily.Bridge"/> for FDB entries. When not set, that of <see cref="Address"/>.</summary>
    public NetlinkAddressFamily Family { get; init; }

    /// <summary>The network address (<c>NDA_DST</c>); for a VXLAN FDB entry, the remote VTEP.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>The link-layer address (<c>NDA_LLADDR</c>).</summary>
    public PhysicalAddress? LinkLayerAddress { get; init; }

    /// <summary>The state (<c>ndm_state</c>); <see cref="NeighbourState.Permanent"/> by default.</summary>
    public NeighbourState State { get; init; } = NeighbourState.Permanent;

    /// <summary>The flags (<c>ndm_flags</c>): <see cref="NeighbourFlags.Self"/> for a VXLAN's own FDB.</summary>
    public NeighbourFlags Flags { get; init; }

    /// <summary>The VLAN of an FDB entry (<c>NDA_VLAN</c>); 0 for none.</summary>
    public ushort Vlan { get; init; }

    /// <summary>The master device (<c>NDA_MASTER</c>); 0 for none.</summary>
    public int MasterIndex { get; init; }

    internal NetlinkAddressFamily EffectiveFamily =>
        Family != NetlinkAddressFamily.Unspecified ? Family
        : Address is not null ? NetlinkAddressFamilies.Of(Address)
        : throw new ArgumentException("A neighbour needs a Family or an Address.");

    /// <inheritdoc/>
    public override string ToString() => $"{Address} lladdr {LinkLayerAddress} dev #{Index} {State}";
}
