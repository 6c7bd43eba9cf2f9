using System.Net;
using System.Net.Sockets;
using Cni.Netlink.Nftables;
using Cni.Spec;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>Encoding nf_tables rules allocates nothing: the expressions go into the caller's span.</summary>
public class NftAllocationTests
{
    private static readonly IPCidr V4 = IPCidr.Parse("10.88.0.5/20");
    private static readonly IPCidr V6 = IPCidr.Parse("fd00:88::5/64");
    private static readonly byte[] Mac = [0x0a, 0x58, 0x0a, 0x58, 0x00, 0x05];
    private static readonly IPAddress Multicast = IPAddress.Parse("224.0.0.0");

    private static int EncodeRules(Span<byte> buffer)
    {
        int total = 0;
        var masq = new NftExpressionWriter(buffer);
        MasqueradeRules.WriteRule(ref masq, V4);
        total += masq.WrittenSpan.Length;

        masq = new NftExpressionWriter(buffer);
        MasqueradeRules.WriteRule(ref masq, V6);
        total += masq.WrittenSpan.Length;

        var ret = new NftExpressionWriter(buffer);
        ret.MatchNetworkProtocol(AddressFamily.InterNetwork);
        ret.MatchPrefix(source: false, Multicast, 4);
        ret.Verdict(NftVerdict.Return);
        total += ret.WrittenSpan.Length;

        var spoof = new NftExpressionWriter(buffer);
        spoof.MatchInterfaceName("veth1234abcd");
        spoof.Verdict(NftVerdict.Jump, "cni-br-iface-0123456789abcdef-eth0");
        total += spoof.WrittenSpan.Length;

        var mac = new NftExpressionWriter(buffer);
        mac.MatchEtherSource(Mac);
        mac.Verdict(NftVerdict.Return);
        mac.Counter();
        total += mac.WrittenSpan.Length;
        return total;
    }

    [Fact]
    public void Encoding_the_masquerade_and_spoof_check_rules_allocates_nothing()
    {
        byte[] buffer = new byte[1024];
        int length = EncodeRules(buffer); // warm up (JIT, statics)
        Assert.True(length > 1000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1000; i++)
        {
            total += EncodeRules(buffer);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(length * 1000, total);
    }
}
