using System.Net;
using System.Net.NetworkInformation;

namespace Cni.Netlink;

/// <summary>Turns reply messages into the typed records; unknown attributes are skipped.</summary>
internal static class RtnlDecoding
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

        if (hasData && kind == "bridge")
        {
            bool filtering = false, stp = false;
            foreach (NetlinkAttribute attribute in data)
            {
                if (attribute.Is(BridgeAttribute.VlanFiltering))
                {
                    filtering = attribute.GetUInt8() != 0;
                }
                else if (attribute.Is(BridgeAttribute.StpState))
                {
                    stp = attribute.GetUInt32() != 0;
                }
            }

            bridge = new BridgeInfo(filtering, stp);
        }
        else if (hasData && kind == "vxlan")
        {
            uint id = 0;
            IPAddress? local = null, group = null;
            int device = 0;
            ushort udpPort = 0;
            bool learning = true;
            foreach (NetlinkAttribute attribute in data)
            {
                switch ((VxlanAttribute)attribute.Type)
                {
                    case VxlanAttribute.Id: id = attribute.GetUInt32(); break;
                    case VxlanAttribute.Local or VxlanAttribute.Local6: local = attribute.GetIPAddress(); break;
                    case VxlanAttribute.Group or VxlanAttribute.Group6: group = attribute.GetIPAddress(); break;
                    case VxlanAttribute.Link: device = (int)attribute.GetUInt32(); break;
                    case VxlanAttribute.Port: udpPort = attribute.GetBigEndianUInt16(); break;
                    case VxlanAttribute.Learning: learning = attribute.GetUInt8() != 0; break;
                }
            }

            vxlan = new VxlanInfo(id, local, group, device, udpPort, learning);
        }

        if (hasSlaveData && slaveKind == "bridge")
        {
            port = ParseBridgePort(slaveData);
        }
    }

    private static BridgePortInfo ParseBridgePort(NetlinkAttributeReader attributes)
    {
        bool hairpin = false, isolated = false, learning = false;
        byte state = 0;
        foreach (NetlinkAttribute attribute in attributes)
        {
            switch ((BridgePortAttribute)attribute.Type)
            {
                case BridgePortAttribute.Mode: hairpin = attribute.GetUInt8() != 0; break;
                case BridgePortAttribute.Isolated: isolated = attribute.GetUInt8() != 0; break;
                case BridgePortAttribute.Learning: learning = attribute.GetUInt8() != 0; break;
                case BridgePortAttribute.State: state = attribute.GetUInt8(); break;
            }
        }

        return new BridgePortInfo(hairpin, isolated, learning, state);
    }

    public static LinkAddress ParseAddress(NetlinkMessage message)
    {
        IfAddrMessage header = message.ReadStruct<IfAddrMessage>();
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        AddressFlags flags = (AddressFlags)header.Flags;
        foreach (NetlinkAttribute attribute in message.GetAttributes<IfAddrMessage>())
        {
            switch ((IfAddrAttribute)attribute.Type)
            {
                case IfAddrAttribute.Local: local = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Address: address = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Broadcast: broadcast = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Label: label = attribute.GetString(); break;
                case IfAddrAttribute.Flags: flags = (AddressFlags)attribute.GetUInt32(); break;
            }
        }

        return new LinkAddress
        {
            Index = header.Index,
            Address = local ?? address ?? throw NetlinkException.Malformed("an RTM_NEWADDR message without IFA_LOCAL or IFA_ADDRESS"),
            PrefixLength = header.PrefixLength,
            Scope = header.Scope,
            Flags = flags,
            Broadcast = broadcast,
            Label = label,
        };
    }

    public static Route ParseRoute(NetlinkMessage message)
    {
        RouteMessage header = message.ReadStruct<RouteMessage>();
        IPAddress? destination = null, gateway = null, source = null;
        int oif = 0;
        uint priority = 0, table = header.Table, mtu = 0, advmss = 0;
        foreach (NetlinkAttribute attribute in message.GetAttributes<RouteMessage>())
        {
            switch ((RouteAttribute)attribute.Type)
            {
                case RouteAttribute.Destination: destination = attribute.GetIPAddress(); break;
                case RouteAttribute.Gateway: gateway = attribute.GetIPAddress(); break;
                case RouteAttribute.PreferredSource: source = attribute.GetIPAddress(); break;
                case RouteAttribute.OutputInterface: oif = (int)attribute.GetUInt32(); break;
                case RouteAttribute.Priority: priority = attribute.GetUInt32(); break;
                case RouteAttribute.Table: table = attribute.GetUInt32(); break;
                case RouteAttribute.Metrics:
                    foreach (NetlinkAttribute metric in attribute.GetNested())
                    {
                        if (metric.Is(RouteMetric.Mtu))
                        {
                            mtu = metric.GetUInt32();
                        }
                        else if (metric.Is(RouteMetric.AdvertisedMss))
                        {
                            advmss = metric.GetUInt32();
                        }
                    }

                    break;
            }
        }

        return new Route
        {
            Family = header.Family,
            Destination = destination,
            DestinationPrefixLength = header.DestinationLength,
            Gateway = gateway,
            OutputInterface = oif,
            Priority = priority,
            Table = table,
            Scope = header.Scope,
            Type = header.Type,
            Protocol = header.Protocol,
            PreferredSource = source,
            Mtu = mtu,
            AdvertisedMss = advmss,
        };
    }

    public static Neighbour ParseNeighbour(NetlinkMessage message)
    {
        NeighbourMessage header = message.ReadStruct<NeighbourMessage>();
        IPAddress? address = null;
        PhysicalAddress? mac = null;
        ushort vlan = 0;
        int master = 0;
        foreach (NetlinkAttribute attribute in message.GetAttributes<NeighbourMessage>())
        {
            switch ((NeighbourAttribute)attribute.Type)
            {
                case NeighbourAttribute.Destination: address = attribute.GetIPAddress(); break;
                case NeighbourAttribute.LinkLayerAddress: mac = new PhysicalAddress(attribute.Payload.ToArray()); break;
                case NeighbourAttribute.Vlan: vlan = attribute.GetUInt16(); break;
                case NeighbourAttribute.Master: master = (int)attribute.GetUInt32(); break;
            }
        }

        return new Neighbour
        {
            Index = header.Index,
            Family = header.Family,
            Address = address,
            LinkLayerAddress = mac,
            State = header.State,
            Flags = header.Flags,
            Vlan = vlan,
            MasterIndex = master,
        };
    }

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
