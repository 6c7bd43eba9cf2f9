namespace Cni.Netlink.Nftables;

/// <summary>A chain, as a dump returns it (<c>NFT_MSG_NEWCHAIN</c>).</summary>
public sealed record NftChain
{
    /// <summary>The family.</summary>
    public NftFamily Family { get; init; }

    /// <summary>The table (<c>NFTA_CHAIN_TABLE</c>).</summary>
    public string Table { get; init; } = "";

    /// <summary>The name (<c>NFTA_CHAIN_NAME</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>The handle (<c>NFTA_CHAIN_HANDLE</c>).</summary>
    public ulong Handle { get; init; }

    /// <summary>The type, hook, priority and policy of a base chain; null for a regular chain.</summary>
    public NftBaseChain? BaseChain { get; init; }

    /// <summary>The number of references (jumps and gotos) to the chain (<c>NFTA_CHAIN_USE</c>).</summary>
    public uint Use { get; init; }

    /// <summary>The comment (from <c>NFTA_CHAIN_USERDATA</c>), or null.</summary>
    public string? Comment { get; init; }
}
