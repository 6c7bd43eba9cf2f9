using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The bridge VLAN requests, written as <c>bridge vlan</c> writes them.</summary>
internal static class BridgeVlanEncoder
{
    // bridge vlan add|del dev DEV vid V[-LAST] [pvid] [untagged] [self] [master]
    //
    // +-----------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_SETLINK (add) | RTM_DELLINK (del)  NLM_F_REQUEST|NLM_F_ACK         |
    // +-----------------------------------------------------------------------------------+
    // | ifinfomsg  family AF_BRIDGE, index INDEX                                          |
    // +-----------------------------------------------------------------------------------+
    // | IFLA_AF_SPEC                  nested                                              |
    // |   IFLA_BRIDGE_FLAGS           u16                   if self/master given          |
    // |   IFLA_BRIDGE_VLAN_INFO       bridge_vlan_info      {flags u16, vid u16}          |
    // |   IFLA_BRIDGE_VLAN_INFO       bridge_vlan_info      range: first has RANGE_BEGIN, |
    // |                                                     second RANGE_END              |
    // +-----------------------------------------------------------------------------------+
    public static int BridgeVlan(Span<byte> buffer, uint sequence, bool add, int index, ushort firstVid, ushort lastVid, BridgeVlanFlags flags, BridgeFlags target)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(add ? RtmType.SetLink : RtmType.DelLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge, Index = index });
        var spec = w.BeginNested(IfLinkAttribute.AfSpec);
        if (target != BridgeFlags.None)
        {
            w.WriteUInt16(BridgeAfSpecAttribute.Flags, (ushort)target);
        }

        if (lastVid == firstVid)
        {
            w.WriteStructAttribute(BridgeAfSpecAttribute.VlanInfo, new BridgeVlanInfo { Flags = flags, Vid = firstVid });
        }
        else
        {
            w.WriteStructAttribute(BridgeAfSpecAttribute.VlanInfo, new BridgeVlanInfo { Flags = flags | BridgeVlanFlags.RangeBegin, Vid = firstVid });
            w.WriteStructAttribute(BridgeAfSpecAttribute.VlanInfo, new BridgeVlanInfo { Flags = flags | BridgeVlanFlags.RangeEnd, Vid = lastVid });
        }

        w.EndNested(spec);
        return w.EndMessage();
    }

    // bridge vlan show
    //
    // +-------------------------------------------------------------------------+
    // | nlmsghdr   RTM_GETLINK  NLM_F_REQUEST|NLM_F_DUMP                        |
    // +-------------------------------------------------------------------------+
    // | ifinfomsg  family AF_BRIDGE                                             |
    // +-------------------------------------------------------------------------+
    // | IFLA_EXT_MASK                 u32                   RTEXT_FILTER_BRVLAN |
    // +-------------------------------------------------------------------------+
    public static int DumpBridgeVlans(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, RequestFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.BridgeVlan);
        return w.EndMessage();
    }
}
