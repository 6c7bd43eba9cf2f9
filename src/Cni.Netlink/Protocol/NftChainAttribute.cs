namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_CHAIN_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of a chain message.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftChainAttribute : ushort
{
    /// <summary><c>NFTA_CHAIN_TABLE</c>: the table name (string).</summary>
    Table = 1,

    /// <summary><c>NFTA_CHAIN_HANDLE</c>: the chain handle (be64).</summary>
    Handle = 2,

    /// <summary><c>NFTA_CHAIN_NAME</c>: the chain name (string).</summary>
    Name = 3,

    /// <summary><c>NFTA_CHAIN_HOOK</c>: the hook of a base chain (nested NftHookAttribute).</summary>
    Hook = 4,

    /// <summary><c>NFTA_CHAIN_POLICY</c>: the policy of a base chain (be32 verdict: accept or drop).</summary>
    Policy = 5,

    /// <summary><c>NFTA_CHAIN_USE</c>: the number of references to the chain (be32, read only).</summary>
    Use = 6,

    /// <summary><c>NFTA_CHAIN_TYPE</c>: the type of a base chain: "filter", "nat" or "route" (string).</summary>
    Type = 7,

    /// <summary><c>NFTA_CHAIN_COUNTERS</c>: the counters of a base chain (nested).</summary>
    Counters = 8,

    /// <summary><c>NFTA_CHAIN_FLAGS</c>: the chain flags (be32).</summary>
    Flags = 10,

    /// <summary><c>NFTA_CHAIN_ID</c>: the chain id within a transaction (be32).</summary>
    Id = 11,

    /// <summary><c>NFTA_CHAIN_USERDATA</c>: user data: libnftnl TLVs such as the comment (binary).</summary>
    UserData = 12,
}
