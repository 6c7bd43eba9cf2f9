namespace Cni.Netlink.Protocol;

/// <summary>What extended information a link GET returns (<c>RTEXT_FILTER_*</c>, uapi <c>linux/rtnetlink.h</c>), the value of <see cref="IfLinkAttribute.ExtMask"/>.</summary>
[Flags]
public enum RtExtFilter : uint
{
    /// <summary>No extension.</summary>
    None = 0,

    /// <summary><c>RTEXT_FILTER_VF</c>: virtual function information.</summary>
    VirtualFunctions = 0x1,

    /// <summary><c>RTEXT_FILTER_BRVLAN</c>: bridge VLANs, one entry per VLAN.</summary>
    BridgeVlan = 0x2,

    /// <summary><c>RTEXT_FILTER_BRVLAN_COMPRESSED</c>: bridge VLANs, ranges compressed.</summary>
    BridgeVlanCompressed = 0x4,

    /// <summary><c>RTEXT_FILTER_SKIP_STATS</c>: leave the statistics out.</summary>
    SkipStats = 0x8,
}
