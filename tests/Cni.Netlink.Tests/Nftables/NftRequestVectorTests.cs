using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Cni.Netlink.Nftables;
using Cni.Netlink.Protocol;
using Cni.Spec;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>
/// Our nf_tables batches, byte for byte, against what nft sent for the same rule set.
/// </summary>
/// <remarks>
/// Captured with Debian's nftables 1.0.6 (kernel 6.18) in a scratch namespace:
/// <c>ip netns exec scratch strace -e trace=sendmsg -e write=3 nft -f file.nft</c>, the hex dump of the batch
/// datagram split into its messages. The file's text is written above each vector. nft numbers BEGIN 0 and the
/// operations from 1, as <see cref="NftTransaction.ToBatchBytes"/> does. The one deliberate difference: we add
/// <c>NLM_F_ACK</c> to the last operation (its answer, queued after any error, tells that every answer is in);
/// <see cref="WithAck"/> sets that bit in the captured last operation, and nothing else is changed.
/// </remarks>
public sealed class NftRequestVectorTests
{
    // add table inet cni_plugins_masquerade { comment "Masquerading for plugins from github.com/containernetworking/plugins" ; }
    // add chain inet cni_plugins_masquerade masq_checks { comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet"; }
    // add chain inet cni_plugins_masquerade postrouting { type nat hook postrouting priority 100 ; }
    // add rule inet cni_plugins_masquerade postrouting ip daddr 224.0.0.0/4 return
    // add rule inet cni_plugins_masquerade postrouting ip6 daddr ff00::/8 return
    // add rule inet cni_plugins_masquerade postrouting goto masq_checks
    // add rule inet cni_plugins_masquerade masq_checks ip saddr 10.1.2.3 ip daddr != 10.1.2.0/24 masquerade comment "abc"
    // add rule inet cni_plugins_masquerade masq_checks ip saddr 10.1.2.3 ip daddr != 10.1.0.0/20 masquerade
    // add rule inet cni_plugins_masquerade masq_checks ip6 saddr fd00::5 ip6 daddr != fd00::/64 masquerade
    private const string MasqueradeBatch =
        "140000001000010000000000000000000000000a" +
        "84000000000a01000100000000000000010000001b000100636e695f706c7567696e735f6d617371756572616465000008000200000000004b00060000454d6173717565726164696e6720666f7220706c7567696e732066726f6d206769746875622e636f6d2f636f6e7461696e65726e6574776f726b696e672f706c7567696e730000" +
        "9c000000030a01040200000000000000010000001b000100636e695f706c7567696e735f6d6173717565726164650000100003006d6173715f636865636b730059000c0000534d61737175657261646520747261666669632066726f6d206365727461696e2049507320746f20616e7920286e6f6e2d6d756c74696361737429204950206f757473696465207468656972207375626e657400000000" +
        "5c000000030a01040300000000000000010000001b000100636e695f706c7567696e735f6d617371756572616465000010000300706f7374726f7574696e6700080007006e6174001400048008000100000000040800020000000064" +
        "68010000060a010c0400000000000000010000001b000100636e695f706c7567696e735f6d617371756572616465000010000200706f7374726f7574696e67002801048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c0003800500010002000000340001800c0001007061796c6f616400240002800800010000000001080002000000000108000300000000100800040000000004440001800c0001006269747769736500340002800800010000000001080002000000000108000300000000040c00048008000100f00000000c00058008000100000000002c00018008000100636d700020000280080001000000000108000200000000000c00038008000100e0000000300001800e000100696d6d6564696174650000001c0002800800010000000000100002800c00028008000100fffffffb" +
        "24010000060a010c0500000000000000010000001b000100636e695f706c7567696e735f6d617371756572616465000010000200706f7374726f7574696e6700e400048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c000380050001000a000000340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000001808000400000000012c00018008000100636d700020000280080001000000000108000200000000000c00038005000100ff000000300001800e000100696d6d6564696174650000001c0002800800010000000000100002800c00028008000100fffffffb" +
        "84000000060a010c0600000000000000010000001b000100636e695f706c7567696e735f6d617371756572616465000010000200706f7374726f7574696e670044000480400001800e000100696d6d6564696174650000002c0002800800010000000000200002801c00028008000100fffffffc100002006d6173715f636865636b7300" +
        "74010000060a010c0700000000000000010000001b000100636e695f706c7567696e735f6d6173717565726164650000100002006d6173715f636865636b73002801048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c0003800500010002000000340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000000c08000400000000042c00018008000100636d700020000280080001000000000108000200000000000c000380080001000a010203340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000001008000400000000032c00018008000100636d700020000280080001000000000108000200000000010c000380070001000a01020014000180090001006d61737100000000040002800a0007000004616263000000" +
        "ac010000060a010c0800000000000000010000001b000100636e695f706c7567696e735f6d6173717565726164650000100002006d6173715f636865636b73006c01048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c0003800500010002000000340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000000c08000400000000042c00018008000100636d700020000280080001000000000108000200000000000c000380080001000a010203340001800c0001007061796c6f616400240002800800010000000001080002000000000108000300000000100800040000000004440001800c0001006269747769736500340002800800010000000001080002000000000108000300000000040c00048008000100fffff0000c00058008000100000000002c00018008000100636d700020000280080001000000000108000200000000010c000380080001000a01000014000180090001006d6173710000000004000280" +
        "78010000060a010c0900000000000000010000001b000100636e695f706c7567696e735f6d6173717565726164650000100002006d6173715f636865636b73003801048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c000380050001000a000000340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000000808000400000000103800018008000100636d70002c000280080001000000000108000200000000001800038014000100fd000000000000000000000000000005340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000001808000400000000083000018008000100636d70002400028008000100000000010800020000000001100003800c000100fd0000000000000014000180090001006d6173710000000004000280" +
        "14000000110001000a000000000000000000000a";

