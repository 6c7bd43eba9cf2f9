namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_BITWISE_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the bitwise expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftBitwiseAttribute : ushort
{
    /// <summary><c>NFTA_BITWISE_SREG</c>: the register read (be32).</summary>
    SourceRegister = 1,

    /// <summary><c>NFTA_BITWISE_DREG</c>: the register written (be32).</summary>
    DestinationRegister = 2,

    /// <summary><c>NFTA_BITWISE_LEN</c>: the number of bytes (be32).</summary>
    Length = 3,

    /// <summary><c>NFTA_BITWISE_MASK</c>: the AND mask (nested NftDataAttribute.Value).</summary>
    Mask = 4,

    /// <summary><c>NFTA_BITWISE_XOR</c>: the XOR value (nested NftDataAttribute.Value).</summary>
    Xor = 5,
}
