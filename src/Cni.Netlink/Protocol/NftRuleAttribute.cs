namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_RULE_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of a rule message.</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftRuleAttribute : ushort
{
    /// <summary><c>NFTA_RULE_TABLE</c>: the table name (string).</summary>
    Table = 1,

    /// <summary><c>NFTA_RULE_CHAIN</c>: the chain name (string).</summary>
    Chain = 2,

    /// <summary><c>NFTA_RULE_HANDLE</c>: the rule handle (be64).</summary>
    Handle = 3,

    /// <summary><c>NFTA_RULE_EXPRESSIONS</c>: the expressions (nested list of NftListAttribute.Element).</summary>
    Expressions = 4,

    /// <summary><c>NFTA_RULE_COMPAT</c>: the x_tables compatibility information (nested).</summary>
    Compat = 5,

    /// <summary><c>NFTA_RULE_POSITION</c>: the handle of the rule to insert or append next to (be64).</summary>
    Position = 6,

    /// <summary><c>NFTA_RULE_USERDATA</c>: user data: libnftnl TLVs such as the comment (binary).</summary>
    UserData = 7,

    /// <summary><c>NFTA_RULE_ID</c>: the rule id within a transaction (be32).</summary>
    Id = 9,
}
