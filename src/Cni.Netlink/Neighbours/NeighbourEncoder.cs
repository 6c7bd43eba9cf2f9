using System.Net;
using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The neighbour and FDB requests, written as <c>ip neigh</c> and <c>bridge fdb</c> write them.</summary>
internal static class NeighbourEncoder
{
    // ip neigh add|replace|del IP lladdr MAC dev DEV nud STATE  /  bridge fdb add|append|del MAC dev DEV dst IP
    //
    // +-----------------------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWNEIGH | RTM_DELNEIGH  NLM_F_REQUEST|NLM_F_ACK|...                           |
    // +-----------------------------------------------------------------------------------------------+
    // | ndmsg      family (AF_BRIDGE for FDB), ifindex, state, flags                                  |
    // +-----------------------------------------------------------------------------------------------+
    // | NDA_DST                       4 or 16 bytes         if Address set (after NDA_LLADDR for FDB) |
    // | NDA_LLADDR                    6 bytes               if LinkLayerAddress set                   |
    // | NDA_VLAN                      u16                   if Vlan set                               |
    // | NDA_MASTER                    u32                   if MasterIndex set                        |
    // +-----------------------------------------------------------------------------------------------+
    public static int Neighbour(Span<byte> buffer, uint sequence, RtmType type, NetlinkFlags flags, Neighbour neighbour)
    {
        NetlinkAddressFamily family = neighbour.EffectiveFamily;
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, flags, sequence);
        w.WriteStruct(new NeighbourMessage { Family = family, Index = neighbour.Index, State = neighbour.State, Flags = neighbour.Flags });
        if (family == NetlinkAddressFamily.Bridge)
        {
            // bridge fdb writes the MAC first.
            WriteLinkLayer(ref w, neighbour.LinkLayerAddress);
            WriteDestination(ref w, neighbour.Address);
        }
        else
        {
            WriteDestination(ref w, neighbour.Address);
            WriteLinkLayer(ref w, neighbour.LinkLayerAddress);
        }

        if (neighbour.Vlan != 0)
        {
            w.WriteUInt16(NeighbourAttribute.Vlan, neighbour.Vlan);
        }

        if (neighbour.MasterIndex != 0)
        {
            w.WriteUInt32(NeighbourAttribute.Master, (uint)neighbour.MasterIndex);
        }

        return w.EndMessage();

        static void WriteDestination(ref NetlinkWriter w, IPAddress? address)
        {
            if (address is not null)
            {
                w.WriteAttribute(NeighbourAttribute.Destination, address);
            }
        }

        static void WriteLinkLayer(ref NetlinkWriter w, PhysicalAddress? mac)
        {
            if (mac is not null)
            {
                w.WriteAttribute(NeighbourAttribute.LinkLayerAddress, mac.GetAddressBytes());
            }
        }
    }

    // ip neigh show  /  bridge fdb show
    //
    // +---------------------------------------------------+
    // | nlmsghdr   RTM_GETNEIGH  NLM_F_REQUEST|NLM_F_DUMP |
    // +---------------------------------------------------+
    // | ndmsg      family (AF_BRIDGE for the FDB)         |
    // +---------------------------------------------------+
    public static int DumpNeighbours(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetNeighbour, RequestFlags.Dump, sequence);
        w.WriteStruct(new NeighbourMessage { Family = family });
        return w.EndMessage();
    }
}