    // add table bridge nat
    // add chain bridge nat PREROUTING { type filter hook prerouting priority -300 ; policy accept ; }
    // add chain bridge nat cni-br-iface-cid1-eth0
    // add chain bridge nat cni-br-iface-cid1-eth0-mac
    // add rule bridge nat PREROUTING iifname "veth1234" jump cni-br-iface-cid1-eth0 comment "macspoofchk-cid1-eth0"
    // add rule bridge nat cni-br-iface-cid1-eth0 jump cni-br-iface-cid1-eth0-mac comment "macspoofchk-cid1-eth0"
    // add rule bridge nat cni-br-iface-cid1-eth0-mac ether saddr 0a:58:0a:01:02:03 return comment "macspoofchk-cid1-eth0"
    // add rule bridge nat cni-br-iface-cid1-eth0-mac drop comment "macspoofchk-cid1-eth0"
    private const string SpoofCheckBatch =
        "140000001000010000000000000000000000000a" +
        "24000000000a0100010000000000000007000000080001006e6174000800020000000000" +
        "54000000030a0104020000000000000007000000080001006e6174000f000300505245524f5554494e4700000b00070066696c7465720000080005000000000114000480080001000000000008000200fffffed4" +
        "38000000030a0104030000000000000007000000080001006e6174001b000300636e692d62722d69666163652d636964312d657468300000" +
        "3c000000030a0104040000000000000007000000080001006e6174001f000300636e692d62722d69666163652d636964312d657468302d6d61630000" +
        "f4000000060a010c050000000000000007000000080001006e6174000f000200505245524f5554494e470000ac00048024000180090001006d6574610000000014000280080002000000000608000100000000013800018008000100636d70002c000280080001000000000108000200000000001800038014000100766574683132333400000000000000004c0001800e000100696d6d6564696174650000003800028008000100000000002c0002802800028008000100fffffffd1b000200636e692d62722d69666163652d636964312d6574683000001c00070000166d616373706f6f6663686b2d636964312d6574683000" +
        "a8000000060a010c060000000000000007000000080001006e6174001b000200636e692d62722d69666163652d636964312d65746830000054000480500001800e000100696d6d6564696174650000003c0002800800010000000000300002802c00028008000100fffffffd1f000200636e692d62722d69666163652d636964312d657468302d6d616300001c00070000166d616373706f6f6663686b2d636964312d6574683000" +
        "f0000000060a010c070000000000000007000000080001006e6174001f000200636e692d62722d69666163652d636964312d657468302d6d6163000098000480340001800c0001007061796c6f6164002400028008000100000000010800020000000000080003000000000608000400000000063000018008000100636d70002400028008000100000000010800020000000000100003800a0001000a580a0102030000300001800e000100696d6d6564696174650000001c0002800800010000000000100002800c00028008000100fffffffb1c00070000166d616373706f6f6663686b2d636964312d6574683000" +
        "8c000000060a010c080000000000000007000000080001006e6174001f000200636e692d62722d69666163652d636964312d657468302d6d6163000034000480300001800e000100696d6d6564696174650000001c0002800800010000000000100002800c00028008000100000000001c00070000166d616373706f6f6663686b2d636964312d6574683000" +
        "140000001100010009000000000000000000000a";

