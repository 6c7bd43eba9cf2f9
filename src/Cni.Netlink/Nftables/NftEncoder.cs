using Cni.Netlink.Protocol;

namespace Cni.Netlink.Nftables;

/// <summary>
/// Writes nf_tables requests byte for byte as nft 1.0.6 (libnftnl) does; checked against captures in
/// <c>tests/Cni.Netlink.Tests/Nftables/NftRequestVectorTests.cs</c>.
/// </summary>
/// <remarks>
/// <para>Every message is a netlink header, an nfgenmsg, then attributes (integers big-endian, strings with their NUL):</para>
/// <code>
/// +----------------+----------------------------------+---------------------------+
/// | nlmsghdr (16)  | nfgenmsg {family, 0, res_id 0}   | NFTA_* attributes         |
/// +----------------+----------------------------------+---------------------------+
/// type = NFNL_SUBSYS_NFTABLES &lt;&lt; 8 | NFT_MSG_*
/// </code>
/// <para>A batch frames them: BATCH_BEGIN {family 0, res_id 10}, the messages, BATCH_END {family 0, res_id 10}.</para>
/// </remarks>
internal static class NftEncoder
{
    /// <summary>Flags nft sends with NEWTABLE (and DELTABLE, DELCHAIN, DELRULE): <c>NLM_F_REQUEST</c>.</summary>
    public const NetlinkFlags Request = NetlinkFlags.Request;

    /// <summary>Flags nft sends with NEWCHAIN: <c>NLM_F_REQUEST | NLM_F_CREATE</c>.</summary>
    public const NetlinkFlags NewChain = NetlinkFlags.Request | NetlinkFlags.Create;

    /// <summary>Flags nft sends with NEWRULE (<c>add rule</c>): <c>NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND</c>.</summary>
    public const NetlinkFlags NewRule = NetlinkFlags.Request | NetlinkFlags.Create | NetlinkFlags.Append;

    /// <summary>
    /// BATCH_BEGIN or BATCH_END: <c>nlmsghdr{20, 0x10|0x11, REQUEST, seq}</c> <c>nfgenmsg{0, 0, htons(10)}</c>.
    /// </summary>
    public static void Batch(ref NetlinkWriter writer, NfnetlinkMessageType type, uint sequence)
    {
        writer.BeginMessage((ushort)type, NetlinkFlags.Request, sequence, 0);
        writer.WriteStruct(new NfGenMessage { Family = 0, Version = NfGenMessage.Version0, ResourceId = (ushort)NfnetlinkSubsystem.Nftables });
        writer.EndMessage();
    }

    /// <summary>
    /// A table message.
    /// <code>
    /// NEWTABLE: NFTA_TABLE_NAME "name\0", NFTA_TABLE_FLAGS be32 0, [NFTA_TABLE_USERDATA {00 len comment\0}]
    /// DELTABLE / DESTROYTABLE: NFTA_TABLE_NAME
    /// </code>
    /// </summary>
    public static void Table(ref NetlinkWriter writer, NftMessageType type, NetlinkFlags flags, uint sequence, NftFamily family, string name, string? comment)
    {
        Begin(ref writer, type, flags, sequence, family);
        writer.WriteAttribute(NftTableAttribute.Name, name);
        if (type == NftMessageType.NewTable)
        {
            NftWire.WriteBigEndian(ref writer, NftTableAttribute.Flags, 0u);
            if (comment is not null)
            {
                NftWire.WriteComment(ref writer, NftTableAttribute.UserData, comment);
            }
        }

        writer.EndMessage();
    }

