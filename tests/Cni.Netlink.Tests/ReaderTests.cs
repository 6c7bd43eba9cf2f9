using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Tests;

public class ReaderTests
{
    public static TheoryData<string> ReplyCommands() =>
        new(Vectors.AllReplies().Select(r => r.Command).Distinct());

    /// <summary>Every captured kernel datagram parses, and writing back what was parsed gives the same bytes.</summary>
    [Theory]
    [MemberData(nameof(ReplyCommands))]
    public void Captured_kernel_replies_parse_and_re_emit_to_the_same_bytes(string command)
    {
        foreach ((string c, byte[] datagram) in Vectors.AllReplies().Where(r => r.Command == command))
        {
            byte[] output = new byte[datagram.Length + 64];
            var w = new NetlinkWriter(output);
            int attributes = 0;
            foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
            {
                w.BeginMessage(message.Type, message.Flags, message.Sequence, message.PortId);
                int fixedSize = FixedSize(message.Type);
                if (fixedSize < 0)
                {
                    w.WriteRaw(message.Payload); // NLMSG_ERROR, NLMSG_DONE and the like: opaque.
                }
                else
                {
                    w.WriteRaw(message.Payload[..fixedSize]);
                    attributes += ReEmit(ref w, message.GetAttributes(fixedSize), message.Type, depth: 0, parent: 0);
                }

                w.EndMessage();
            }

            Assert.Equal(Convert.ToHexString(datagram), Convert.ToHexString(w.WrittenSpan));
            Assert.True(attributes > 0 || datagram.Length < 200, $"{c}: no attribute was read from a {datagram.Length}-byte reply");
        }
    }

    private static int FixedSize(ushort type) => (RtmType)type switch
    {
        RtmType.NewLink or RtmType.DelLink => IfInfoMessage.Size,
        RtmType.NewAddress or RtmType.DelAddress => IfAddrMessage.Size,
        RtmType.NewRoute or RtmType.DelRoute => RouteMessage.Size,
        RtmType.NewNeighbour or RtmType.DelNeighbour => NeighbourMessage.Size,
        _ => -1,
    };

    // Writes the attributes back, descending into the ones known to be nested.
    private static int ReEmit(ref NetlinkWriter w, NetlinkAttributeReader attributes, ushort messageType, int depth, ushort parent)
    {
        int count = 0;
        foreach (NetlinkAttribute attribute in attributes)
        {
            count++;
            if (IsNested(messageType, depth, parent, attribute))
            {
                var token = w.BeginNested(attribute.RawType);
                count += ReEmit(ref w, attribute.GetNested(), messageType, depth + 1, attribute.Type);
                w.EndNested(token);
            }
            else
            {
                w.WriteAttribute(attribute.RawType, attribute.Payload);
            }
        }

        return count;
    }

    private static bool IsNested(ushort messageType, int depth, ushort parent, NetlinkAttribute attribute)
    {
        if (messageType == (ushort)RtmType.NewLink)
        {
            return depth switch
            {
                0 => attribute.Is(IfLinkAttribute.LinkInfo) || attribute.Is(IfLinkAttribute.AfSpec) || attribute.Is(IfLinkAttribute.PropList),
                1 when parent == (ushort)IfLinkAttribute.LinkInfo => attribute.Is(LinkInfoAttribute.Data) || attribute.Is(LinkInfoAttribute.SlaveData),
                1 when parent == (ushort)IfLinkAttribute.AfSpec => true, // one nest per address family
                _ => false,
            };
        }

        return messageType == (ushort)RtmType.NewRoute && depth == 0 && attribute.Is(RouteAttribute.Metrics);
    }

