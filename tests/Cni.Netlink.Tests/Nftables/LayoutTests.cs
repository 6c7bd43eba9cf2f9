using System.Net.NetworkInformation;
using System.Text.Json;
using Cni.Netlink.Nftables;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>The reference's ipMasq and macspoofchk layouts: set up, verified, torn down, in fresh namespaces, read back with our dump and <c>nft -j</c>.</summary>
public sealed class LayoutTests
{
    private const string Net = "mynet";
    private const string Cid = "0123456789abcdef0123456789abcdef";

    private static IEnumerable<JsonElement> Rules(JsonElement ruleset, string family, string table, string chain) =>
        ruleset.EnumerateArray()
            .Where(o => o.TryGetProperty("rule", out JsonElement r) && r.GetProperty("family").GetString() == family && r.GetProperty("table").GetString() == table && r.GetProperty("chain").GetString() == chain)
            .Select(o => o.GetProperty("rule"));

    [Fact]
    public void Masquerade_setup_keeps_every_address_of_a_dual_stack_attachment_and_teardown_is_idempotent()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-masq");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        IPCidr[] addresses = [IPCidr.Parse("10.88.0.5/16"), IPCidr.Parse("fd00:88::5/64")];

        MasqueradeRules.Setup(nft, Net, "eth0", Cid, addresses);
        MasqueradeRules.Setup(nft, Net, "eth0", Cid, addresses); // again: replaces, does not duplicate
        MasqueradeRules.Setup(nft, Net, "eth0", "other", [IPCidr.Parse("10.88.0.6/16")]);

