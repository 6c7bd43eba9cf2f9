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
        OperationalState operState = OperationalState.Unknown;
        string? kind = null, slaveKind = null;
        BridgeInfo? bridge = null;
        BridgePortInfo? port = null;
        VxlanInfo? vxlan = null;

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
                case IfLinkAttribute.LinkInfo:
                    ParseLinkInfo(attribute.GetNested(), ref kind, ref slaveKind, ref bridge, ref port, ref vxlan);
                    break;
            }
        }

        return new Link
        {
            Index = header.Index,
            Name = name,
            Flags = header.Flags,
            HardwareType = header.Type,
            Mtu = mtu,
            MacAddress = mac,
            MasterIndex = master,
            ParentIndex = parent,
            LinkNetNsId = linkNetNsId,
            Kind = kind,
            SlaveKind = slaveKind,
            OperationalState = operState,
            Promiscuity = promiscuity,
            TxQueueLength = txqlen,
            Bridge = bridge,
            BridgePort = port,
            Vxlan = vxlan,
        };
    }

    private static void ParseLinkInfo(NetlinkAttributeReader info, ref string? kind, ref string? slaveKind, ref BridgeInfo? bridge, ref BridgePortInfo? port, ref VxlanInfo? vxlan)
    {
        // IFLA_INFO_KIND comes before IFLA_INFO_DATA, but do not rely on it: remember the data.
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

        if (hasData && kind == BridgeKind.Name)
        {
            bridge = BridgeKind.ParseInfo(data);
        }
        else if (hasData && kind == VxlanKind.Name)
        {
            vxlan = VxlanKind.ParseInfo(data);
        }

        if (hasSlaveData && slaveKind == BridgeKind.Name)
        {
            port = BridgeKind.ParsePortInfo(slaveData);
        }
    }
}