    [Fact]
    public void A_link_dump_reply_decodes_to_links()
    {
        var links = new List<Link>();
        foreach (byte[] datagram in Vectors.Replies("ip link show"))
        {
            foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
            {
                if (message.Type == (ushort)RtmType.NewLink)
                {
                    links.Add(LinkDecoder.ParseLink(message));
                }
            }
        }

        Link lo = Assert.Single(links, l => l.Name == "lo");
        Assert.Equal(1, lo.Index);
        Assert.Equal(65536, lo.Mtu);
        Assert.Equal(772, lo.HardwareType);
        Link bridge = Assert.Single(links, l => l.Name == "cni0");
        Assert.Equal("bridge", bridge.Kind);
        Assert.NotNull(bridge.Bridge);
        Link vxlan = Assert.Single(links, l => l.Name == "vxlan1");
        Assert.Equal(new VxlanInfo(1, IPAddress.Loopback, null, 1, 8472, false), vxlan.Vxlan);
    }

    [Fact]
    public void An_address_dump_reply_decodes_to_addresses()
    {
        var addresses = new List<LinkAddress>();
        foreach (byte[] datagram in Vectors.Replies("ip addr show"))
        {
            foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
            {
                if (message.Type == (ushort)RtmType.NewAddress)
                {
                    addresses.Add(AddressDecoder.ParseAddress(message));
                }
            }
        }

        LinkAddress v4 = Assert.Single(addresses, a => a.Address.Equals(IPAddress.Parse("10.244.1.1")));
        Assert.Equal(24, v4.PrefixLength);
        Assert.Null(v4.Broadcast); // the second "ip addr add" had no "brd +"
        Assert.True(v4.IsGlobalUnicast);
        LinkAddress v6 = Assert.Single(addresses, a => a.Address.Equals(IPAddress.Parse("fd00:10:244::1")));
        Assert.True(v6.Flags.HasFlag(AddressFlags.NoDad));
    }

    [Fact]
    public void A_route_dump_reply_decodes_the_route_ip_added()
    {
        var routes = new List<Route>();
        foreach (byte[] datagram in Vectors.Replies("ip route show table all"))
        {
            foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
            {
                if (message.Type == (ushort)RtmType.NewRoute)
                {
                    routes.Add(RouteDecoder.ParseRoute(message));
                }
            }
        }

        Route route = Assert.Single(routes, r => IPAddress.Parse("10.96.0.0").Equals(r.Destination));
        Assert.Equal(12, route.DestinationPrefixLength);
        Assert.Equal(IPAddress.Parse("10.244.1.254"), route.Gateway);
        Assert.Equal(100u, route.Priority);
        Assert.Equal(100u, route.Table);
        Assert.Equal(1400u, route.Mtu);
        Assert.Equal(1360u, route.AdvertisedMss);
    }

