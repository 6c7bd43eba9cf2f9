namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_LOOKUP_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the lookup expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftLookupAttribute : ushort
{
    /// <summary><c>NFTA_LOOKUP_SET</c>: the set name (string).</summary>
    Set = 1,

    /// <summary><c>NFTA_LOOKUP_SREG</c>: the register looked up (be32).</summary>
    SourceRegister = 2,

    /// <summary><c>NFTA_LOOKUP_DREG</c>: the register a map writes (be32).</summary>
    DestinationRegister = 3,

    /// <summary><c>NFTA_LOOKUP_SET_ID</c>: the set id within a transaction (be32).</summary>
    SetId = 4,

    /// <summary><c>NFTA_LOOKUP_FLAGS</c>: the flags: 1 inverts the match (be32).</summary>
    Flags = 5,
}
