using System.Buffers.Binary;
using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The address requests, written as <c>ip addr</c> writes them.</summary>
internal static class AddressEncoder
{
    // ip addr add|del ADDR/PREFIX [brd +] dev DEV [nodad] [noprefixroute] [scope S] [label L]
    //
    // +--------------------------------------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWADDR NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL | RTM_DELADDR NLM_F_REQUEST|NLM_F_ACK |
    // +--------------------------------------------------------------------------------------------------------------+
    // | ifaddrmsg  family, prefixlen, flags (if they fit 8 bits), scope, index                                       |
    // +--------------------------------------------------------------------------------------------------------------+
    // | IFA_LOCAL                     4 or 16 bytes                                                                  |
    // | IFA_ADDRESS                   4 or 16 bytes                                                                  |
    // | IFA_FLAGS                     u32                   if the flags need more than 8 bits                       |
    // | IFA_BROADCAST                 4 bytes               add, IPv4, prefix < 31 or given                          |
    // | IFA_LABEL                     "LABEL\0"             if Label set                                             |
    // +--------------------------------------------------------------------------------------------------------------+
    public static int Address(Span<byte> buffer, uint sequence, bool add, int index, IPAddress address, int prefixLength, AddressOptions? options)
    {
        NetlinkAddressFamily family = NetlinkAddressFamilies.Of(address);
        int maxPrefix = family == NetlinkAddressFamily.Inet ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefix);
        AddressFlags flags = (options?.NoDad == true ? AddressFlags.NoDad : 0) | (options?.NoPrefixRoute == true ? AddressFlags.NoPrefixRoute : 0);

        var w = new NetlinkWriter(buffer);
        w.BeginMessage(add ? RtmType.NewAddress : RtmType.DelAddress, add ? RequestFlags.CreateExclusive : RequestFlags.Ack, sequence);
        w.WriteStruct(new IfAddrMessage
        {
            Family = family,
            PrefixLength = (byte)prefixLength,
            Flags = (uint)flags <= 0xff ? (byte)flags : (byte)0,
            Scope = options?.Scope ?? RouteScope.Universe,
            Index = index,
        });
        w.WriteAttribute(IfAddrAttribute.Local, address);
        w.WriteAttribute(IfAddrAttribute.Address, address);
        if ((uint)flags > 0xff)
        {
            w.WriteUInt32(IfAddrAttribute.Flags, (uint)flags);
        }

        if (add && family == NetlinkAddressFamily.Inet && options?.NoBroadcast != true)
        {
            IPAddress? broadcast = options?.Broadcast ?? (prefixLength < 31 ? BroadcastOf(address, prefixLength) : null);
            if (broadcast is not null)
            {
                w.WriteAttribute(IfAddrAttribute.Broadcast, broadcast);
            }
        }

        if (options?.Label is { } label)
        {
            w.WriteAttribute(IfAddrAttribute.Label, label);
        }

        return w.EndMessage();
    }

    private static IPAddress BroadcastOf(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) | (uint.MaxValue >> prefixLength);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    // ip [-4|-6] addr show
    //
    // +--------------------------------------------------+
    // | nlmsghdr   RTM_GETADDR  NLM_F_REQUEST|NLM_F_DUMP |
    // +--------------------------------------------------+
    // | ifaddrmsg  family (0 for both)                   |
    // +--------------------------------------------------+
    public static int DumpAddresses(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetAddress, RequestFlags.Dump, sequence);
        w.WriteStruct(new IfAddrMessage { Family = family });
        return w.EndMessage();
    }
}
