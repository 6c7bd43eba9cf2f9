namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_VERDICT_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): a verdict, nested in NFTA_DATA_VERDICT.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftVerdictAttribute : ushort
{
    /// <summary><c>NFTA_VERDICT_CODE</c>: the verdict code (be32, signed: see NftVerdict).</summary>
    Code = 1,

    /// <summary><c>NFTA_VERDICT_CHAIN</c>: the target chain of a jump or goto (string).</summary>
    Chain = 2,
}
