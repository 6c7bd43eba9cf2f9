namespace Cni.Netlink.Nftables;

/// <summary>
/// What the Go reference's iptables ipMasq backend leaves for a container, removed over nfnetlink: with
/// iptables-nft (Debian 12's <c>iptables</c>) its rules are nf_tables objects, so no <c>iptables</c> process is needed.
/// </summary>
/// <remarks>
/// <code>
/// table ip nat / table ip6 nat                      (iptables-nft's tables)
///   chain POSTROUTING { ... ip saddr &lt;IP&gt; ... jump CNI-&lt;hash&gt; }      one per container address
///   chain CNI-&lt;hash&gt; { ip daddr &lt;subnet&gt; accept; ip daddr != 224.0.0.0/4 masquerade }
/// </code>
/// <para>
/// <c>&lt;hash&gt;</c> is the lower-case hex SHA-512 of network name + container id, cut so that the chain name has 28
/// characters (<see cref="ChainName"/>); the interface name plays no part. Rules written by iptables-legacy are
/// not nf_tables objects: <see cref="Teardown"/> cannot see them and reports, in
/// <see cref="IptablesTeardownResult.LegacyTables"/>, whether legacy nat tables exist in the namespace.
/// </para>
/// </remarks>
public static class IptablesMasqueradeRules
{
    /// <summary>The table the reference's iptables backend uses, in families ip and ip6.</summary>
    public const string Table = "nat";

    /// <summary>The base chain holding the jumps.</summary>
    public const string PostroutingChain = "POSTROUTING";

    /// <summary>The length of the chain names (the reference's <c>maxChainLength</c>).</summary>
    public const int ChainNameLength = 28;

    /// <summary>The chain of a container: <c>CNI-</c> and the first 24 hex digits of SHA-512(network + containerId).</summary>
    /// <param name="network">The network name.</param>
    /// <param name="containerId">The container id.</param>
    /// <returns>The 28-character chain name.</returns>
    public static string ChainName(string network, string containerId)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(containerId);
        const string prefix = "CNI-";
        return prefix + Sha512.HexPrefix(network + containerId, ChainNameLength - prefix.Length);
    }

    /// <summary>
    /// Removes a container's iptables-backend masquerading from <c>ip nat</c> and <c>ip6 nat</c>: the POSTROUTING rules
    /// that jump to its chain (by handle), then the chain, flushed and deleted. One transaction per family;
    /// nothing there is success.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="network">The network name.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="networkNamespace">The namespace the socket is in, where legacy tables are looked for; null for the calling thread's.</param>
    /// <returns>What was removed, and whether iptables-legacy nat tables exist.</returns>
    /// <exception cref="NetlinkException">The kernel refused the deletion.</exception>
    public static IptablesTeardownResult Teardown(NftablesSocket nft, string network, string containerId, NetworkNamespace? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(nft);
        string chain = ChainName(network, containerId);
        int rules = 0, chains = 0;
        foreach (NftFamily family in new[] { NftFamily.IPv4, NftFamily.IPv6 })
        {
            MasqueradeRules.Retry(() =>
            {
                bool exists = nft.GetChain(family, Table, chain) is not null;
                List<NftRule> jumps = nft.ListRules(family, Table, PostroutingChain)
                    .Where(r => r.Expressions.Any(x => x.Verdict is NftVerdict.Jump or NftVerdict.Goto && x.VerdictChain == chain))
                    .ToList();
                if (!exists && jumps.Count == 0)
                {
                    return;
                }

                using NftTransaction tx = nft.Begin();
                foreach (NftRule rule in jumps)
                {
                    tx.DeleteRule(family, Table, PostroutingChain, rule.Handle);
                }

                if (exists)
                {
                    tx.FlushChain(family, Table, chain);
                    tx.DeleteChain(family, Table, chain);
                }

                tx.Commit();
                rules += jumps.Count;
                chains += exists ? 1 : 0;
            });
        }

        string[] legacy = networkNamespace is null ? FindLegacyTables() : networkNamespace.Run(FindLegacyTables);
        return new IptablesTeardownResult(rules, chains, legacy);
    }

    /// <summary>
    /// The iptables-legacy (x_tables) nat tables of the calling thread's network namespace, from
    /// <c>/proc/thread-self/net/ip_tables_names</c> and <c>ip6_tables_names</c>: <c>"ip nat"</c>, <c>"ip6 nat"</c>.
    /// </summary>
    /// <returns>The tables found; empty when there are none or the kernel has no legacy iptables.</returns>
    public static string[] FindLegacyTables()
    {
        var found = new List<string>(2);
        foreach ((string file, string family) in new[] { ("ip_tables_names", "ip"), ("ip6_tables_names", "ip6") })
        {
            string path = "/proc/thread-self/net/" + file;
            try
            {
                if (File.ReadAllLines(path).Any(line => line.Trim() == Table))
                {
                    found.Add(family + " " + Table);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // No legacy iptables in this kernel (or unreadable): nothing legacy can hold rules.
            }
        }

        return [.. found];
    }
}
