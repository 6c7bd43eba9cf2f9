using System.Net;
using System.Runtime.CompilerServices;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Tests;

public class WriterTests
{
    [Fact]
    public void Structures_have_the_kernel_sizes()
    {
        Assert.Equal(16, Unsafe.SizeOf<NetlinkMessageHeader>());
        Assert.Equal(16, Unsafe.SizeOf<IfInfoMessage>());
        Assert.Equal(8, Unsafe.SizeOf<IfAddrMessage>());
        Assert.Equal(12, Unsafe.SizeOf<RouteMessage>());
        Assert.Equal(12, Unsafe.SizeOf<NeighbourMessage>());
        Assert.Equal(4, Unsafe.SizeOf<BridgeVlanInfo>());
    }

    [Fact]
    public void The_design_sketch_writes_what_ip_link_add_type_bridge_sends()
    {
        byte[] expected = Vectors.LastRequest("ip link add cni0 type bridge");
        Span<byte> buffer = stackalloc byte[512];
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, Vectors.SequenceOf(expected));
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Unspecified });
        w.WriteAttribute(IfLinkAttribute.IfName, "cni0");
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "bridge", nulTerminate: false);
        w.EndNested(info);
        int length = w.EndMessage();

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer[..length]));
    }

    [Fact]
    public void Padding_is_zero_and_not_counted_in_nla_len()
    {
        Span<byte> buffer = stackalloc byte[64];
        buffer.Fill(0xEE);
        var w = new NetlinkWriter(buffer);
        w.WriteUInt8(BridgeAttribute.VlanFiltering, 1);
        Assert.Equal(8, w.Length);
        Assert.Equal("05000700" + "01000000", Convert.ToHexString(buffer[..8]));
        Assert.Equal(0xEE, buffer[8]);
    }

    [Fact]
    public void Nested_lengths_are_back_patched_at_every_level()
    {
        Span<byte> buffer = stackalloc byte[64];
        var w = new NetlinkWriter(buffer);
        var outer = w.BeginNested(IfLinkAttribute.LinkInfo);
        var inner = w.BeginNested(LinkInfoAttribute.Data, markNested: true);
        w.WriteUInt32(VxlanAttribute.Id, 42);
        w.EndNested(inner);
        w.EndNested(outer);
        Assert.Equal("10001200" + "0C000280" + "08000100" + "2A000000", Convert.ToHexString(w.WrittenSpan));
    }

    [Fact]
    public void Several_messages_can_be_written_back_to_back()
    {
        Span<byte> buffer = stackalloc byte[128];
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.DelLink, NetlinkFlags.Request | NetlinkFlags.Ack, 1);
        w.WriteStruct(new IfInfoMessage { Index = 7 });
        w.EndMessage();
        w.BeginMessage(RtmType.DelLink, NetlinkFlags.Request | NetlinkFlags.Ack, 2);
        w.WriteStruct(new IfInfoMessage { Index = 8 });
        int length = w.EndMessage();
        Assert.Equal(64, length);
        var indexes = new List<int>();
        foreach (NetlinkMessage message in new NetlinkMessageReader(buffer[..length]))
        {
            indexes.Add(message.ReadStruct<IfInfoMessage>().Index);
        }

        Assert.Equal([7, 8], indexes);
    }

    [Fact]
    public void Overflow_throws_and_writes_nothing_past_the_end()
    {
        byte[] backing = new byte[40];
        Array.Fill(backing, (byte)0xEE);
        Span<byte> buffer = backing.AsSpan(0, 24);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request, 1);
        try
        {
            w.WriteAttribute(IfLinkAttribute.IfName, "a-name-too-long-for-the-buffer");
            Assert.Fail("expected an overflow");
        }
        catch (InternalBufferOverflowException e)
        {
            Assert.Contains("too small", e.Message, StringComparison.Ordinal);
        }

        Assert.All(backing[24..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Misuse_of_begin_and_end_is_reported()
    {
        byte[] buffer = new byte[64];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new NetlinkWriter(buffer);
            w.EndMessage();
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new NetlinkWriter(buffer);
            w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, 1);
            w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, 2);
        });
    }

    [Fact]
    public void Addresses_are_written_in_network_order()
    {
        Span<byte> buffer = stackalloc byte[64];
        var w = new NetlinkWriter(buffer);
        w.WriteAttribute(IfAddrAttribute.Local, IPAddress.Parse("10.244.1.1"));
        w.WriteAttribute(IfAddrAttribute.Local, IPAddress.Parse("fd00::1"));
        w.WriteBigEndianUInt16(VxlanAttribute.Port, 8472);
        Assert.Equal("080002000AF40101" + "14000200FD000000000000000000000000000001" + "06000F0021180000", Convert.ToHexString(w.WrittenSpan));
    }
}
