using Cni.Netlink.Protocol;

namespace Cni.Netlink.Tests;

/// <summary>
/// The two protocol-layer workloads whose cost is claimed: encoding the veth-create request the bridge
/// plugin sends, and walking a link-dump reply. AllocationTests asserts they allocate nothing; the
/// benchmark project links this same file and measures them, so both speak of the same code.
/// </summary>
internal static class ProtocolWorkloads
{
    private static readonly byte[] Mac = [0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02];

    /// <summary>Encodes RTM_NEWLINK for a veth pair with its peer in another namespace (by fd).</summary>
    public static int EncodeVeth(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.Mtu, 1450);
        w.WriteAttribute(IfLinkAttribute.Address, Mac);
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

    /// <summary>Reads what a link list needs from a dump: index, name bytes, MTU, kind, master, oper state.</summary>
    public static long Walk(IReadOnlyList<byte[]> datagrams)
    {
        long sum = 0;
        for (int d = 0; d < datagrams.Count; d++)
        {
            byte[] datagram = datagrams[d];
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
