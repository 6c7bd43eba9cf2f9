namespace Cni.Netlink;

/// <summary>The settings of a bridge port (<c>IFLA_BRPORT_*</c>).</summary>
/// <param name="Hairpin">Whether hairpin mode is on (<c>IFLA_BRPORT_MODE</c>).</param>
/// <param name="Isolated">Whether the port is isolated (<c>IFLA_BRPORT_ISOLATED</c>).</param>
/// <param name="Learning">Whether MAC learning is on (<c>IFLA_BRPORT_LEARNING</c>).</param>
/// <param name="State">The STP port state (<c>IFLA_BRPORT_STATE</c>: 3 forwarding).</param>
public sealed record BridgePortInfo(bool Hairpin, bool Isolated, bool Learning, byte State);
