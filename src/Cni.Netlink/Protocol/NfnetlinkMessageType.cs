namespace Cni.Netlink.Protocol;

/// <summary>The nfnetlink control messages (<c>NFNL_MSG_*</c>, uapi <c>linux/netfilter/nfnetlink.h</c>) that frame a batch.</summary>
/// <remarks>
/// A batch is <c>BATCH_BEGIN</c>, the changes, <c>BATCH_END</c>, sent in one datagram; the kernel applies
/// every change or none. Both carry an <see cref="NfGenMessage"/> with family 0 and <c>res_id</c>
/// <see cref="NfnetlinkSubsystem.Nftables"/>.
/// </remarks>
public enum NfnetlinkMessageType : ushort
{
    /// <summary><c>NFNL_MSG_BATCH_BEGIN</c>: starts a batch.</summary>
    BatchBegin = 16,

    /// <summary><c>NFNL_MSG_BATCH_END</c>: ends a batch; the kernel commits it.</summary>
    BatchEnd = 17,
}