    // add table inet t
    // add chain inet t c { comment "abc"; }
    // add rule inet t c counter
    // add rule inet t c ip6 daddr != fd00::/60 masquerade
    // add rule inet t c oifname "eth0" accept
    private const string MiscBatch =
        "140000001000010000000000000000000000000a" +
        "24000000000a010001000000000000000100000006000100740000000800020000000000" +
        "30000000030a0104020000000000000001000000060001007400000006000300630000000a000c000004616263000000" +
        "3c000000060a010c0300000000000000010000000600010074000000060002006300000018000480140001800c000100636f756e7465720004000280" +
        "54010000060a010c040000000000000001000000060001007400000006000200630000003001048024000180090001006d6574610000000014000280080002000000000f08000100000000012c00018008000100636d700020000280080001000000000108000200000000000c000380050001000a000000340001800c0001007061796c6f6164002400028008000100000000010800020000000001080003000000001808000400000000105c0001800c00010062697477697365004c0002800800010000000001080002000000000108000300000000101800048014000100fffffffffffffff000000000000000001800058014000100000000000000000000000000000000003800018008000100636d70002c000280080001000000000108000200000000011800038014000100fd00000000000000000000000000000014000180090001006d6173710000000004000280" +
        "b4000000060a010c050000000000000001000000060001007400000006000200630000009000048024000180090001006d6574610000000014000280080002000000000708000100000000013800018008000100636d70002c00028008000100000000010800020000000000180003801400010065746830000000000000000000000000300001800e000100696d6d6564696174650000001c0002800800010000000000100002800c0002800800010000000001" +
        "140000001100010006000000000000000000000a";

    // (after MiscBatch)
    // delete rule inet t c handle 3
    // flush chain inet t c
    // delete chain inet t c
    // delete table inet t
    private const string DeleteBatch =
        "140000001000010000000000000000000000000a" +
        "30000000080a0100010000000000000001000000060001007400000006000200630000000c0003000000000000000003" +
        "24000000080a010002000000000000000100000006000100740000000600020063000000" +
        "24000000050a010003000000000000000100000006000100740000000600030063000000" +
        "1c000000020a01000400000000000000010000000600010074000000" +
        "140000001100010005000000000000000000000a";

    private static string[] Messages(ReadOnlySpan<byte> batch)
    {
        var messages = new List<string>();
        foreach (NetlinkMessage message in new NetlinkMessageReader(batch))
        {
            messages.Add(Convert.ToHexStringLower(message.Bytes));
        }

        return [.. messages];
    }

