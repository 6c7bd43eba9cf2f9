namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_LIST_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): an element of a nested list (the expressions of a rule).</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftListAttribute : ushort
{
    /// <summary><c>NFTA_LIST_ELEM</c>: one element (nested NftExpressionAttribute).</summary>
    Element = 1,
}
