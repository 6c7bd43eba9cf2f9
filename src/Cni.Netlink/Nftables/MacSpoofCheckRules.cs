using System.Net.NetworkInformation;

namespace Cni.Netlink.Nftables;

/// <summary>
/// The spoof check of <c>macspoofchk</c>: frames from a container's host-side port are dropped unless their
/// source MAC is the container interface's, laid out as the Go reference lays it out
/// (containernetworking/plugins <c>pkg/link/spoofcheck.go</c>).
/// </summary>
/// <remarks>
/// <code>
/// table bridge nat {
///   chain PREROUTING {
///     type filter hook prerouting priority -300; policy accept;
///     iifname "&lt;hostVeth&gt;" jump cni-br-iface-&lt;cid&gt;-&lt;ifname&gt; comment "macspoofchk-&lt;cid&gt;-&lt;ifname&gt;"
///   }
///   chain cni-br-iface-&lt;cid&gt;-&lt;ifname&gt; {
///     jump cni-br-iface-&lt;cid&gt;-&lt;ifname&gt;-mac comment "macspoofchk-..."
///   }
///   chain cni-br-iface-&lt;cid&gt;-&lt;ifname&gt;-mac {
///     ether saddr &lt;mac&gt; return comment "macspoofchk-..."
///     drop comment "macspoofchk-..."
///   }
/// }
/// </code>
/// </remarks>
public static class MacSpoofCheckRules
{
    /// <summary>The table: <c>bridge nat</c>.</summary>
    public const string Table = "nat";

    /// <summary>The base chain: type filter, hook prerouting, priority -300, policy accept.</summary>
    public const string PreroutingChain = "PREROUTING";

    /// <summary>The priority of <see cref="PreroutingChain"/>.</summary>
    public const int Priority = -300;

