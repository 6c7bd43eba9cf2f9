namespace Cni.Netlink.Nftables;

/// <summary>What a meta expression loads (<c>enum nft_meta_keys</c>, uapi <c>linux/netfilter/nf_tables.h</c>).</summary>
public enum NftMetaKey : uint
{
    /// <summary><c>NFT_META_LEN</c>: the packet length.</summary>
    Length = 0,

    /// <summary><c>NFT_META_PROTOCOL</c>: the EtherType of the packet.</summary>
    Protocol = 1,

    /// <summary><c>NFT_META_PRIORITY</c>: the packet priority.</summary>
    Priority = 2,

    /// <summary><c>NFT_META_MARK</c>: the packet mark.</summary>
    Mark = 3,

    /// <summary><c>NFT_META_IIF</c>: the input interface index.</summary>
    InputInterface = 4,

    /// <summary><c>NFT_META_OIF</c>: the output interface index.</summary>
    OutputInterface = 5,

    /// <summary><c>NFT_META_IIFNAME</c>: the input interface name (16 bytes, NUL padded).</summary>
    InputInterfaceName = 6,

    /// <summary><c>NFT_META_OIFNAME</c>: the output interface name (16 bytes, NUL padded).</summary>
    OutputInterfaceName = 7,

    /// <summary><c>NFT_META_NFPROTO</c>: the netfilter family of the packet (1 byte: 2 IPv4, 10 IPv6); the dependency nft adds to <c>ip</c>/<c>ip6</c> matches in the inet family.</summary>
    NetfilterProtocol = 15,

    /// <summary><c>NFT_META_L4PROTO</c>: the transport protocol number.</summary>
    Layer4Protocol = 16,
}
