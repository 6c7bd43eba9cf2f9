
namespace Cni.Netlink.Protocol;

/// <summary>Attributes nested in <see cref="IfLinkAttribute.AfSpec"/> for AF_BRIDGE (<c>IFLA_BRIDGE_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
public enum BridgeAfSpecAttribute : ushort
{
    /// <summary><c>IFLA_BRIDGE_FLAGS</c>: whom the request is for (u16, <see cref="BridgeFlags"/>).</summary>
    Flags = 0,

    /// <summary><c>IFLA_BRIDGE_MODE</c>: the bridge mode (u16).</summary>
    Mode = 1,

    /// <summary><c>IFLA_BRIDGE_VLAN_INFO</c>: one VLAN (a <see cref="BridgeVlanInfo"/>).</summary>
    VlanInfo = 2,
}
