using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The bridge VLAN requests, written as <c>bridge vlan</c> writes them.</summary>
internal static class BridgeVlanEncoder
{
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

    public static int DumpBridgeVlans(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, RequestFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.BridgeVlan);
        return w.EndMessage();
    }
}
