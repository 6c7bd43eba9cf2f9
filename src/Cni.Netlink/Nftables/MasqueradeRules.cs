using System.Net;
using System.Net.Sockets;
using System.Text;
using Cni.Spec;
using Tmds.Linux;

namespace Cni.Netlink.Nftables;

/// <summary>
/// The masquerade rules of <c>ipMasq</c>, laid out exactly as the Go reference's nftables backend
/// (containernetworking/plugins 1.6+, <c>pkg/ip/ipmasq_nftables_linux.go</c>) lays them out, so that either
/// implementation tears down what the other set up.
/// </summary>
/// <remarks>
/// <code>
/// table inet cni_plugins_masquerade {                      # comment TableComment
///   chain masq_checks {                                     # comment ChainComment
///     ip saddr 10.1.2.3 ip daddr != 10.1.2.0/24 masquerade comment "&lt;H(net)&gt;-&lt;H(if:cid)&gt;, net: N, if: I, id: C"
///     ip6 saddr fd00::3 ip6 daddr != fd00::/64 masquerade comment "..."
///   }
///   chain postrouting {
///     type nat hook postrouting priority srcnat;           # refilled by a setup unless exactly this
///     ip daddr 224.0.0.0/4 return
///     ip6 daddr ff00::/8 return
///     goto masq_checks
///   }
/// }
/// </code>
/// <para>
/// A rule's only identity is its comment (<see cref="Comment"/>): H is the first 16 hex digits of the
/// lower-case SHA-512 of its input. Setup, teardown and GC find rules by that comment. Unlike the
/// reference's 1.6 backend, a setup keeps one rule per address, so dual stack keeps both.
/// Every method is one transaction; a rule deleted by someone else between the listing and the commit
/// (ENOENT) makes it list and commit again.
/// </para>
/// </remarks>
public static class MasqueradeRules
{
    /// <summary>The table: <c>inet cni_plugins_masquerade</c>.</summary>
    public const string Table = "cni_plugins_masquerade";

    /// <summary>The regular chain that holds one rule per container address.</summary>
    public const string Chain = "masq_checks";

    /// <summary>The base chain (type nat, hook postrouting, priority srcnat = 100).</summary>
    public const string PostroutingChain = "postrouting";

    /// <summary>The priority of <see cref="PostroutingChain"/> (<c>srcnat</c>).</summary>
    public const int Priority = 100;

    /// <summary>The table's comment, as the reference writes it.</summary>
    public const string TableComment = "Masquerading for plugins from github.com/containernetworking/plugins";

    /// <summary>The chain's comment, as the reference writes it.</summary>
    public const string ChainComment = "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet";

    private const int Attempts = 3;

    private const int PostroutingRuleCount = 3;

    /// <summary>The comment prefix of every rule of a network: H(network).</summary>
    /// <param name="network">The network name.</param>
    /// <returns>16 hex digits.</returns>
    public static string NetworkPrefix(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Hash16(network);
    }

    /// <summary>The comment prefix of an attachment's rules: <c>H(network)-H(ifName:containerId)</c>.</summary>
    /// <param name="network">The network name.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <param name="containerId">The container id.</param>
    /// <returns>33 characters.</returns>
    public static string InstancePrefix(string network, string ifName, string containerId)
    {
        ArgumentNullException.ThrowIfNull(ifName);
        ArgumentNullException.ThrowIfNull(containerId);
        return NetworkPrefix(network) + "-" + Hash16(ifName + ":" + containerId);
    }

    /// <summary>
    /// The comment of an attachment's rules: <c>&lt;prefix&gt;, net: &lt;network&gt;, if: &lt;ifName&gt;, id: &lt;containerId&gt;</c>,
    /// with <c>"</c> removed from the names and the whole cut to 128 characters.
    /// </summary>
    /// <param name="network">The network name.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <param name="containerId">The container id.</param>
    /// <returns>The comment.</returns>
    public static string Comment(string network, string ifName, string containerId)
    {
        string comment = $"{InstancePrefix(network, ifName, containerId)}, net: {Unquote(network)}, if: {Unquote(ifName)}, id: {Unquote(containerId)}";
        // Cut as the reference cuts (128 bytes), but never inside a UTF-8 sequence.
        while (Encoding.UTF8.GetByteCount(comment) > NftWire.CommentMaxLength)
        {
            comment = comment[..^1];
        }

        return comment;
    }

