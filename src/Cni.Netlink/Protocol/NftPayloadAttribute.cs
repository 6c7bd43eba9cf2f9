namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_PAYLOAD_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the payload expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftPayloadAttribute : ushort
{
    /// <summary><c>NFTA_PAYLOAD_DREG</c>: the register loaded (be32).</summary>
    DestinationRegister = 1,

    /// <summary><c>NFTA_PAYLOAD_BASE</c>: the header the offset counts from (be32, see NftPayloadBase).</summary>
    Base = 2,

    /// <summary><c>NFTA_PAYLOAD_OFFSET</c>: the offset in bytes (be32).</summary>
    Offset = 3,

    /// <summary><c>NFTA_PAYLOAD_LEN</c>: the number of bytes loaded (be32).</summary>
    Length = 4,
}
