using System.Net;

namespace Cni.Netlink;

/// <summary>The settings of a VXLAN device (<c>IFLA_VXLAN_*</c>).</summary>
/// <param name="Id">The VNI (<c>IFLA_VXLAN_ID</c>).</param>
/// <param name="Local">The local source address (<c>IFLA_VXLAN_LOCAL</c> or <c>LOCAL6</c>).</param>
/// <param name="Group">The multicast group or remote (<c>IFLA_VXLAN_GROUP</c> or <c>GROUP6</c>).</param>
/// <param name="DeviceIndex">The underlying device (<c>IFLA_VXLAN_LINK</c>); 0 for none.</param>
/// <param name="Port">The UDP destination port (<c>IFLA_VXLAN_PORT</c>).</param>
/// <param name="Learning">Whether remote MACs are learned (<c>IFLA_VXLAN_LEARNING</c>).</param>
public sealed record VxlanInfo(uint Id, IPAddress? Local, IPAddress? Group, int DeviceIndex, ushort Port, bool Learning);
