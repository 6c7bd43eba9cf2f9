namespace Cni.Netlink.Nftables;

/// <summary>
/// The verdicts of nf_tables (<c>NF_DROP</c>, <c>NF_ACCEPT</c> from uapi <c>linux/netfilter.h</c> and
/// <c>enum nft_verdicts</c> from <c>linux/netfilter/nf_tables.h</c>): an immediate expression's verdict
/// and a base chain's policy.
/// </summary>
public enum NftVerdict
{
    /// <summary><c>drop</c> (<c>NF_DROP</c>, 0).</summary>
    Drop = 0,

    /// <summary><c>accept</c> (<c>NF_ACCEPT</c>, 1).</summary>
    Accept = 1,

    /// <summary><c>continue</c> (<c>NFT_CONTINUE</c>, -1): go on with the next expression.</summary>
    Continue = -1,

    /// <summary><c>NFT_BREAK</c> (-2): stop evaluating this rule.</summary>
    Break = -2,

    /// <summary><c>jump</c> (<c>NFT_JUMP</c>, -3): evaluate a chain, then come back.</summary>
    Jump = -3,

    /// <summary><c>goto</c> (<c>NFT_GOTO</c>, -4): continue in a chain, without coming back.</summary>
    Goto = -4,

    /// <summary><c>return</c> (<c>NFT_RETURN</c>, -5): back to the calling chain.</summary>
    Return = -5,
}
