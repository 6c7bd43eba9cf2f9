namespace Cni.Netlink;

/// <summary>The settings of a bridge device (<c>IFLA_BR_*</c>).</summary>
/// <param name="VlanFiltering">Whether VLAN filtering is on (<c>IFLA_BR_VLAN_FILTERING</c>).</param>
/// <param name="StpEnabled">Whether STP is on (<c>IFLA_BR_STP_STATE</c>).</param>
public sealed record BridgeInfo(bool VlanFiltering, bool StpEnabled);
