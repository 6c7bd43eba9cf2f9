namespace Cni.Netlink.Protocol;

/// <summary>
/// The <c>nlmsg_flags</c> bits of a netlink message header (uapi <c>linux/netlink.h</c>).
/// The values above 0x80 mean different things for GET, NEW, DELETE and ACK messages, so
/// several members share a value.
/// </summary>
[Flags]
#pragma warning disable CA1069 // The kernel reuses these bits per message kind.
public enum NetlinkFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>NLM_F_REQUEST</c>: the message is a request (set on everything sent to the kernel).</summary>
    Request = 0x1,

    /// <summary><c>NLM_F_MULTI</c>: part of a multi-part reply ended by <c>NLMSG_DONE</c>.</summary>
    Multi = 0x2,

    /// <summary><c>NLM_F_ACK</c>: ask the kernel for an acknowledgement (an <c>NLMSG_ERROR</c> with error 0).</summary>
    Ack = 0x4,

    /// <summary><c>NLM_F_ECHO</c>: echo this request back.</summary>
    Echo = 0x8,

    /// <summary><c>NLM_F_DUMP_INTR</c>: the dump was inconsistent because the data changed while it ran.</summary>
    DumpInterrupted = 0x10,

    /// <summary><c>NLM_F_DUMP_FILTERED</c>: the dump was filtered as the request asked.</summary>
    DumpFiltered = 0x20,

    /// <summary><c>NLM_F_ROOT</c> (GET requests): return the whole table.</summary>
    Root = 0x100,

    /// <summary><c>NLM_F_MATCH</c> (GET requests): return all matching entries.</summary>
    Match = 0x200,

    /// <summary><c>NLM_F_ATOMIC</c> (GET requests): return an atomic snapshot.</summary>
    Atomic = 0x400,

    /// <summary><c>NLM_F_DUMP</c> (GET requests): <c>NLM_F_ROOT | NLM_F_MATCH</c>.</summary>
    Dump = Root | Match,

    /// <summary><c>NLM_F_REPLACE</c> (NEW requests): replace an existing object.</summary>
    Replace = 0x100,

    /// <summary><c>NLM_F_EXCL</c> (NEW requests): fail with EEXIST if the object exists.</summary>
    Exclusive = 0x200,

    /// <summary><c>NLM_F_CREATE</c> (NEW requests): create the object if it does not exist.</summary>
    Create = 0x400,

    /// <summary><c>NLM_F_APPEND</c> (NEW requests): add to the end of the object list.</summary>
    Append = 0x800,

    /// <summary><c>NLM_F_NONREC</c> (DELETE requests): do not delete recursively.</summary>
    NonRecursive = 0x100,

    /// <summary><c>NLM_F_BULK</c> (DELETE requests): delete several objects at once.</summary>
    Bulk = 0x200,

    /// <summary><c>NLM_F_CAPPED</c> (ACK messages): the request's payload was left out of the error.</summary>
    Capped = 0x100,

    /// <summary><c>NLM_F_ACK_TLVS</c> (ACK messages): extended-ACK attributes follow the error.</summary>
    AckTlvs = 0x200,
}
#pragma warning restore CA1069
