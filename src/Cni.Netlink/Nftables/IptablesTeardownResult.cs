namespace Cni.Netlink.Nftables;

/// <summary>What <see cref="IptablesMasqueradeRules.Teardown"/> removed and found.</summary>
/// <param name="RulesRemoved">The POSTROUTING jump rules deleted (ip and ip6 together).</param>
/// <param name="ChainsRemoved">The <c>CNI-…</c> chains deleted (0, 1 or 2).</param>
/// <param name="LegacyTables">
/// The iptables-legacy nat tables of the namespace (<c>"ip nat"</c>, <c>"ip6 nat"</c>): rules there are invisible over
/// nf_tables, so when this is not empty the container's legacy rules may remain and only <c>iptables-legacy</c> can remove them.
/// </param>
public sealed record IptablesTeardownResult(int RulesRemoved, int ChainsRemoved, IReadOnlyList<string> LegacyTables)
{
    /// <summary>True when iptables-legacy nat tables exist in the namespace (see <see cref="LegacyTables"/>).</summary>
    public bool FoundLegacyTables => LegacyTables.Count > 0;
}
