namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_MASQ_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the masq expression (all optional).</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftMasqAttribute : ushort
{
    /// <summary><c>NFTA_MASQ_FLAGS</c>: NF_NAT_RANGE_* flags (be32).</summary>
    Flags = 1,

    /// <summary><c>NFTA_MASQ_REG_PROTO_MIN</c>: the register with the lowest port (be32).</summary>
    ProtoMinRegister = 2,

    /// <summary><c>NFTA_MASQ_REG_PROTO_MAX</c>: the register with the highest port (be32).</summary>
    ProtoMaxRegister = 3,
}
