namespace Cni.Netlink;

/// <summary>Neighbour flags (<c>NTF_*</c>, uapi <c>linux/neighbour.h</c>).</summary>
[Flags]
public enum NeighbourFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>NTF_USE</c>: mark the entry as used.</summary>
    Use = 0x01,

    /// <summary><c>NTF_SELF</c>: an FDB entry of the device itself (a VXLAN's remote table).</summary>
    Self = 0x02,

    /// <summary><c>NTF_MASTER</c>: an FDB entry of the master bridge.</summary>
    Master = 0x04,

    /// <summary><c>NTF_PROXY</c>: a proxy ARP entry.</summary>
    Proxy = 0x08,

    /// <summary><c>NTF_EXT_LEARNED</c>: learned externally.</summary>
    ExternallyLearned = 0x10,

    /// <summary><c>NTF_OFFLOADED</c>: offloaded to hardware.</summary>
    Offloaded = 0x20,

    /// <summary><c>NTF_STICKY</c>: a sticky FDB entry.</summary>
    Sticky = 0x40,

    /// <summary><c>NTF_ROUTER</c>: the neighbour is a router.</summary>
    Router = 0x80,
}
