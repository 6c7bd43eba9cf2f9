namespace Cni.Netlink.Protocol;

/// <summary>The nfnetlink subsystems (<c>NFNL_SUBSYS_*</c>, uapi <c>linux/netfilter/nfnetlink.h</c>): the high byte of an nfnetlink <c>nlmsg_type</c>.</summary>
public enum NfnetlinkSubsystem : byte
{
    /// <summary><c>NFNL_SUBSYS_NFTABLES</c>: nf_tables; also the <c>res_id</c> of a batch's begin and end messages.</summary>
    Nftables = 10,
}
