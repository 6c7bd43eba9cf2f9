namespace Cni.Netlink.Nftables;

/// <summary>The types of a base chain (<c>NFTA_CHAIN_TYPE</c>), as <c>nft</c> names them.</summary>
public static class NftChainType
{
    /// <summary><c>filter</c>: accept or drop.</summary>
    public const string Filter = "filter";

    /// <summary><c>nat</c>: address translation (masquerade, snat, dnat); only the first packet of a connection passes it.</summary>
    public const string Nat = "nat";

    /// <summary><c>route</c>: rerouting after a change of mark or address (output hook).</summary>
    public const string Route = "route";
}
