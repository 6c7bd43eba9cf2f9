namespace Cni.Netlink.Nftables;

/// <summary>A rule, as a dump returns it (<c>NFT_MSG_NEWRULE</c>).</summary>
public sealed record NftRule
{
    /// <summary>The family.</summary>
    public NftFamily Family { get; init; }

    /// <summary>The table (<c>NFTA_RULE_TABLE</c>).</summary>
    public string Table { get; init; } = "";

    /// <summary>The chain (<c>NFTA_RULE_CHAIN</c>).</summary>
    public string Chain { get; init; } = "";

    /// <summary>The handle (<c>NFTA_RULE_HANDLE</c>), what deletes it.</summary>
    public ulong Handle { get; init; }

    /// <summary>The comment (from <c>NFTA_RULE_USERDATA</c>), or null.</summary>
    public string? Comment { get; init; }

    /// <summary>The expressions, in order.</summary>
    public IReadOnlyList<NftExpression> Expressions { get; init; } = [];
}
