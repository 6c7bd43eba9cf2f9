using System.Net;
using System.Net.Sockets;
using Cni.Netlink.Nftables;
using Cni.Netlink.Protocol;
using Cni.Tests;
using Tmds.Linux;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>Batches are atomic, their errors name the failing operation, and no answer is left on the socket.</summary>
public sealed class NftTransactionTests
{
    [Fact]
    public void A_batch_whose_last_operation_fails_changes_nothing_and_names_the_failing_operation()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-atomic");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);

        NetlinkException error;
        using (NftTransaction tx = nft.Begin())
        {
            tx.AddTable(NftFamily.Inet, "t1");
            tx.AddBaseChain(NftFamily.Inet, "t1", "c1", new NftBaseChain(NftChainType.Filter, NftHook.Input, 0));
            var e = new NftExpressionWriter(stackalloc byte[256]);
            e.Verdict(NftVerdict.Accept);
            tx.AddRule(NftFamily.Inet, "t1", "c1", e.WrittenSpan, "kept only if all succeed");

            // masquerade is only valid in nat chains: the kernel refuses it in this filter chain.
            var m = new NftExpressionWriter(stackalloc byte[256]);
            m.Masquerade();
            tx.AddRule(NftFamily.Inet, "t1", "c1", m.WrittenSpan);
            error = Assert.Throws<NetlinkException>(tx.Commit);
        }

        Assert.Equal(LibC.EOPNOTSUPP, error.ErrorCode);
        Assert.StartsWith("NEWRULE in inet t1 c1 (operation 4 of 4)", error.Message, StringComparison.Ordinal);
        Assert.Equal(NftMessageTypes.ToNetlinkType(NftMessageType.NewRule), error.RequestType);
        if (error.KernelMessage is { } kernelMessage)
        {
            Assert.EndsWith(": " + kernelMessage, error.Message, StringComparison.Ordinal);
        }
        Assert.Empty(nft.ListTables());
        Assert.DoesNotContain("t1", ns.Exec(NftKernelTests.Nft(), "list", "ruleset"), StringComparison.Ordinal);

        // Nothing stale on the socket: the next batch and dump get their own answers.
        using (NftTransaction tx = nft.Begin())
        {
            tx.AddTable(NftFamily.Inet, "t2");
            tx.Commit();
        }

        Assert.Equal("t2", Assert.Single(nft.ListTables()).Name);
    }

    [Fact]
    public void Errors_name_the_first_failure_and_count_the_later_ones_and_deleting_what_is_missing_is_enoent()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-errors");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);

        using (NftTransaction tx = nft.Begin())
        {
            tx.AddTable(NftFamily.IPv4, "t");
            tx.DeleteRule(NftFamily.IPv4, "t", "nochain", 42);
            tx.DeleteChain(NftFamily.IPv4, "t", "nochain");
            NetlinkException e = Assert.Throws<NetlinkException>(tx.Commit);
            Assert.Equal(LibC.ENOENT, e.ErrorCode);
            Assert.True(e.IsNotFound);
            Assert.StartsWith("DELRULE handle 42 in ip t nochain (operation 2 of 3; 1 later operation failed too)", e.Message, StringComparison.Ordinal);
            Assert.Equal(NftMessageTypes.ToNetlinkType(NftMessageType.DelRule), e.RequestType);
        }

        Assert.Empty(nft.ListTables());
        Assert.Empty(nft.ListRules(NftFamily.IPv4, "t"));

        // A failure early, then operations that would succeed: the last one's answer still ends the reading.
        using (NftTransaction tx = nft.Begin())
        {
            tx.DeleteTable(NftFamily.IPv4, "absent");
            tx.AddTable(NftFamily.IPv4, "t");
            tx.AddChain(NftFamily.IPv4, "t", "c");
            NetlinkException e = Assert.Throws<NetlinkException>(tx.Commit);
            Assert.StartsWith("DELTABLE ip absent (operation 1 of 3)", e.Message, StringComparison.Ordinal);
            Assert.Equal(NftMessageTypes.ToNetlinkType(NftMessageType.DelTable), e.RequestType);
        }

        Assert.Empty(nft.ListTables());

        using (NftTransaction tx = nft.Begin())
        {
            tx.DestroyTable(NftFamily.IPv4, "absent"); // DESTROY: no ENOENT (kernel 6.3+)
            tx.Commit();
        }

        Assert.Throws<InvalidOperationException>(() => nft.Begin().Commit2());
    }

    [Fact]
    public void A_large_batch_of_rules_is_answered_in_full()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-large");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        using (NftTransaction tx = nft.Begin())
        {
            tx.AddTable(NftFamily.Inet, "t");
            tx.AddChain(NftFamily.Inet, "t", "c");
            Span<byte> buffer = stackalloc byte[512];
            for (int i = 0; i < 500; i++)
            {
                var e = new NftExpressionWriter(buffer);
                e.MatchNetworkProtocol(AddressFamily.InterNetwork);
                e.MatchAddress(source: true, new IPAddress([10, 0, (byte)(i / 256), (byte)i]));
                e.Counter();
                e.Verdict(NftVerdict.Accept);
                tx.AddRule(NftFamily.Inet, "t", "c", e.WrittenSpan, "rule " + i);
            }

            tx.Commit();
        }

        IReadOnlyList<NftRule> rules = nft.ListRules(NftFamily.Inet, "t", "c");
        Assert.Equal(500, rules.Count);
        Assert.Equal("rule 499", rules[^1].Comment);
        Assert.Equal(new byte[] { 10, 0, 1, 243 }, rules[^1].Expressions[3].Data.ToArray());
    }
}

internal static class TransactionTestExtensions
{
    // Commits twice: the second must be refused (a transaction is committed once).
    public static void Commit2(this NftTransaction tx)
    {
        tx.Commit();
        tx.Commit();
    }
}
