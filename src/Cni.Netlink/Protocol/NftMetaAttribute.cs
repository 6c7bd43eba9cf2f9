namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_META_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the meta expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftMetaAttribute : ushort
{
    /// <summary><c>NFTA_META_DREG</c>: the register loaded (be32).</summary>
    DestinationRegister = 1,

    /// <summary><c>NFTA_META_KEY</c>: what is loaded (be32, see NftMetaKey).</summary>
    Key = 2,

    /// <summary><c>NFTA_META_SREG</c>: the register stored from, for a meta set (be32).</summary>
    SourceRegister = 3,
}
