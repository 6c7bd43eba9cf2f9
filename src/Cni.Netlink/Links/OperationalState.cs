using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>RFC 2863 operational states (<c>IF_OPER_*</c>, uapi <c>linux/if.h</c>), the value of <see cref="IfLinkAttribute.OperState"/>.</summary>
public enum OperationalState : byte
{
    /// <summary><c>IF_OPER_UNKNOWN</c>: the driver does not say (loopback and many virtual links).</summary>
    Unknown = 0,

    /// <summary><c>IF_OPER_NOTPRESENT</c>: not present.</summary>
    NotPresent = 1,

    /// <summary><c>IF_OPER_DOWN</c>: down.</summary>
    Down = 2,

    /// <summary><c>IF_OPER_LOWERLAYERDOWN</c>: down because a lower layer is down (a veth whose peer is down).</summary>
    LowerLayerDown = 3,

    /// <summary><c>IF_OPER_TESTING</c>: testing.</summary>
    Testing = 4,

    /// <summary><c>IF_OPER_DORMANT</c>: dormant.</summary>
    Dormant = 5,

    /// <summary><c>IF_OPER_UP</c>: up.</summary>
    Up = 6,
}
