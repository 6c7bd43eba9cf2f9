namespace Cni.Netlink.Protocol;

/// <summary>The <c>NFTA_TABLE_*</c> attributes (uapi <c>linux/netfilter/nf_tables.h</c>): the attributes of a table message (NEWTABLE, DELTABLE, GETTABLE).</summary>
/// <remarks>Integers in nf_tables attributes are big-endian; strings are sent with their NUL.</remarks>
public enum NftTableAttribute : ushort
{
    /// <summary><c>NFTA_TABLE_NAME</c>: the table name (string).</summary>
    Name = 1,

    /// <summary><c>NFTA_TABLE_FLAGS</c>: the table flags (be32).</summary>
    Flags = 2,

    /// <summary><c>NFTA_TABLE_USE</c>: the number of chains in the table (be32, read only).</summary>
    Use = 3,

    /// <summary><c>NFTA_TABLE_HANDLE</c>: the table handle (be64).</summary>
    Handle = 4,

    /// <summary><c>NFTA_TABLE_USERDATA</c>: user data: libnftnl TLVs such as the comment (binary).</summary>
    UserData = 6,

    /// <summary><c>NFTA_TABLE_OWNER</c>: the owning netlink port id (be32).</summary>
    Owner = 7,
}
