namespace Cni.Netlink.Protocol;

/// <summary>The flag sets the typed requests use, named once so that every encoder says the same thing.</summary>
internal static class RequestFlags
{
    /// <summary><c>NLM_F_REQUEST | NLM_F_ACK</c>: a change that the kernel acknowledges.</summary>
    public const NetlinkFlags Ack = NetlinkFlags.Request | NetlinkFlags.Ack;

    /// <summary><c>NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL</c>: create, failing with <c>EEXIST</c> when it exists (<c>ip ... add</c>).</summary>
    public const NetlinkFlags CreateExclusive = Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive;

    /// <summary><c>NLM_F_REQUEST | NLM_F_DUMP</c>: list everything.</summary>
    public const NetlinkFlags Dump = NetlinkFlags.Request | NetlinkFlags.Dump;
}
