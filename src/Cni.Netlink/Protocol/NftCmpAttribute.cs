namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_CMP_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the cmp expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftCmpAttribute : ushort
{
    /// <summary><c>NFTA_CMP_SREG</c>: the register compared (be32).</summary>
    SourceRegister = 1,

    /// <summary><c>NFTA_CMP_OP</c>: the comparison (be32, see NftCmpOperator).</summary>
    Operator = 2,

    /// <summary><c>NFTA_CMP_DATA</c>: the value compared with (nested NftDataAttribute.Value).</summary>
    Data = 3,
}
