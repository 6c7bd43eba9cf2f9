using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cni.Netlink.Nftables;
using Cni.Tests;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>
/// nf_tables against the real kernel, as root, in namespaces each test creates and removes; read back with
/// our dump and with <c>nft -j list ruleset</c>.
/// </summary>
public sealed class NftKernelTests
{
    internal static JsonElement NftJson(TestNamespace ns) =>
        JsonDocument.Parse(ns.Exec(Nft(), "-j", "list", "ruleset")).RootElement.GetProperty("nftables");

    internal static string Nft()
    {
        foreach (string path in new[] { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" })
        {
            if (File.Exists(path))
            {
                return path;
            }
        }

        Requires.Unavailable("the nft command is missing (apt-get install nftables)");
        return "nft";
    }

    [Fact]
    public void Table_chains_and_rule_are_created_in_one_transaction_and_read_back()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-basic");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);

        using (NftTransaction tx = nft.Begin())
        {
            tx.AddTable(NftFamily.Inet, "t1", "table comment");
            tx.AddChain(NftFamily.Inet, "t1", "regular", "chain comment");
            tx.AddBaseChain(NftFamily.Inet, "t1", "post", new NftBaseChain(NftChainType.Nat, NftHook.Postrouting, 100));
            var e = new NftExpressionWriter(stackalloc byte[512]);
            e.MatchNetworkProtocol(AddressFamily.InterNetwork);
            e.MatchAddress(source: true, IPAddress.Parse("10.1.2.3"));
            e.MatchPrefix(source: false, IPAddress.Parse("10.1.0.0"), 20, negate: true);
            e.Masquerade();
            tx.AddRule(NftFamily.Inet, "t1", "regular", e.WrittenSpan, "rule comment");
            var g = new NftExpressionWriter(stackalloc byte[128]);
            g.Verdict(NftVerdict.Goto, "regular");
            tx.AddRule(NftFamily.Inet, "t1", "post", g.WrittenSpan);
            Assert.Equal(5, tx.Count);
            tx.Commit();
        }

        NftTable table = Assert.Single(nft.ListTables(NftFamily.Inet));
        Assert.Equal("t1", table.Name);
        Assert.Equal("table comment", table.Comment);

        IReadOnlyList<NftChain> chains = nft.ListChains(NftFamily.Inet, "t1");
        NftChain regular = Assert.Single(chains, c => c.Name == "regular");
        Assert.Null(regular.BaseChain);
        Assert.Equal("chain comment", regular.Comment);
        NftChain post = Assert.Single(chains, c => c.Name == "post");
        Assert.Equal(new NftBaseChain("nat", NftHook.Postrouting, 100, NftVerdict.Accept), post.BaseChain);

        Assert.Equal(post, nft.GetChain(NftFamily.Inet, "t1", "post"));
        Assert.Null(nft.GetChain(NftFamily.Inet, "t1", "absent"));
        Assert.Null(nft.GetChain(NftFamily.Inet, "absent", "post"));

        NftRule rule = Assert.Single(nft.ListRules(NftFamily.Inet, "t1", "regular"));
        Assert.Equal("rule comment", rule.Comment);
        Assert.True(rule.Handle > 0);
        Assert.Equal(["meta", "cmp", "payload", "cmp", "payload", "bitwise", "cmp", "masq"], rule.Expressions.Select(x => x.Name));
        Assert.Equal(NftMetaKey.NetfilterProtocol, rule.Expressions[0].MetaKey);
        Assert.Equal(new byte[] { 2 }, rule.Expressions[1].Data.ToArray());
        Assert.Equal((NftPayloadBase.Network, 12u, 4u), (rule.Expressions[2].PayloadBase!.Value, rule.Expressions[2].PayloadOffset!.Value, rule.Expressions[2].Length!.Value));
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, rule.Expressions[3].Data.ToArray());
        Assert.Equal(new byte[] { 0xff, 0xff, 0xf0, 0 }, rule.Expressions[5].Mask.ToArray());
        Assert.Equal(NftCmpOperator.NotEqual, rule.Expressions[6].CmpOperator);

        NftRule jump = Assert.Single(nft.ListRules(NftFamily.Inet, "t1", "post"));
        Assert.Equal(NftVerdict.Goto, jump.Expressions[0].Verdict);
        Assert.Equal("regular", jump.Expressions[0].VerdictChain);
        Assert.Equal(2, nft.ListRules(NftFamily.Inet, "t1").Count);

        // nft's own view of the same objects.
        JsonElement ruleset = NftJson(ns);
        JsonElement nftRule = ruleset.EnumerateArray().Single(o => o.TryGetProperty("rule", out JsonElement r) && r.GetProperty("chain").GetString() == "regular").GetProperty("rule");
        Assert.Equal("rule comment", nftRule.GetProperty("comment").GetString());
        Assert.Equal((long)rule.Handle, nftRule.GetProperty("handle").GetInt64());
        string exprs = nftRule.GetProperty("expr").GetRawText();
        Assert.Contains("\"saddr\"", exprs, StringComparison.Ordinal);
        Assert.Contains("\"10.1.2.3\"", exprs, StringComparison.Ordinal);
        Assert.Contains("\"masquerade\"", exprs, StringComparison.Ordinal);
        Assert.Contains("\"len\":20", exprs.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