        string comment = MasqueradeRules.Comment(Net, "eth0", Cid);
        IReadOnlyList<NftRule> mine = [.. nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain).Where(r => r.Comment == comment)];
        Assert.Equal(2, mine.Count);
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", Cid, addresses));
        string? wrongSubnet = MasqueradeRules.Verify(nft, Net, "eth0", Cid, [IPCidr.Parse("10.88.0.5/24")]);
        Assert.NotNull(wrongSubnet);
        Assert.Contains("ip daddr != 10.88.0.0/24", wrongSubnet, StringComparison.Ordinal);
        Assert.NotNull(MasqueradeRules.Verify(nft, Net, "eth1", Cid, addresses)); // another interface's comment
        Assert.Equal(3, nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.PostroutingChain).Count);

        JsonElement ruleset = NftKernelTests.NftJson(ns);
        JsonElement[] nftMine = [.. Rules(ruleset, "inet", MasqueradeRules.Table, MasqueradeRules.Chain).Where(r => r.GetProperty("comment").GetString() == comment)];
        Assert.Equal(2, nftMine.Length);
        Assert.Contains("\"10.88.0.5\"", nftMine[0].GetProperty("expr").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"fd00:88::5\"", nftMine[1].GetProperty("expr").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(3, Rules(ruleset, "inet", MasqueradeRules.Table, MasqueradeRules.PostroutingChain).Count());

        Assert.Equal(2, MasqueradeRules.Teardown(nft, Net, "eth0", Cid));
        Assert.Equal(0, MasqueradeRules.Teardown(nft, Net, "eth0", Cid));
        string? missing = MasqueradeRules.Verify(nft, Net, "eth0", Cid, addresses);
        Assert.NotNull(missing);
        Assert.Contains("10.88.0.5", missing, StringComparison.Ordinal);
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "other", [IPCidr.Parse("10.88.0.6/16")]));
        Assert.Single(nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain));
    }

    [Fact]
    public void Twenty_concurrent_setups_each_keep_their_rules_and_concurrent_teardowns_leave_none()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-conc");
        using var handle = NetworkNamespace.Open(ns.Path);
        IPCidr Address(int i) => IPCidr.Parse($"10.88.0.{i + 10}/16");

        Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
        {
            using var nft = NftablesSocket.OpenIn(handle);
            MasqueradeRules.Setup(nft, Net, "eth0", "c" + i, [Address(i)]);
        });

        using (var nft = NftablesSocket.OpenIn(handle))
        {
            Assert.Equal(20, nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain).Count);
            Assert.Equal(3, nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.PostroutingChain).Count);
            for (int i = 0; i < 20; i++)
            {
                Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "c" + i, [Address(i)]));
            }
        }

        Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
        {
            using var nft = NftablesSocket.OpenIn(handle);
            Assert.Equal(1, MasqueradeRules.Teardown(nft, Net, "eth0", "c" + i));
        });

        using (var nft = NftablesSocket.OpenIn(handle))
        {
            Assert.Empty(nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain));
        }
    }

    [Fact]
    public void Masquerade_teardown_with_nothing_there_succeeds()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-masq0");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        Assert.Equal(0, MasqueradeRules.Teardown(nft, Net, "eth0", Cid));
        Assert.Equal(0, MasqueradeRules.GarbageCollect(nft, Net, []));
        Assert.False(MacSpoofCheckRules.Teardown(nft, Cid, "eth0"));
        Assert.NotNull(MasqueradeRules.Verify(nft, Net, "eth0", Cid, [IPCidr.Parse("10.88.0.5/16")]));
    }

    [Fact]
    public void Masquerade_gc_keeps_only_the_valid_attachments_of_its_network()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-gc");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        MasqueradeRules.Setup(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]);
        MasqueradeRules.Setup(nft, Net, "eth0", "b", [IPCidr.Parse("10.88.0.3/16"), IPCidr.Parse("fd00:88::3/64")]);
        MasqueradeRules.Setup(nft, Net, "net1", "b", [IPCidr.Parse("10.88.0.4/16")]);
        MasqueradeRules.Setup(nft, "othernet", "eth0", "c", [IPCidr.Parse("10.99.0.2/16")]);

        Assert.Equal(2, MasqueradeRules.GarbageCollect(nft, Net, [new Attachment("a", "eth0"), new Attachment("b", "net1")]));
        string[] left = [.. nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain).Select(r => r.Comment!).Order(StringComparer.Ordinal)];
        Assert.Equal(
            new[] { MasqueradeRules.Comment(Net, "eth0", "a"), MasqueradeRules.Comment(Net, "net1", "b"), MasqueradeRules.Comment("othernet", "eth0", "c") }.Order(StringComparer.Ordinal),
            left);
    }

    [Fact]
    public void Masquerade_comment_is_the_references_hashed_prefix_and_description()
    {
        // H = the first 16 hex digits of SHA-512, computed here with sha512sum as an independent oracle.
        string hNet = Processes.Output("sh", "-c", "printf %s mynet | sha512sum").Substring(0, 16);
        string hInstance = Processes.Output("sh", "-c", $"printf %s eth0:{Cid} | sha512sum").Substring(0, 16);
        Assert.Equal($"{hNet}-{hInstance}, net: mynet, if: eth0, id: {Cid}", MasqueradeRules.Comment(Net, "eth0", Cid));
        Assert.Equal($"{hNet}-{hInstance}", MasqueradeRules.InstancePrefix(Net, "eth0", Cid));

        string quoted = MasqueradeRules.Comment("my\"net", "eth0", new string('x', 200));
        Assert.Equal(128, quoted.Length);
        Assert.DoesNotContain('"', quoted);
        Assert.Contains(", net: mynet, if: eth0, id: xxx", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void Spoof_check_setup_verify_and_teardown()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-spoof");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        var mac = PhysicalAddress.Parse("0a:58:0a:58:00:05");

        MacSpoofCheckRules.Setup(nft, "veth1234abcd", mac, Cid, "eth0");
        MacSpoofCheckRules.Setup(nft, "veth9999", PhysicalAddress.Parse("0a:58:0a:58:00:06"), "other", "eth0");
        Assert.Null(MacSpoofCheckRules.Verify(nft, "veth1234abcd", mac, Cid, "eth0"));
        string? wrongMac = MacSpoofCheckRules.Verify(nft, "veth1234abcd", PhysicalAddress.Parse("0a:58:0a:58:00:07"), Cid, "eth0");
        Assert.NotNull(wrongMac);
        Assert.Contains("0a:58:0a:58:00:07", wrongMac, StringComparison.Ordinal);

        string comment = MacSpoofCheckRules.Comment(Cid, "eth0");
        JsonElement ruleset = NftKernelTests.NftJson(ns);
        JsonElement pre = Assert.Single(Rules(ruleset, "bridge", "nat", "PREROUTING"), r => r.GetProperty("comment").GetString() == comment);
        string preText = pre.GetProperty("expr").GetRawText();
        Assert.Contains("\"iifname\"", preText, StringComparison.Ordinal);
        Assert.Contains("\"veth1234abcd\"", preText, StringComparison.Ordinal);
        Assert.Contains($"\"target\": \"cni-br-iface-{Cid}-eth0\"", preText, StringComparison.Ordinal);
        JsonElement[] macRules = [.. Rules(ruleset, "bridge", "nat", $"cni-br-iface-{Cid}-eth0-mac")];
        Assert.Equal(2, macRules.Length);
        Assert.Contains("\"0a:58:0a:58:00:05\"", macRules[0].GetProperty("expr").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"return\"", macRules[0].GetProperty("expr").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"drop\"", macRules[1].GetProperty("expr").GetRawText(), StringComparison.Ordinal);
        JsonElement chain = ruleset.EnumerateArray().Select(o => o.TryGetProperty("chain", out JsonElement c) ? c : default)
            .Single(c => c.ValueKind == JsonValueKind.Object && c.GetProperty("family").GetString() == "bridge" && c.GetProperty("name").GetString() == "PREROUTING");
        Assert.Equal("filter", chain.GetProperty("type").GetString());
        Assert.Equal("prerouting", chain.GetProperty("hook").GetString());
        Assert.Equal(-300, chain.GetProperty("prio").GetInt32());
        Assert.Equal("accept", chain.GetProperty("policy").GetString());

        Assert.True(MacSpoofCheckRules.Teardown(nft, Cid, "eth0"));
        Assert.False(MacSpoofCheckRules.Teardown(nft, Cid, "eth0"));
        Assert.NotNull(MacSpoofCheckRules.Verify(nft, "veth1234abcd", mac, Cid, "eth0"));
        Assert.Null(MacSpoofCheckRules.Verify(nft, "veth9999", PhysicalAddress.Parse("0a:58:0a:58:00:06"), "other", "eth0"));
        string[] chains = [.. nft.ListChains(NftFamily.Bridge, "nat").Select(c => c.Name).Order(StringComparer.Ordinal)];
        Assert.Equal(["PREROUTING", "cni-br-iface-other-eth0", "cni-br-iface-other-eth0-mac"], chains);
        Assert.Single(nft.ListRules(NftFamily.Bridge, "nat", "PREROUTING"));
    }
}
