using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Reads the VLAN entries (<c>IFLA_AF_SPEC</c> / <c>IFLA_BRIDGE_VLAN_INFO</c>) of <c>AF_BRIDGE</c> link replies.</summary>
internal static class BridgeVlanDecoder
{
    public static void ParseBridgeVlans(NetlinkMessage message, List<BridgeVlan> into)
    {
        foreach (NetlinkAttribute attribute in message.GetAttributes<IfInfoMessage>())
        {
            if (!attribute.Is(IfLinkAttribute.AfSpec))
            {
                continue;
            }

            ushort rangeStart = 0;
            foreach (NetlinkAttribute entry in attribute.GetNested())
            {
                if (!entry.Is(BridgeAfSpecAttribute.VlanInfo))
                {
                    continue;
                }

                BridgeVlanInfo info = entry.GetStruct<BridgeVlanInfo>();
                BridgeVlanFlags flags = info.Flags & ~(BridgeVlanFlags.RangeBegin | BridgeVlanFlags.RangeEnd);
                if ((info.Flags & BridgeVlanFlags.RangeBegin) != 0)
                {
                    rangeStart = info.Vid;
                }
                else if ((info.Flags & BridgeVlanFlags.RangeEnd) != 0)
                {
                    for (int vid = rangeStart; vid <= info.Vid; vid++)
                    {
                        into.Add(new BridgeVlan((ushort)vid, flags));
                    }
                }
                else
                {
                    into.Add(new BridgeVlan(info.Vid, flags));
                }
            }
        }
    }
}
