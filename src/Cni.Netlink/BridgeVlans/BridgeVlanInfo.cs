using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

/// <summary>One bridge VLAN (<c>struct bridge_vlan_info</c>, 4 bytes), the payload of <see cref="BridgeAfSpecAttribute.VlanInfo"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BridgeVlanInfo
{
    /// <summary>The size of the structure on the wire.</summary>
    public const int Size = 4;

    /// <summary><c>flags</c>.</summary>
    public BridgeVlanFlags Flags { get; set; }

    /// <summary><c>vid</c>: the VLAN id (1..4094).</summary>
    public ushort Vid { get; set; }
}
