using System.Net;
using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Turns <c>RTM_NEWLINK</c> replies into <see cref="Link"/>; unknown attributes are skipped.</summary>
internal static class LinkDecoder
{
    public static Link ParseLink(NetlinkMessage message)
    {
        IfInfoMessage header = message.ReadStruct<IfInfoMessage>();
        string name = "";
        int mtu = 0, master = 0, parent = 0;
        int? linkNetNsId = null;
        uint promiscuity = 0, txqlen = 0;
        PhysicalAddress? mac = null;
        string? alias = null;
        OperationalState operState = OperationalState.Unknown;
        NetlinkAttributeReader linkInfo = default;
        bool hasLinkInfo = false;

        foreach (NetlinkAttribute attribute in message.GetAttributes<IfInfoMessage>())
        {
            switch ((IfLinkAttribute)attribute.Type)
            {
                case IfLinkAttribute.IfName: name = attribute.GetString(); break;
                case IfLinkAttribute.Mtu: mtu = (int)attribute.GetUInt32(); break;
                case IfLinkAttribute.Master: master = (int)attribute.GetUInt32(); break;
                case IfLinkAttribute.Link: parent = (int)attribute.GetUInt32(); break;
                case IfLinkAttribute.LinkNetNsId: linkNetNsId = attribute.GetInt32(); break;
                case IfLinkAttribute.Promiscuity: promiscuity = attribute.GetUInt32(); break;
                case IfLinkAttribute.TxQueueLength: txqlen = attribute.GetUInt32(); break;
                case IfLinkAttribute.OperState: operState = (OperationalState)attribute.GetUInt8(); break;
                case IfLinkAttribute.Address: mac = attribute.Payload.IsEmpty ? null : new PhysicalAddress(attribute.Payload.ToArray()); break;
                case IfLinkAttribute.IfAlias: alias = attribute.GetStringBytes().IsEmpty ? null : attribute.GetString(); break;
                case IfLinkAttribute.LinkInfo: linkInfo = attribute.GetNested(); hasLinkInfo = true; break;
            }
        }

        var link = new Link
        {
            Index = header.Index,
            Name = name,
            Flags = header.Flags,
            HardwareType = header.Type,
            Mtu = mtu,
            MacAddress = mac,
            Alias = alias,
            MasterIndex = master,
            ParentIndex = parent,
            LinkNetNsId = linkNetNsId,
            OperationalState = operState,
            Promiscuity = promiscuity,
            TxQueueLength = txqlen,
        };
        return hasLinkInfo ? WithLinkInfo(link, linkInfo) : link;
    }

    // IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA {kind's attributes}, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA {...} }.
    // A new kind adds one arm to the switch below (and its property to Link).
    private static Link WithLinkInfo(Link link, NetlinkAttributeReader info)
    {
        // IFLA_INFO_KIND comes before IFLA_INFO_DATA, but do not rely on it: remember the data.
        string? kind = null, slaveKind = null;
        NetlinkAttributeReader data = default, slaveData = default;
        bool hasData = false, hasSlaveData = false;
        foreach (NetlinkAttribute attribute in info)
        {
            switch ((LinkInfoAttribute)attribute.Type)
            {
                case LinkInfoAttribute.Kind: kind = attribute.GetString(); break;
                case LinkInfoAttribute.SlaveKind: slaveKind = attribute.GetString(); break;
                case LinkInfoAttribute.Data: data = attribute.GetNested(); hasData = true; break;
                case LinkInfoAttribute.SlaveData: slaveData = attribute.GetNested(); hasSlaveData = true; break;
            }
        }

        link = link with { Kind = kind, SlaveKind = slaveKind };
        if (hasData)
        {
            link = kind switch
            {
                BridgeKind.Name => link with { Bridge = BridgeKind.ParseInfo(data) },
                VxlanKind.Name => link with { Vxlan = VxlanKind.ParseInfo(data) },
                _ => link,
            };
        }

        if (hasSlaveData && slaveKind == BridgeKind.Name)
        {
            link = link with { BridgePort = BridgeKind.ParsePortInfo(slaveData) };
        }

        return link;
    }
}
