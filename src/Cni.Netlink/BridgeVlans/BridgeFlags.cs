namespace Cni.Netlink;

/// <summary>The <c>IFLA_BRIDGE_FLAGS</c> values (<c>BRIDGE_FLAGS_*</c>, uapi <c>linux/if_bridge.h</c>).</summary>
[Flags]
public enum BridgeFlags : ushort
{
    /// <summary>No flag: the request goes to the port's master, the bridge.</summary>
    None = 0,

    /// <summary><c>BRIDGE_FLAGS_MASTER</c>: apply to the master bridge.</summary>
    Master = 1,

    /// <summary><c>BRIDGE_FLAGS_SELF</c>: apply to the device itself.</summary>
    Self = 2,
}