    [Fact]
    public void An_error_reply_carries_errno_and_request_type()
    {
        // The kernel's answer to ip's probe: NLMSG_ERROR -ENODEV for an RTM_NEWLINK without a name.
        byte[] datagram = Vectors.Replies("ip link add cni0 type bridge")[0];
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.MoveNext());
        NetlinkMessage message = reader.Current;
        Assert.True(message.IsError);
        Assert.Equal(-19, message.GetErrorCode());
        Assert.Equal((ushort)RtmType.NewLink, message.GetErrorRequestType());
    }

    public static TheoryData<string, string> MalformedMessages() => new()
    {
        { "10000000", "4 bytes cannot hold a header" },
        { "0800000010000000000000000000000000", "nlmsg_len 8 below the header" },
        { "20000000100000000000000000000000", "nlmsg_len 32 past a 16-byte buffer" },
        { "1000000003000000000000000000000000", "one trailing byte after a whole message" },
    };

    [Theory]
    [MemberData(nameof(MalformedMessages))]
    public void Malformed_messages_raise_a_clear_error(string hex, string why)
    {
        byte[] bytes = Convert.FromHexString(hex);
        NetlinkException e = Assert.Throws<NetlinkException>(() =>
        {
            foreach (NetlinkMessage message in new NetlinkMessageReader(bytes))
            {
                _ = message.Type;
            }
        });
        Assert.True(e.IsMalformedReply, why);
        Assert.Contains("malformed netlink message", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedAttributes() => new()
    {
        { "0200", "two bytes cannot hold an attribute header" },
        { "03000100", "nla_len 3 below the header" },
        { "0C000100AABBCCDD", "nla_len 12 past an 8-byte run" },
        { "0800010001000000FF", "a trailing byte" },
    };

    [Theory]
    [MemberData(nameof(MalformedAttributes))]
    public void Malformed_attributes_raise_a_clear_error(string hex, string why)
    {
        byte[] bytes = Convert.FromHexString(hex);
        NetlinkException e = Assert.Throws<NetlinkException>(() =>
        {
            foreach (NetlinkAttribute attribute in new NetlinkAttributeReader(bytes))
            {
                _ = attribute.Type;
            }
        });
        Assert.True(e.IsMalformedReply, why);
    }

    [Fact]
    public void Typed_getters_check_the_payload_length_first()
    {
        byte[] bytes = Convert.FromHexString("06000400AABB0000");
        var reader = new NetlinkAttributeReader(bytes);
        Assert.True(reader.MoveNext());
        NetlinkAttribute attribute = reader.Current;
        Assert.Equal(0xBBAA, attribute.GetUInt16());
        try
        {
            attribute.GetUInt32();
            Assert.Fail("a 2-byte payload was read as 4");
        }
        catch (NetlinkException e)
        {
            Assert.True(e.IsMalformedReply);
        }
    }

    [Fact]
    public void Unknown_attributes_are_returned_and_can_be_skipped()
    {
        byte[] bytes = Convert.FromHexString("0800FF7F01020304" + "08000400DC050000");
        uint? mtu = null;
        int seen = 0;
        foreach (NetlinkAttribute attribute in new NetlinkAttributeReader(bytes))
        {
            seen++;
            if (attribute.Is(IfLinkAttribute.Mtu))
            {
                mtu = attribute.GetUInt32();
            }
        }

        Assert.Equal(2, seen);
        Assert.Equal(1500u, mtu);
    }

    /// <summary>Every truncation and many corruptions of real replies end in a NetlinkException, never another exception.</summary>
    [Fact]
    public void Truncated_or_corrupted_replies_never_escape_as_anything_but_NetlinkException()
    {
        var random = new Random(4242);
        int cases = 0, malformed = 0;
        foreach ((string _, byte[] datagram) in Vectors.AllReplies())
        {
            var variants = new List<byte[]>();
            for (int cut = 0; cut < datagram.Length; cut += Math.Max(1, datagram.Length / 97))
            {
                variants.Add(datagram[..cut]);
            }

            for (int i = 0; i < 40; i++)
            {
                byte[] corrupt = (byte[])datagram.Clone();
                for (int flips = 0; flips < 3; flips++)
                {
                    corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
                }

                variants.Add(corrupt);
            }

            foreach (byte[] variant in variants)
            {
                cases++;
                try
                {
                    DecodeEverything(variant);
                }
                catch (NetlinkException e)
                {
                    Assert.True(e.IsMalformedReply, e.Message);
                    malformed++;
                }
            }
        }

        Assert.True(malformed > cases / 10, $"only {malformed} of {cases} damaged replies were reported malformed");
    }

    private static void DecodeEverything(byte[] datagram)
    {
        foreach (NetlinkMessage message in new NetlinkMessageReader(datagram))
        {
            switch ((RtmType)message.Type)
            {
                case RtmType.NewLink:
                    LinkDecoder.ParseLink(message);
                    BridgeVlanDecoder.ParseBridgeVlans(message, []);
                    break;
                case RtmType.NewAddress:
                    AddressDecoder.ParseAddress(message);
                    break;
                case RtmType.NewRoute:
                    RouteDecoder.ParseRoute(message);
                    break;
                case RtmType.NewNeighbour:
                    NeighbourDecoder.ParseNeighbour(message);
                    break;
                default:
                    if (message.IsError)
                    {
                        message.GetErrorCode();
                        foreach (NetlinkAttribute attribute in message.GetErrorAttributes())
                        {
                            _ = attribute.GetString();
                        }
                    }

                    break;
            }
        }
    }
}