    /// <summary>
    /// Sets up an attachment's masquerading, in one transaction: ensures the table and chains, refills
    /// <see cref="PostroutingChain"/> unless it holds exactly its three rules already, deletes the attachment's earlier rules, and adds one rule per address.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="network">The network name.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="addresses">Every address of the attachment, with its prefix length (IPv4 and IPv6).</param>
    /// <exception cref="NetlinkException">The kernel refused the transaction (nothing was changed).</exception>
    public static void Setup(NftablesSocket nft, string network, string ifName, string containerId, IEnumerable<IPCidr> addresses)
    {
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentNullException.ThrowIfNull(addresses);
        string prefix = InstancePrefix(network, ifName, containerId);
        string comment = Comment(network, ifName, containerId);
        IPCidr[] all = [.. addresses];
        foreach (IPCidr address in all)
        {
            if (address.PrefixLength == 0)
            {
                throw new ArgumentException($"The address {address} has prefix length 0: everything is inside its subnet, so there is nothing to masquerade.", nameof(addresses));
            }
        }

        Retry(() =>
        {
            // One dump of the table: the attachment's earlier rules, and whether postrouting is as it should be.
            IReadOnlyList<NftRule> rules = nft.ListRules(NftFamily.Inet, Table);
            using NftTransaction tx = nft.Begin();
            AddTableAndChains(tx, refillPostrouting: !PostroutingIsIntact(rules));
            foreach (NftRule rule in rules.Where(r => r.Chain == Chain && r.Comment is { } c && c.StartsWith(prefix, StringComparison.Ordinal)))
            {
                tx.DeleteRule(NftFamily.Inet, Table, Chain, rule.Handle);
            }

            Span<byte> buffer = stackalloc byte[512];
            foreach (IPCidr address in all)
            {
                var e = new NftExpressionWriter(buffer);
                WriteRule(ref e, address);
                tx.AddRule(NftFamily.Inet, Table, Chain, e.WrittenSpan, comment);
            }

            tx.Commit();
        });
    }

