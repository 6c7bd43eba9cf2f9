using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Creates a bridge.</summary>
    /// <param name="name">The bridge name.</param>
    /// <param name="options">MTU, MAC, VLAN filtering.</param>
    /// <exception cref="NetlinkException">It exists already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; [mtu N] [address MAC] type bridge [vlan_filtering 0|1]</c>.</remarks>
    public void AddBridge(string name, BridgeOptions? options = null)
    {
        InterfaceName.Check(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..BridgeKind.AddBridge(buffer, NextSequence(), name, options)], name);
    }

    /// <summary>Turns VLAN filtering on a bridge on or off.</summary>
    /// <param name="index">The bridge's index.</param>
    /// <param name="enabled">True to filter.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;bridge&gt; type bridge vlan_filtering 0|1</c>.</remarks>
    public void SetBridgeVlanFiltering(int index, bool enabled)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..BridgeKind.SetBridgeVlanFiltering(buffer, NextSequence(), index, enabled)], null);
    }

    /// <summary>Turns hairpin mode of a bridge port on or off: frames may leave by the port they came in.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="on">True for on.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; hairpin on|off</c>.</remarks>
    public void SetBridgePortHairpin(int index, bool on) => SetBridgePortFlag(index, BridgePortAttribute.Mode, on);

    /// <summary>Isolates a bridge port or not: isolated ports cannot talk to each other.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="on">True to isolate.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; isolated on|off</c>.</remarks>
    public void SetBridgePortIsolated(int index, bool on) => SetBridgePortFlag(index, BridgePortAttribute.Isolated, on);

    /// <summary>Sets any u8 bridge port flag (learning, flooding...).</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="attribute">The port attribute.</param>
    /// <param name="on">True for 1, false for 0.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; &lt;flag&gt; on|off</c>.</remarks>
    public void SetBridgePortFlag(int index, BridgePortAttribute attribute, bool on)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..BridgeKind.SetBridgePortFlag(buffer, NextSequence(), index, attribute, on)], null);
    }
}
