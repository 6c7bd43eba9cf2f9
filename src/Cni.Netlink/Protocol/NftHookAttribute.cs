namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_HOOK_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the hook of a base chain, nested in NFTA_CHAIN_HOOK.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftHookAttribute : ushort
{
    /// <summary><c>NFTA_HOOK_HOOKNUM</c>: the netfilter hook number (be32).</summary>
    HookNumber = 1,

    /// <summary><c>NFTA_HOOK_PRIORITY</c>: the priority (be32, signed).</summary>
    Priority = 2,

    /// <summary><c>NFTA_HOOK_DEV</c>: the device of a netdev chain (string).</summary>
    Device = 3,
}
