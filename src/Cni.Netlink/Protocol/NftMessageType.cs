namespace Cni.Netlink.Protocol;

/// <summary>
/// The nf_tables message numbers (<c>NFT_MSG_*</c>, uapi <c>linux/netfilter/nf_tables.h</c>). On the wire the
/// <c>nlmsg_type</c> is <c>(NFNL_SUBSYS_NFTABLES &lt;&lt; 8) | message</c>: see <see cref="NfnetlinkSubsystem"/>
/// and <see cref="NftMessageTypes.ToNetlinkType(NftMessageType)"/>.
/// </summary>
public enum NftMessageType : byte
{
    /// <summary><c>NFT_MSG_NEWTABLE</c>: create a table (or update its flags and comment).</summary>
    NewTable = 0,

    /// <summary><c>NFT_MSG_GETTABLE</c>: get or dump tables.</summary>
    GetTable = 1,

    /// <summary><c>NFT_MSG_DELTABLE</c>: delete a table and everything in it.</summary>
    DelTable = 2,

    /// <summary><c>NFT_MSG_NEWCHAIN</c>: create a chain.</summary>
    NewChain = 3,

    /// <summary><c>NFT_MSG_GETCHAIN</c>: get or dump chains.</summary>
    GetChain = 4,

    /// <summary><c>NFT_MSG_DELCHAIN</c>: delete a chain (it must be unreferenced).</summary>
    DelChain = 5,

    /// <summary><c>NFT_MSG_NEWRULE</c>: add a rule.</summary>
    NewRule = 6,

    /// <summary><c>NFT_MSG_GETRULE</c>: get or dump rules.</summary>
    GetRule = 7,

    /// <summary><c>NFT_MSG_DELRULE</c>: delete a rule by handle, or every rule of a chain (a flush).</summary>
    DelRule = 8,

    /// <summary><c>NFT_MSG_NEWSET</c>: create a set.</summary>
    NewSet = 9,

    /// <summary><c>NFT_MSG_GETSET</c>: get or dump sets.</summary>
    GetSet = 10,

    /// <summary><c>NFT_MSG_DELSET</c>: delete a set.</summary>
    DelSet = 11,

    /// <summary><c>NFT_MSG_NEWSETELEM</c>: add set elements.</summary>
    NewSetElement = 12,

    /// <summary><c>NFT_MSG_GETSETELEM</c>: get or dump set elements.</summary>
    GetSetElement = 13,

    /// <summary><c>NFT_MSG_DELSETELEM</c>: delete set elements.</summary>
    DelSetElement = 14,

    /// <summary><c>NFT_MSG_NEWGEN</c>: the generation changed (notification).</summary>
    NewGeneration = 15,

    /// <summary><c>NFT_MSG_GETGEN</c>: get the ruleset generation.</summary>
    GetGeneration = 16,

    /// <summary>Delete a table, succeeding when it does not exist (kernel 6.3+; <c>NFT_MSG_DESTROYTABLE</c>, newer than the uapi headers of Debian 12, so not checked by check-constants.sh).</summary>
    DestroyTable = 26,

    /// <summary>Delete a chain, succeeding when it does not exist (kernel 6.3+; <c>NFT_MSG_DESTROYCHAIN</c>, newer than the uapi headers of Debian 12, so not checked by check-constants.sh).</summary>
    DestroyChain = 27,

    /// <summary>Delete a rule, succeeding when it does not exist (kernel 6.3+; <c>NFT_MSG_DESTROYRULE</c>, newer than the uapi headers of Debian 12, so not checked by check-constants.sh).</summary>
    DestroyRule = 28,
}

/// <summary>Composes and names the <c>nlmsg_type</c> of nf_tables messages.</summary>
public static class NftMessageTypes
{
    /// <summary>The <c>nlmsg_type</c> of an nf_tables message: <c>(NFNL_SUBSYS_NFTABLES &lt;&lt; 8) | message</c>.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The netlink type.</returns>
    public static ushort ToNetlinkType(NftMessageType message) => (ushort)(((int)NfnetlinkSubsystem.Nftables << 8) | (int)message);

    /// <summary>The kernel's short name of an nf_tables <c>nlmsg_type</c> (for example <c>NEWRULE</c>), for messages.</summary>
    /// <param name="netlinkType">An <c>nlmsg_type</c>.</param>
    /// <returns>The name, or the number.</returns>
    public static string NameOf(ushort netlinkType) => netlinkType switch
    {
        (ushort)NfnetlinkMessageType.BatchBegin => "BATCH_BEGIN",
        (ushort)NfnetlinkMessageType.BatchEnd => "BATCH_END",
        _ when netlinkType >> 8 == (int)NfnetlinkSubsystem.Nftables => (NftMessageType)(netlinkType & 0xff) switch
        {
            NftMessageType.NewTable => "NEWTABLE",
            NftMessageType.GetTable => "GETTABLE",
            NftMessageType.DelTable => "DELTABLE",
            NftMessageType.NewChain => "NEWCHAIN",
            NftMessageType.GetChain => "GETCHAIN",
            NftMessageType.DelChain => "DELCHAIN",
            NftMessageType.NewRule => "NEWRULE",
            NftMessageType.GetRule => "GETRULE",
            NftMessageType.DelRule => "DELRULE",
            NftMessageType.NewSet => "NEWSET",
            NftMessageType.GetSet => "GETSET",
            NftMessageType.DelSet => "DELSET",
            NftMessageType.NewSetElement => "NEWSETELEM",
            NftMessageType.GetSetElement => "GETSETELEM",
            NftMessageType.DelSetElement => "DELSETELEM",
            NftMessageType.NewGeneration => "NEWGEN",
            NftMessageType.GetGeneration => "GETGEN",
            NftMessageType.DestroyTable => "DESTROYTABLE",
            NftMessageType.DestroyChain => "DESTROYCHAIN",
            NftMessageType.DestroyRule => "DESTROYRULE",
            _ => "NFT_MSG " + (netlinkType & 0xff).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => "netlink message type " + netlinkType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
