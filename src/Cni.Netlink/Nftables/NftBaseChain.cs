namespace Cni.Netlink.Nftables;

/// <summary>What makes a chain a base chain: its type, hook, priority and policy (<c>{ type nat hook postrouting priority 100; }</c>).</summary>
/// <param name="Type">The chain type (<see cref="NftChainType"/>: <c>filter</c>, <c>nat</c>, <c>route</c>).</param>
/// <param name="Hook">The hook.</param>
/// <param name="Priority">The priority (for example 100 for <c>srcnat</c>, -300 for the bridge's <c>dstnat</c>... lower runs first).</param>
/// <param name="Policy">The policy (<see cref="NftVerdict.Accept"/> or <see cref="NftVerdict.Drop"/>); null sends none (the kernel's default is accept).</param>
public readonly record struct NftBaseChain(string Type, NftHook Hook, int Priority, NftVerdict? Policy = null);
