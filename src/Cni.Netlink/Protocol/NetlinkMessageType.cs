namespace Cni.Netlink.Protocol;

/// <summary>The netlink control message types (<c>nlmsg_type</c> below <c>NLMSG_MIN_TYPE</c>, uapi <c>linux/netlink.h</c>).</summary>
public enum NetlinkMessageType : ushort
{
    /// <summary><c>NLMSG_NOOP</c>: nothing; ignore.</summary>
    Noop = 1,

    /// <summary><c>NLMSG_ERROR</c>: an error, or an acknowledgement when its error is 0.</summary>
    Error = 2,

    /// <summary><c>NLMSG_DONE</c>: the end of a multi-part reply.</summary>
    Done = 3,

    /// <summary><c>NLMSG_OVERRUN</c>: data was lost.</summary>
    Overrun = 4,
}
