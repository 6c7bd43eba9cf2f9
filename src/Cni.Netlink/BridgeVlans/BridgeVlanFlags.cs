using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The flags of a <see cref="BridgeVlanInfo"/> (<c>BRIDGE_VLAN_INFO_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
[Flags]
public enum BridgeVlanFlags : ushort
{
    /// <summary>No flag: a tagged VLAN.</summary>
    None = 0,

    /// <summary><c>BRIDGE_VLAN_INFO_MASTER</c>: operate on the bridge device as well.</summary>
    Master = 0x1,

    /// <summary><c>BRIDGE_VLAN_INFO_PVID</c>: untagged ingress frames get this VLAN.</summary>
    Pvid = 0x2,

    /// <summary><c>BRIDGE_VLAN_INFO_UNTAGGED</c>: frames leave untagged.</summary>
    Untagged = 0x4,

    /// <summary><c>BRIDGE_VLAN_INFO_RANGE_BEGIN</c>: the first VLAN of a range.</summary>
    RangeBegin = 0x8,

    /// <summary><c>BRIDGE_VLAN_INFO_RANGE_END</c>: the last VLAN of a range.</summary>
    RangeEnd = 0x10,

    /// <summary><c>BRIDGE_VLAN_INFO_BRENTRY</c>: a global bridge VLAN entry.</summary>
    BridgeEntry = 0x20,

    /// <summary><c>BRIDGE_VLAN_INFO_ONLY_OPTS</c>: change options only.</summary>
    OnlyOptions = 0x40,
}
