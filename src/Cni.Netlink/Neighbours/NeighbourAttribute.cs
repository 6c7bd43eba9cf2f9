namespace Cni.Netlink.Protocol;

/// <summary>Neighbour attributes (<c>NDA_*</c>, uapi <c>linux/neighbour.h</c>), following a <see cref="NeighbourMessage"/>.</summary>
public enum NeighbourAttribute : ushort
{
    /// <summary><c>NDA_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>NDA_DST</c>: the network address (for a VXLAN FDB entry: the remote VTEP).</summary>
    Destination = 1,

    /// <summary><c>NDA_LLADDR</c>: the link-layer (MAC) address.</summary>
    LinkLayerAddress = 2,

    /// <summary><c>NDA_CACHEINFO</c>: cache information.</summary>
    CacheInfo = 3,

    /// <summary><c>NDA_PROBES</c>: the number of probes (u32).</summary>
    Probes = 4,

    /// <summary><c>NDA_VLAN</c>: the VLAN of an FDB entry (u16).</summary>
    Vlan = 5,

    /// <summary><c>NDA_PORT</c>: the UDP port of a VXLAN FDB entry (be16).</summary>
    Port = 6,

    /// <summary><c>NDA_VNI</c>: the VNI of a VXLAN FDB entry (u32).</summary>
    Vni = 7,

    /// <summary><c>NDA_IFINDEX</c>: the outgoing interface of a VXLAN FDB entry (u32).</summary>
    IfIndex = 8,

    /// <summary><c>NDA_MASTER</c>: the master device (u32).</summary>
    Master = 9,

    /// <summary><c>NDA_LINK_NETNSID</c>: the namespace id of the link (s32).</summary>
    LinkNetNsId = 10,

    /// <summary><c>NDA_SRC_VNI</c>: the source VNI (u32).</summary>
    SourceVni = 11,

    /// <summary><c>NDA_PROTOCOL</c>: who added the entry (u8).</summary>
    Protocol = 12,
}
