namespace Cni.Netlink.Protocol;

/// <summary>Nested attributes of a veth's <see cref="LinkInfoAttribute.Data"/> (<c>VETH_INFO_*</c>, uapi <c>linux/veth.h</c>).</summary>
public enum VethInfoAttribute : ushort
{
    /// <summary><c>VETH_INFO_UNSPEC</c>: unused.</summary>
    Unspecified = 0,

    /// <summary><c>VETH_INFO_PEER</c>: the peer: an <see cref="IfInfoMessage"/> followed by its <see cref="IfLinkAttribute"/>s.</summary>
    Peer = 1,
}
