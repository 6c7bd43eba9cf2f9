namespace Cni.Netlink.Nftables;

/// <summary>Where a payload expression's offset counts from (<c>enum nft_payload_bases</c>, uapi <c>linux/netfilter/nf_tables.h</c>).</summary>
public enum NftPayloadBase : uint
{
    /// <summary><c>NFT_PAYLOAD_LL_HEADER</c>: the link-layer (Ethernet) header.</summary>
    LinkLayer = 0,

    /// <summary><c>NFT_PAYLOAD_NETWORK_HEADER</c>: the network (IP) header.</summary>
    Network = 1,

    /// <summary><c>NFT_PAYLOAD_TRANSPORT_HEADER</c>: the transport (TCP, UDP...) header.</summary>
    Transport = 2,
}