    private static string[] WithAck(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        int offset = 0, last = -1;
        while (offset < bytes.Length)
        {
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 4));
            if (type != (ushort)NfnetlinkMessageType.BatchBegin && type != (ushort)NfnetlinkMessageType.BatchEnd)
            {
                last = offset;
            }

            offset += NetlinkWriter.Align((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)));
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(last + 6));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(last + 6), (ushort)(flags | (ushort)NetlinkFlags.Ack));
        return Messages(bytes);
    }

    private static void AddRule(NftTransaction tx, NftFamily family, string table, string chain, string? comment, Action<Writer> build)
    {
        var writer = new Writer();
        build(writer);
        tx.AddRule(family, table, chain, writer.Bytes, comment);
    }

    [Fact]
    public void Masquerade_layout_table_chains_and_rules_v4_slash_24_slash_20_and_v6()
    {
        using var nft = NftablesSocket.Open(); // nothing is committed: the socket only numbers the batch
        using NftTransaction tx = nft.Begin();
        tx.AddTable(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.TableComment);
        tx.AddChain(NftFamily.Inet, MasqueradeRules.Table, MasqueradeRules.Chain, MasqueradeRules.ChainComment);
        tx.AddBaseChain(NftFamily.Inet, MasqueradeRules.Table, "postrouting", new NftBaseChain(NftChainType.Nat, NftHook.Postrouting, 100));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "postrouting", null, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchNetworkProtocol(AddressFamily.InterNetwork);
            e.MatchPrefix(source: false, IPAddress.Parse("224.0.0.0"), 4);
            e.Verdict(NftVerdict.Return);
        }));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "postrouting", null, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchNetworkProtocol(AddressFamily.InterNetworkV6);
            e.MatchPrefix(source: false, IPAddress.Parse("ff00::"), 8);
            e.Verdict(NftVerdict.Return);
        }));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "postrouting", null, w => w.Run((ref NftExpressionWriter e) => e.Verdict(NftVerdict.Goto, "masq_checks")));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "masq_checks", "abc", w => w.Run((ref NftExpressionWriter e) => MasqueradeRules.WriteRule(ref e, IPCidr.Parse("10.1.2.3/24"))));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "masq_checks", null, w => w.Run((ref NftExpressionWriter e) => MasqueradeRules.WriteRule(ref e, IPCidr.Parse("10.1.2.3/20"))));
        AddRule(tx, NftFamily.Inet, MasqueradeRules.Table, "masq_checks", null, w => w.Run((ref NftExpressionWriter e) => MasqueradeRules.WriteRule(ref e, IPCidr.Parse("fd00::5/64"))));

        Assert.Equal(WithAck(MasqueradeBatch), Messages(tx.ToBatchBytes()));
    }

    [Fact]
    public void Spoof_check_layout_bridge_table_base_chain_with_policy_iifname_jump_ether_saddr_and_drop()
    {
        const string comment = "macspoofchk-cid1-eth0";
        using var nft = NftablesSocket.Open();
        using NftTransaction tx = nft.Begin();
        tx.AddTable(NftFamily.Bridge, "nat");
        tx.AddBaseChain(NftFamily.Bridge, "nat", "PREROUTING", new NftBaseChain(NftChainType.Filter, NftHook.Prerouting, -300, NftVerdict.Accept));
        tx.AddChain(NftFamily.Bridge, "nat", "cni-br-iface-cid1-eth0");
        tx.AddChain(NftFamily.Bridge, "nat", "cni-br-iface-cid1-eth0-mac");
        AddRule(tx, NftFamily.Bridge, "nat", "PREROUTING", comment, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchInterfaceName("veth1234");
            e.Verdict(NftVerdict.Jump, "cni-br-iface-cid1-eth0");
        }));
        AddRule(tx, NftFamily.Bridge, "nat", "cni-br-iface-cid1-eth0", comment, w => w.Run((ref NftExpressionWriter e) => e.Verdict(NftVerdict.Jump, "cni-br-iface-cid1-eth0-mac")));
        AddRule(tx, NftFamily.Bridge, "nat", "cni-br-iface-cid1-eth0-mac", comment, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchEtherSource(PhysicalAddress.Parse("0a:58:0a:01:02:03").GetAddressBytes());
            e.Verdict(NftVerdict.Return);
        }));
        AddRule(tx, NftFamily.Bridge, "nat", "cni-br-iface-cid1-eth0-mac", comment, w => w.Run((ref NftExpressionWriter e) => e.Verdict(NftVerdict.Drop)));

        Assert.Equal(WithAck(SpoofCheckBatch), Messages(tx.ToBatchBytes()));
    }

    [Fact]
    public void Chain_comment_counter_v6_non_byte_prefix_and_oifname_accept()
    {
        using var nft = NftablesSocket.Open();
        using NftTransaction tx = nft.Begin();
        tx.AddTable(NftFamily.Inet, "t");
        tx.AddChain(NftFamily.Inet, "t", "c", "abc");
        AddRule(tx, NftFamily.Inet, "t", "c", null, w => w.Run((ref NftExpressionWriter e) => e.Counter()));
        AddRule(tx, NftFamily.Inet, "t", "c", null, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchNetworkProtocol(AddressFamily.InterNetworkV6);
            e.MatchPrefix(source: false, IPAddress.Parse("fd00::"), 60, negate: true);
            e.Masquerade();
        }));
        AddRule(tx, NftFamily.Inet, "t", "c", null, w => w.Run((ref NftExpressionWriter e) =>
        {
            e.MatchInterfaceName("eth0", output: true);
            e.Verdict(NftVerdict.Accept);
        }));

        Assert.Equal(WithAck(MiscBatch), Messages(tx.ToBatchBytes()));
    }

    [Fact]
    public void Delete_rule_by_handle_flush_chain_delete_chain_and_table()
    {
        using var nft = NftablesSocket.Open();
        using NftTransaction tx = nft.Begin();
        tx.DeleteRule(NftFamily.Inet, "t", "c", 3);
        tx.FlushChain(NftFamily.Inet, "t", "c");
        tx.DeleteChain(NftFamily.Inet, "t", "c");
        tx.DeleteTable(NftFamily.Inet, "t");

        Assert.Equal(WithAck(DeleteBatch), Messages(tx.ToBatchBytes()));
    }

    [Fact]
    public void Rule_comment_is_a_libnftnl_tlv_whose_length_counts_the_nul()
    {
        using var nft = NftablesSocket.Open();
        using NftTransaction tx = nft.Begin();
        AddRule(tx, NftFamily.Inet, "t", "c", "abc", w => w.Run((ref NftExpressionWriter e) => e.Verdict(NftVerdict.Accept)));
        string rule = Messages(tx.ToBatchBytes())[1];
        Assert.EndsWith("0a000700" + "0004616263" + "00" + "0000", rule, StringComparison.Ordinal); // NFTA_RULE_USERDATA {00 04 'a' 'b' 'c' 00}, padded

        using NftTransaction tooLong = nft.Begin();
        Assert.Throws<ArgumentException>(() => tooLong.AddRule(NftFamily.Inet, "t", "c", default, new string('x', 129)));
        tooLong.AddRule(NftFamily.Inet, "t", "c", default, new string('x', 128));
    }

    /// <summary>Runs an <see cref="NftExpressionWriter"/> over a buffer and keeps what it wrote (lambdas cannot capture ref structs).</summary>
    private sealed class Writer
    {
        private readonly byte[] _buffer = new byte[1024];

        public delegate void Build(ref NftExpressionWriter expressions);

        public byte[] Bytes { get; private set; } = [];

        public void Run(Build build)
        {
            var e = new NftExpressionWriter(_buffer);
            build(ref e);
            Bytes = e.WrittenSpan.ToArray();
        }
    }
}
