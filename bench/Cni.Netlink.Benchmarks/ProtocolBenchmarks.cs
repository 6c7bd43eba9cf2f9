using BenchmarkDotNet.Attributes;
using Cni.Netlink;

namespace Cni.Netlink.Benchmarks;

/// <summary>
/// The protocol layer's cost: encoding the veth-create request the bridge plugin sends, and walking a
/// link-dump reply the kernel sent (captured in tests/Cni.Netlink.Tests/Vectors/replies.txt).
/// </summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private static readonly byte[] s_mac = [0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02];
    private readonly byte[] _buffer = new byte[512];
    private byte[][] _linkDump = [];

    [GlobalSetup]
    public void Setup()
    {
        var datagrams = new List<byte[]>();
        bool inLinkShow = false;
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "replies.txt")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inLinkShow = line == "## ip link show";
            }
            else if (inLinkShow && line.Length > 0)
            {
                datagrams.Add(Convert.FromHexString(line));
            }
        }

        _linkDump = [.. datagrams];
    }

    [Benchmark]
    public int EncodeVethCreate()
    {
        var w = new NetlinkWriter(_buffer);
        w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive, 42);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.Mtu, 1450);
        w.WriteAttribute(IfLinkAttribute.Address, s_mac);
        w.WriteAttribute(IfLinkAttribute.IfName, "eth0");
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "veth", nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        var peer = w.BeginNested(VethInfoAttribute.Peer);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.Mtu, 1450);
        w.WriteUInt32(IfLinkAttribute.NetNsFd, 4);
        w.WriteAttribute(IfLinkAttribute.IfName, "veth1234abcd");
        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    [Benchmark]
    public long ParseLinkDump()
    {
        long sum = 0;
        foreach (byte[] datagram in _linkDump)
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
                            foreach (NetlinkAttribute nested in attribute.GetNested())
                            {
                                if (nested.Is(LinkInfoAttribute.Kind))
                                {
                                    sum += nested.GetStringBytes().Length;
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
