namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_EXPR_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): one expression of a rule.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftExpressionAttribute : ushort
{
    /// <summary><c>NFTA_EXPR_NAME</c>: the expression type: "meta", "payload", "cmp"... (string).</summary>
    Name = 1,

    /// <summary><c>NFTA_EXPR_DATA</c>: the expression's own attributes (nested).</summary>
    Data = 2,
}