    /// <summary>
    /// A chain message.
    /// <code>
    /// NEWCHAIN: NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME,
    ///           base chain: NFTA_CHAIN_TYPE "nat\0", [NFTA_CHAIN_POLICY be32], NFTA_CHAIN_HOOK { HOOKNUM be32, PRIORITY be32 },
    ///           [NFTA_CHAIN_USERDATA {00 len comment\0}]
    /// DELCHAIN / DESTROYCHAIN: NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME
    /// </code>
    /// </summary>
    public static void Chain(ref NetlinkWriter writer, NftMessageType type, NetlinkFlags flags, uint sequence, NftFamily family, string table, string name, in NftBaseChain? hook, string? comment)
    {
        Begin(ref writer, type, flags, sequence, family);
        writer.WriteAttribute(NftChainAttribute.Table, table);
        writer.WriteAttribute(NftChainAttribute.Name, name);
        if (type == NftMessageType.NewChain)
        {
            if (hook is { } h)
            {
                writer.WriteAttribute(NftChainAttribute.Type, h.Type);
                if (h.Policy is { } policy)
                {
                    NftWire.WriteBigEndian(ref writer, NftChainAttribute.Policy, unchecked((uint)(int)policy));
                }

                var nested = writer.BeginNested(NftChainAttribute.Hook, markNested: true);
                NftWire.WriteBigEndian(ref writer, NftHookAttribute.HookNumber, (uint)h.Hook);
                NftWire.WriteBigEndian(ref writer, NftHookAttribute.Priority, unchecked((uint)h.Priority));
                writer.EndNested(nested);
            }

            if (comment is not null)
            {
                NftWire.WriteComment(ref writer, NftChainAttribute.UserData, comment);
            }
        }

        writer.EndMessage();
    }

    /// <summary>
    /// NEWRULE.
    /// <code>
    /// NFTA_RULE_TABLE, NFTA_RULE_CHAIN, NFTA_RULE_EXPRESSIONS { NFTA_LIST_ELEM ... }, [NFTA_RULE_USERDATA {00 len comment\0}]
    /// </code>
    /// </summary>
    public static void Rule(ref NetlinkWriter writer, NetlinkFlags flags, uint sequence, NftFamily family, string table, string chain, scoped ReadOnlySpan<byte> expressions, string? comment)
    {
        Begin(ref writer, NftMessageType.NewRule, flags, sequence, family);
        writer.WriteAttribute(NftRuleAttribute.Table, table);
        writer.WriteAttribute(NftRuleAttribute.Chain, chain);
        var list = writer.BeginNested(NftRuleAttribute.Expressions, markNested: true);
        writer.WriteRaw(expressions);
        writer.EndNested(list);
        if (comment is not null)
        {
            NftWire.WriteComment(ref writer, NftRuleAttribute.UserData, comment);
        }

        writer.EndMessage();
    }

    /// <summary>
    /// DELRULE or DESTROYRULE: by handle, or with no handle every rule of the chain (<c>nft flush chain</c>).
    /// <code>
    /// NFTA_RULE_TABLE, NFTA_RULE_CHAIN, [NFTA_RULE_HANDLE be64]
    /// </code>
    /// </summary>
    public static void DeleteRule(ref NetlinkWriter writer, NftMessageType type, NetlinkFlags flags, uint sequence, NftFamily family, string table, string chain, ulong? handle)
    {
        Begin(ref writer, type, flags, sequence, family);
        writer.WriteAttribute(NftRuleAttribute.Table, table);
        writer.WriteAttribute(NftRuleAttribute.Chain, chain);
        if (handle is { } h)
        {
            NftWire.WriteBigEndian(ref writer, NftRuleAttribute.Handle, h);
        }

        writer.EndMessage();
    }

    /// <summary>
    /// A dump request: GETTABLE, GETCHAIN or GETRULE with <c>NLM_F_REQUEST | NLM_F_DUMP</c>; GETRULE may carry
    /// NFTA_RULE_TABLE and NFTA_RULE_CHAIN as the kernel's filter. Family 0 dumps every family.
    /// </summary>
    public static int Dump(Span<byte> buffer, NftMessageType type, uint sequence, NftFamily? family, string? table, string? chain)
    {
        var writer = new NetlinkWriter(buffer);
        Begin(ref writer, type, NetlinkFlags.Request | NetlinkFlags.Dump, sequence, family);
        if (table is not null)
        {
            writer.WriteAttribute(NftRuleAttribute.Table, table);
        }

        if (chain is not null)
        {
            writer.WriteAttribute(NftRuleAttribute.Chain, chain);
        }

        return writer.EndMessage();
    }

    private static void Begin(ref NetlinkWriter writer, NftMessageType type, NetlinkFlags flags, uint sequence, NftFamily? family)
    {
        writer.BeginMessage(NftMessageTypes.ToNetlinkType(type), flags, sequence, 0);
        writer.WriteStruct(new NfGenMessage { Family = (byte)(family ?? 0), Version = NfGenMessage.Version0, ResourceId = 0 });
    }
}
