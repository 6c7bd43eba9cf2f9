namespace Cni.Netlink;

/// <summary>Well-known routing table ids (<c>RT_TABLE_*</c>, uapi <c>linux/rtnetlink.h</c>).</summary>
public static class RouteTable
{
    /// <summary><c>RT_TABLE_UNSPEC</c>: no table given (in a request the kernel picks main).</summary>
    public const uint Unspecified = 0;

    /// <summary><c>RT_TABLE_DEFAULT</c>: the default table.</summary>
    public const uint Default = 253;

    /// <summary><c>RT_TABLE_MAIN</c>: the main table.</summary>
    public const uint Main = 254;

    /// <summary><c>RT_TABLE_LOCAL</c>: the local table.</summary>
    public const uint Local = 255;
}
