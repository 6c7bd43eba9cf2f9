namespace Cni.Netlink.Nftables;

/// <summary>
/// One expression of a dumped rule: its name and the attributes that say what it does. Properties that do
/// not apply to the expression's kind are null (or empty).
/// </summary>
public sealed record NftExpression
{
    /// <summary>The expression kind (<c>NFTA_EXPR_NAME</c>): <c>meta</c>, <c>payload</c>, <c>cmp</c>, <c>bitwise</c>, <c>immediate</c>, <c>masq</c>, <c>counter</c>, <c>lookup</c>...</summary>
    public string Name { get; init; } = "";

    /// <summary>meta: the key loaded.</summary>
    public NftMetaKey? MetaKey { get; init; }

    /// <summary>payload: the header the offset counts from.</summary>
    public NftPayloadBase? PayloadBase { get; init; }

    /// <summary>payload: the offset in bytes.</summary>
    public uint? PayloadOffset { get; init; }

    /// <summary>payload: the number of bytes loaded; bitwise: the number of bytes operated on.</summary>
    public uint? Length { get; init; }

    /// <summary>cmp: the comparison.</summary>
    public NftCmpOperator? CmpOperator { get; init; }

    /// <summary>cmp: the value compared with; immediate: a data value (not a verdict).</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>bitwise: the AND mask.</summary>
    public ReadOnlyMemory<byte> Mask { get; init; }

    /// <summary>bitwise: the XOR value.</summary>
    public ReadOnlyMemory<byte> Xor { get; init; }

    /// <summary>immediate: the verdict, when the expression writes the verdict register.</summary>
    public NftVerdict? Verdict { get; init; }

    /// <summary>immediate: the target chain of a jump or goto.</summary>
    public string? VerdictChain { get; init; }

    /// <summary>lookup: the set name.</summary>
    public string? Set { get; init; }

    /// <summary>lookup: true when the match is inverted (<c>!= @set</c>).</summary>
    public bool Inverted { get; init; }

    /// <summary>The source register (cmp, bitwise, lookup), when present.</summary>
    public uint? SourceRegister { get; init; }

    /// <summary>The destination register (meta, payload, bitwise, immediate), when present.</summary>
    public uint? DestinationRegister { get; init; }
}