    /// <summary>
    /// Removes an attachment's rules (by handle, found by the comment prefix); the table and chains stay.
    /// Nothing there (not even the table) is success.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="network">The network name.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <param name="containerId">The container id.</param>
    /// <returns>How many rules were deleted.</returns>
    /// <exception cref="NetlinkException">The kernel refused the deletion.</exception>
    public static int Teardown(NftablesSocket nft, string network, string ifName, string containerId)
    {
        ArgumentNullException.ThrowIfNull(nft);
        string prefix = InstancePrefix(network, ifName, containerId);
        return DeleteWhere(nft, rule => rule.Comment is { } c && c.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Removes a network's rules that belong to none of <paramref name="validAttachments"/> (the CNI GC
    /// command's <c>cni.dev/valid-attachments</c>): a rule is kept only when its comment is exactly the one a
    /// valid attachment's setup writes.
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="network">The network name.</param>
    /// <param name="validAttachments">The attachments to keep; empty removes every rule of the network.</param>
    /// <returns>How many rules were deleted.</returns>
    /// <exception cref="NetlinkException">The kernel refused the deletion.</exception>
    public static int GarbageCollect(NftablesSocket nft, string network, IEnumerable<Attachment> validAttachments)
    {
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentNullException.ThrowIfNull(validAttachments);
        string prefix = NetworkPrefix(network);
        var keep = new HashSet<string>(validAttachments.Select(a => Comment(network, a.IfName, a.ContainerId)), StringComparer.Ordinal);
        return DeleteWhere(nft, rule => rule.Comment is { } c && c.StartsWith(prefix, StringComparison.Ordinal) && !keep.Contains(c));
    }

    /// <summary>
    /// Checks that an attachment's masquerading is in place: the postrouting chain jumps to
    /// <see cref="Chain"/>, and each address has its rule (its comment, its source address, its subnet).
    /// </summary>
    /// <param name="nft">A socket in the node's namespace.</param>
    /// <param name="network">The network name.</param>
    /// <param name="ifName">The container interface name.</param>
    /// <param name="containerId">The container id.</param>
    /// <param name="addresses">The attachment's addresses.</param>
    /// <returns>Null when everything is there; otherwise what is missing, for the CHECK error.</returns>
    public static string? Verify(NftablesSocket nft, string network, string ifName, string containerId, IEnumerable<IPCidr> addresses)
    {
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentNullException.ThrowIfNull(addresses);
        string comment = Comment(network, ifName, containerId);
        IReadOnlyList<NftRule> rules = nft.ListRules(NftFamily.Inet, Table);
        var jump = new NftExpressionWriter(stackalloc byte[128]);
        jump.Verdict(NftVerdict.Goto, Chain);
        byte[] gotoChecks = jump.WrittenSpan.ToArray();
        if (!rules.Any(r => r.Chain == PostroutingChain && NftDecoder.SameExpressions(r.Expressions, gotoChecks)))
        {
            return $"the rule 'goto {Chain}' is missing from chain inet {Table} {PostroutingChain}";
        }

        foreach (IPCidr address in addresses)
        {
            if (!rules.Any(r => r.Chain == Chain && r.Comment == comment && Matches(r, address)))
            {
                string ip = address.IsIPv4 ? "ip" : "ip6";
                return $"the masquerade rule '{ip} saddr {address.Address} {ip} daddr != {address.Network} masquerade' with comment \"{comment}\" is missing from chain inet {Table} {Chain}";
            }
        }

        return null;
    }

    /// <summary>Writes one address's rule: <c>ip[6] saddr == A ip[6] daddr != subnet masquerade</c> (with nft's nfproto dependency).</summary>
    /// <param name="expressions">Where to write.</param>
    /// <param name="address">The address and its prefix length.</param>
    public static void WriteRule(ref NftExpressionWriter expressions, IPCidr address)
    {
        AddressFamily family = address.IsIPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        expressions.MatchNetworkProtocol(family);
        expressions.MatchAddress(source: true, address.Address);
        expressions.MatchPrefix(source: false, address.Address, address.PrefixLength, negate: true);
        expressions.Masquerade();
    }

    private static void AddTableAndChains(NftTransaction tx, bool refillPostrouting)
    {
        tx.AddTable(NftFamily.Inet, Table, TableComment);
        tx.AddChain(NftFamily.Inet, Table, Chain, ChainComment);
        tx.AddBaseChain(NftFamily.Inet, Table, PostroutingChain, new NftBaseChain(NftChainType.Nat, NftHook.Postrouting, Priority));
        if (!refillPostrouting)
        {
            return;
        }

        tx.FlushChain(NftFamily.Inet, Table, PostroutingChain);
        Span<byte> buffer = stackalloc byte[512];
        for (int i = 0; i < PostroutingRuleCount; i++)
        {
            var e = new NftExpressionWriter(buffer);
            WritePostroutingRule(ref e, i);
            tx.AddRule(NftFamily.Inet, Table, PostroutingChain, e.WrittenSpan);
        }
    }

    // The postrouting chain's rules, in order: ip daddr 224.0.0.0/4 return; ip6 daddr ff00::/8 return; goto masq_checks.
    private static void WritePostroutingRule(ref NftExpressionWriter e, int index)
    {
        switch (index)
        {
            case 0:
                e.MatchNetworkProtocol(AddressFamily.InterNetwork);
                e.MatchPrefix(source: false, IPAddress.Parse("224.0.0.0"), 4);
                e.Verdict(NftVerdict.Return);
                break;
            case 1:
                e.MatchNetworkProtocol(AddressFamily.InterNetworkV6);
                e.MatchPrefix(source: false, IPAddress.Parse("ff00::"), 8);
                e.Verdict(NftVerdict.Return);
                break;
            default:
                e.Verdict(NftVerdict.Goto, Chain);
                break;
        }
    }

    // Postrouting holds exactly its three rules, in order (comments aside, as the reference writes none): then a setup
    // leaves it alone, so its batch deletes nothing (a commit with deletions makes the socket's close wait for the
    // kernel's clean-up). Anything else is refilled, as the reference refills it on every setup.
    internal static bool PostroutingIsIntact(IReadOnlyList<NftRule> tableRules)
    {
        Span<byte> buffer = stackalloc byte[512];
        int i = 0;
        foreach (NftRule rule in tableRules)
        {
            if (rule.Chain != PostroutingChain)
            {
                continue;
            }

            if (i == PostroutingRuleCount)
            {
                return false;
            }

            var e = new NftExpressionWriter(buffer);
            WritePostroutingRule(ref e, i++);
            if (rule.Comment is not null || !NftDecoder.SameExpressions(rule.Expressions, e.WrittenSpan))
            {
                return false;
            }
        }

        return i == PostroutingRuleCount;
    }

    // Exactly the expressions Setup writes for this address.
    private static bool Matches(NftRule rule, IPCidr address)
    {
        var expected = new NftExpressionWriter(stackalloc byte[512]);
        WriteRule(ref expected, address);
        return NftDecoder.SameExpressions(rule.Expressions, expected.WrittenSpan);
    }

    private static int DeleteWhere(NftablesSocket nft, Func<NftRule, bool> predicate)
    {
        int deleted = 0;
        Retry(() =>
        {
            List<NftRule> rules = nft.ListRules(NftFamily.Inet, Table, Chain).Where(predicate).ToList();
            deleted = rules.Count;
            if (rules.Count == 0)
            {
                return;
            }

            using NftTransaction tx = nft.Begin();
            foreach (NftRule rule in rules)
            {
                tx.DeleteRule(NftFamily.Inet, Table, Chain, rule.Handle);
            }

            tx.Commit();
        });
        return deleted;
    }

    // A rule listed, then deleted by a concurrent teardown before our commit, fails the batch with ENOENT: list again.
    internal static void Retry(Action attempt)
    {
        for (int i = 1; ; i++)
        {
            try
            {
                attempt();
                return;
            }
            catch (NetlinkException e) when (e.ErrorCode == LibC.ENOENT && i < Attempts)
            {
            }
        }
    }

    internal static string Hash16(string text) => Sha512.HexPrefix(text, 16);

    private static string Unquote(string text) => text.Replace("\"", "", StringComparison.Ordinal);
}
