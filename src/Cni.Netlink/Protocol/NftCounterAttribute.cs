namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_COUNTER_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of the counter expression.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftCounterAttribute : ushort
{
    /// <summary><c>NFTA_COUNTER_BYTES</c>: the byte count (be64).</summary>
    Bytes = 1,

    /// <summary><c>NFTA_COUNTER_PACKETS</c>: the packet count (be64).</summary>
    Packets = 2,
}
