namespace Cni.Netlink;

/// <summary>A VLAN on a bridge port or bridge (an <c>IFLA_BRIDGE_VLAN_INFO</c> entry).</summary>
/// <param name="Vid">The VLAN id.</param>
/// <param name="Flags">Its flags: <see cref="BridgeVlanFlags.Pvid"/>, <see cref="BridgeVlanFlags.Untagged"/>.</param>
public sealed record BridgeVlan(ushort Vid, BridgeVlanFlags Flags)
{
    /// <summary>True when untagged ingress frames get this VLAN.</summary>
    public bool IsPvid => (Flags & BridgeVlanFlags.Pvid) != 0;

    /// <summary>True when frames leave untagged.</summary>
    public bool IsUntagged => (Flags & BridgeVlanFlags.Untagged) != 0;
}
