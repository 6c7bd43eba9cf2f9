namespace Cni.Netlink.Nftables;

/// <summary>The comparisons of the cmp expression (<c>enum nft_cmp_ops</c>, uapi <c>linux/netfilter/nf_tables.h</c>).</summary>
public enum NftCmpOperator : uint
{
    /// <summary><c>NFT_CMP_EQ</c>: equal (<c>==</c>).</summary>
    Equal = 0,

    /// <summary><c>NFT_CMP_NEQ</c>: not equal (<c>!=</c>).</summary>
    NotEqual = 1,

    /// <summary><c>NFT_CMP_LT</c>: less than.</summary>
    LessThan = 2,

    /// <summary><c>NFT_CMP_LTE</c>: less than or equal.</summary>
    LessOrEqual = 3,

    /// <summary><c>NFT_CMP_GT</c>: greater than.</summary>
    GreaterThan = 4,

    /// <summary><c>NFT_CMP_GTE</c>: greater than or equal.</summary>
    GreaterOrEqual = 5,
}
