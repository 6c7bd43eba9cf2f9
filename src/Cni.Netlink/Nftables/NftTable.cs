namespace Cni.Netlink.Nftables;

/// <summary>A table, as a dump returns it (<c>NFT_MSG_NEWTABLE</c>).</summary>
public sealed record NftTable
{
    /// <summary>The family.</summary>
    public NftFamily Family { get; init; }

    /// <summary>The name (<c>NFTA_TABLE_NAME</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>The handle (<c>NFTA_TABLE_HANDLE</c>).</summary>
    public ulong Handle { get; init; }

    /// <summary>The flags (<c>NFTA_TABLE_FLAGS</c>: 1 dormant, 2 owner).</summary>
    public uint Flags { get; init; }

    /// <summary>The comment (from <c>NFTA_TABLE_USERDATA</c>), or null.</summary>
    public string? Comment { get; init; }
}
