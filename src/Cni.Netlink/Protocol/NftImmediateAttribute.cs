namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_IMMEDIATE_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the immediate expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftImmediateAttribute : ushort
{
    /// <summary><c>NFTA_IMMEDIATE_DREG</c>: the register written; 0 is the verdict register (be32).</summary>
    DestinationRegister = 1,

    /// <summary><c>NFTA_IMMEDIATE_DATA</c>: the value or verdict (nested NftDataAttribute).</summary>
    Data = 2,
}
