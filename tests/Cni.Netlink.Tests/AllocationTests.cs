using System.Net;

namespace Cni.Netlink.Tests;

/// <summary>The protocol layer allocates nothing: encoding a request and iterating a dump reply.</summary>
public class AllocationTests
{
    private static readonly byte[] s_mac = [0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02];

    [Fact]
    public void Encoding_a_veth_create_request_allocates_nothing()
    {
        byte[] buffer = new byte[512];
        int length = EncodeVeth(buffer, 1); // warm up (JIT, statics)
        Assert.True(length > 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint i = 0; i < 1000; i++)
        {
            length = EncodeVeth(buffer, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(128, length);
    }

    [Fact]
    public void Iterating_a_link_dump_reply_allocates_nothing()
    {
        List<byte[]> datagrams = Vectors.Replies("ip link show");
        long checksum = Walk(datagrams); // warm up
        Assert.True(checksum > 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        for (int i = 0; i < 200; i++)
        {
            total += Walk(datagrams);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(checksum * 200, total);
    }

    internal static int EncodeVeth(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.Mtu, 1450);
        w.WriteAttribute(IfLinkAttribute.Address, s_mac);
        w.WriteAttribute(IfLinkAttribute.IfName, "eth0");
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "veth", nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        var peer = w.BeginNested(VethInfoAttribute.Peer);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.NetNsFd, 4);
        w.WriteAttribute(IfLinkAttribute.IfName, "vethabcd0123");
        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    // Reads what a link list needs: index, name bytes, MTU, kind, master, oper state.
    internal static long Walk(List<byte[]> datagrams)
    {
        long sum = 0;
        foreach (byte[] datagram in datagrams)
        {
            foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
            {
                if (message.Type != (ushort)RtmType.NewLink)
                {
                    continue;
                }

                sum += message.ReadStruct<IfInfoMessage>().Index;
                foreach (NetlinkAttribute attribute in message.GetAttributes<IfInfoMessage>())
                {
                    switch ((IfLinkAttribute)attribute.Type)
                    {
                        case IfLinkAttribute.IfName: sum += attribute.GetStringBytes().Length; break;
                        case IfLinkAttribute.Mtu: sum += attribute.GetUInt32(); break;
                        case IfLinkAttribute.Master: sum += attribute.GetUInt32(); break;
                        case IfLinkAttribute.OperState: sum += attribute.GetUInt8(); break;
                        case IfLinkAttribute.LinkInfo:
                            foreach (NetlinkAttribute info in attribute.GetNested())
                            {
                                if (info.Is(LinkInfoAttribute.Kind))
                                {
                                    sum += info.GetStringBytes().Length;
                                }
                            }

                            break;
                    }
                }
            }
        }

        return sum;
    }
}
