using Cni.Netlink.Nftables;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>
/// A masquerade setup leaves the postrouting base chain alone when it holds exactly its three rules (so the
/// batch deletes nothing), and refills it, as the reference does, when it holds anything else.
/// </summary>
public sealed class PostroutingReuseTests
{
    private const string Net = "mynet";

    private static ulong[] PostroutingHandles(NftablesSocket nft) =>
        [.. nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.PostroutingChain).Select(r => r.Handle)];

    private static void AssertIntact(NftablesSocket nft) =>
        Assert.True(MasqueradeRules.PostroutingIsIntact(nft.ListRules(NftFamily.Inet, MasqueradeRules.Table)), "postrouting does not hold exactly its three rules");

    [Fact]
    public void A_second_setup_leaves_the_postrouting_rules_and_their_handles_unchanged()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-reuse");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);

        MasqueradeRules.Setup(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]);
        ulong[] first = PostroutingHandles(nft);
        Assert.Equal(3, first.Length);
        AssertIntact(nft);

        MasqueradeRules.Setup(nft, Net, "eth0", "b", [IPCidr.Parse("10.88.0.3/16"), IPCidr.Parse("fd00:88::3/64")]);
        MasqueradeRules.Setup(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]); // the same attachment again
        Assert.Equal(first, PostroutingHandles(nft));
        AssertIntact(nft);
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]));
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "b", [IPCidr.Parse("10.88.0.3/16"), IPCidr.Parse("fd00:88::3/64")]));
        Assert.Equal(3, nft.ListRules(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain).Count);
    }

    [Theory]
    [InlineData("delete-goto")]
    [InlineData("extra-rule")]
    [InlineData("reordered")]
    [InlineData("commented")]
    [InlineData("emptied")]
    public void A_tampered_postrouting_chain_is_refilled(string tamper)
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-tamper");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        MasqueradeRules.Setup(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]);
        ulong[] first = PostroutingHandles(nft);
        string t = MasqueradeRules.Table, pr = MasqueradeRules.PostroutingChain;
        string nftPath = NftKernelTests.Nft();
        switch (tamper)
        {
            case "delete-goto":
                ns.Exec(nftPath, "delete", "rule", "inet", t, pr, "handle", first[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "extra-rule":
                ns.Exec(nftPath, "add", "rule", "inet", t, pr, "counter");
                break;
            case "reordered":
                ns.Exec(nftPath, "delete", "rule", "inet", t, pr, "handle", first[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
                ns.Exec(nftPath, "add", "rule", "inet", t, pr, "ip", "daddr", "224.0.0.0/4", "return");
                break;
            case "commented":
                ns.Exec(nftPath, "delete", "rule", "inet", t, pr, "handle", first[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
                ns.Exec(nftPath, "add", "rule", "inet", t, pr, "goto", MasqueradeRules.Chain, "comment", "\"someone's\"");
                break;
            default:
                ns.Exec(nftPath, "flush", "chain", "inet", t, pr);
                break;
        }

        Assert.False(MasqueradeRules.PostroutingIsIntact(nft.ListRules(NftFamily.Inet, t)), $"the tampering '{tamper}' left the chain intact");

        MasqueradeRules.Setup(nft, Net, "eth0", "b", [IPCidr.Parse("10.88.0.3/16")]);

        AssertIntact(nft);
        ulong[] refilled = PostroutingHandles(nft);
        Assert.Equal(3, refilled.Length);
        Assert.Empty(refilled.Intersect(first));
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "a", [IPCidr.Parse("10.88.0.2/16")]));
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", "b", [IPCidr.Parse("10.88.0.3/16")]));
    }
}
