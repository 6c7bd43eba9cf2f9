namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_DATA_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): a value or a verdict (struct nft_data).</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftDataAttribute : ushort
{
    /// <summary><c>NFTA_DATA_VALUE</c>: a value of up to 64 bytes (binary).</summary>
    Value = 1,

    /// <summary><c>NFTA_DATA_VERDICT</c>: a verdict (nested NftVerdictAttribute).</summary>
    Verdict = 2,
}