    /// <summary>The attachment's reference: <c>&lt;containerId&gt;-&lt;ifName&gt;</c>.</summary>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>The reference.</returns>
    public static string Reference(string containerId, string ifName)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        ArgumentNullException.ThrowIfNull(ifName);
        return containerId + "-" + ifName;
    }

    /// <summary>The comment of every rule of an attachment: <c>macspoofchk-&lt;containerId&gt;-&lt;ifName&gt;</c>.</summary>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>The comment.</returns>
    public static string Comment(string containerId, string ifName) => "macspoofchk-" + Reference(containerId, ifName);

    /// <summary>The attachment's interface chain: <c>cni-br-iface-&lt;containerId&gt;-&lt;ifName&gt;</c>.</summary>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>The chain name.</returns>
    public static string InterfaceChain(string containerId, string ifName) => "cni-br-iface-" + Reference(containerId, ifName);

    /// <summary>The attachment's MAC chain: the interface chain's name with <c>-mac</c>.</summary>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>The chain name.</returns>
    public static string MacChain(string containerId, string ifName) => InterfaceChain(containerId, ifName) + "-mac";

    /// <summary>
    /// Sets up the spoof check in one transaction: the table and chains, both regular chains flushed, then the
    /// four rules. As in the reference, the PREROUTING rule is appended, not deduplicated.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="hostVeth">The host end of the container's veth (the bridge port).</param>
    /// <param name="mac">The container interface's MAC address.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <exception cref="NetlinkException">The kernel refused the transaction (nothing was changed).</exception>
    public static void Setup(NftablesSocket nft, string hostVeth, PhysicalAddress mac, string containerId, string ifName)
    {
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentException.ThrowIfNullOrEmpty(hostVeth);
        ArgumentNullException.ThrowIfNull(mac);
        byte[] macBytes = mac.GetAddressBytes();
        if (macBytes.Length != 6)
        {
            throw new ArgumentException($"The MAC address '{mac}' does not have 6 bytes.", nameof(mac));
        }

        string comment = Comment(containerId, ifName);
        string iface = InterfaceChain(containerId, ifName);
        string macChain = MacChain(containerId, ifName);
        using NftTransaction tx = nft.Begin();
        tx.AddTable(NftFamily.Bridge, Table);
        tx.AddBaseChain(NftFamily.Bridge, Table, PreroutingChain, new NftBaseChain(NftChainType.Filter, NftHook.Prerouting, Priority, NftVerdict.Accept));
        tx.AddChain(NftFamily.Bridge, Table, iface);
        tx.AddChain(NftFamily.Bridge, Table, macChain);
        tx.FlushChain(NftFamily.Bridge, Table, iface);
        tx.FlushChain(NftFamily.Bridge, Table, macChain);

        Span<byte> buffer = stackalloc byte[512];
        var e = new NftExpressionWriter(buffer);
        e.MatchInterfaceName(hostVeth);
        e.Verdict(NftVerdict.Jump, iface);
        tx.AddRule(NftFamily.Bridge, Table, PreroutingChain, e.WrittenSpan, comment);

        e = new NftExpressionWriter(buffer);
        e.Verdict(NftVerdict.Jump, macChain);
        tx.AddRule(NftFamily.Bridge, Table, iface, e.WrittenSpan, comment);

        e = new NftExpressionWriter(buffer);
        e.MatchEtherSource(macBytes);
        e.Verdict(NftVerdict.Return);
        tx.AddRule(NftFamily.Bridge, Table, macChain, e.WrittenSpan, comment);

        e = new NftExpressionWriter(buffer);
        e.Verdict(NftVerdict.Drop);
        tx.AddRule(NftFamily.Bridge, Table, macChain, e.WrittenSpan, comment);
        tx.Commit();
    }

    /// <summary>
    /// Removes the spoof check in one transaction: the PREROUTING rules with the attachment's comment (by
    /// handle), then both chains. Nothing there is success.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>True when something was removed.</returns>
    /// <exception cref="NetlinkException">The kernel refused the deletion.</exception>
    public static bool Teardown(NftablesSocket nft, string containerId, string ifName)
    {
        ArgumentNullException.ThrowIfNull(nft);
        string comment = Comment(containerId, ifName);
        string iface = InterfaceChain(containerId, ifName);
        string macChain = MacChain(containerId, ifName);
        bool removed = false;
        MasqueradeRules.Retry(() =>
        {
            List<NftRule> jumps = nft.ListRules(NftFamily.Bridge, Table, PreroutingChain).Where(r => r.Comment == comment).ToList();
            HashSet<string> chains = new[] { iface, macChain }.Where(c => nft.GetChain(NftFamily.Bridge, Table, c) is not null).ToHashSet(StringComparer.Ordinal);
            removed = jumps.Count > 0 || chains.Contains(iface) || chains.Contains(macChain);
            if (!removed)
            {
                return;
            }

            using NftTransaction tx = nft.Begin();
            foreach (NftRule rule in jumps)
            {
                tx.DeleteRule(NftFamily.Bridge, Table, PreroutingChain, rule.Handle);
            }

            // The iface chain jumps to the mac chain: it goes first (a chain's rules go with it).
            foreach (string chain in new[] { iface, macChain })
            {
                if (chains.Contains(chain))
                {
                    tx.FlushChain(NftFamily.Bridge, Table, chain);
                    tx.DeleteChain(NftFamily.Bridge, Table, chain);
                }
            }

            tx.Commit();
        });
        return removed;
    }

    /// <summary>Checks that the spoof check of an attachment is in place: the four rules, in their chains, with their comment.</summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="hostVeth">The host end of the container's veth.</param>
    /// <param name="mac">The container interface's MAC address.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <returns>Null when everything is there; otherwise what is missing, for the CHECK error.</returns>
    public static string? Verify(NftablesSocket nft, string hostVeth, PhysicalAddress mac, string containerId, string ifName)
    {
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentNullException.ThrowIfNull(hostVeth);
        ArgumentNullException.ThrowIfNull(mac);
        string comment = Comment(containerId, ifName);
        string iface = InterfaceChain(containerId, ifName);
        string macChain = MacChain(containerId, ifName);
        List<NftRule> rules = nft.ListRules(NftFamily.Bridge, Table).Where(r => r.Comment == comment).ToList();
        Span<byte> buffer = stackalloc byte[512];
        bool Has(string chain, ReadOnlySpan<byte> expressions, int after = -1)
        {
            byte[] wanted = expressions.ToArray();
            return rules.Skip(after + 1).Any(r => r.Chain == chain && NftDecoder.SameExpressions(r.Expressions, wanted));
        }


        var e = new NftExpressionWriter(buffer);
        e.MatchInterfaceName(hostVeth);
        e.Verdict(NftVerdict.Jump, iface);
        if (!Has(PreroutingChain, e.WrittenSpan))
        {
            return $"the rule 'iifname \"{hostVeth}\" jump {iface}' with comment \"{comment}\" is missing from chain bridge {Table} {PreroutingChain}";
        }

        e = new NftExpressionWriter(buffer);
        e.Verdict(NftVerdict.Jump, macChain);
        if (!Has(iface, e.WrittenSpan))
        {
            return $"the rule 'jump {macChain}' with comment \"{comment}\" is missing from chain bridge {Table} {iface}";
        }

        e = new NftExpressionWriter(buffer);
        e.MatchEtherSource(mac.GetAddressBytes());
        e.Verdict(NftVerdict.Return);
        byte[] accept = e.WrittenSpan.ToArray();
        int accepted = rules.FindIndex(r => r.Chain == macChain && NftDecoder.SameExpressions(r.Expressions, accept));
        if (accepted < 0)
        {
            return $"the rule 'ether saddr {MacText.Format(mac)} return' with comment \"{comment}\" is missing from chain bridge {Table} {macChain}";
        }

        e = new NftExpressionWriter(buffer);
        e.Verdict(NftVerdict.Drop);
        if (!Has(macChain, e.WrittenSpan, accepted))
        {
            return $"the rule 'drop' with comment \"{comment}\" is missing after the MAC rule in chain bridge {Table} {macChain}";
        }

        return null;
    }
}
