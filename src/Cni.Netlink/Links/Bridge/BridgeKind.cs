using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The <c>bridge</c> link kind: its create and change requests, its <c>IFLA_INFO_DATA</c>, and the port attributes of its ports.</summary>
internal static class BridgeKind
{
    /// <summary>The kind's name (<c>IFLA_INFO_KIND</c>, <c>IFLA_INFO_SLAVE_KIND</c> of its ports).</summary>
    public const string Name = "bridge";

    // ip link add NAME [mtu N] [address MAC] type bridge [vlan_filtering 0|1]
    //
    // +--------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL  |
    // +--------------------------------------------------------------------------+
    // | ifinfomsg  all zero                                                      |
    // +--------------------------------------------------------------------------+
    // | IFLA_MTU                      u32                   if MTU set           |
    // | IFLA_ADDRESS                  6 bytes               if MAC set           |
    // | IFLA_IFNAME                   "NAME\0"                                   |
    // | IFLA_LINKINFO                 nested                                     |
    // |   IFLA_INFO_KIND              "bridge" (no NUL)                          |
    // |   IFLA_INFO_DATA              nested                if VlanFiltering set |
    // |     IFLA_BR_VLAN_FILTERING    u8                                         |
    // +--------------------------------------------------------------------------+
    public static int AddBridge(Span<byte> buffer, uint sequence, string name, BridgeOptions? options)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        LinkEncoder.WriteCommonLinkAttributes(ref w, options?.Mtu, options?.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, Name, nulTerminate: false);
        if (options?.VlanFiltering is bool filtering)
        {
            var data = w.BeginNested(LinkInfoAttribute.Data);
            w.WriteUInt8(BridgeAttribute.VlanFiltering, filtering ? (byte)1 : (byte)0);
            w.EndNested(data);
        }

        w.EndNested(info);
        return w.EndMessage();
    }

    // ip link set BRIDGE type bridge vlan_filtering 0|1
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    // | IFLA_LINKINFO                 nested            |
    // |   IFLA_INFO_KIND              "bridge" (no NUL) |
    // |   IFLA_INFO_DATA              nested            |
    // |     IFLA_BR_VLAN_FILTERING    u8                |
    // +-------------------------------------------------+
    public static int SetBridgeVlanFiltering(Span<byte> buffer, uint sequence, int index, bool enabled)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, Name, nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        w.WriteUInt8(BridgeAttribute.VlanFiltering, enabled ? (byte)1 : (byte)0);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    // bridge link set dev DEV hairpin|isolated|... on|off
    //
    // +-----------------------------------------------------------------+
    // | nlmsghdr   RTM_SETLINK  NLM_F_REQUEST|NLM_F_ACK                 |
    // +-----------------------------------------------------------------+
    // | ifinfomsg  family AF_BRIDGE, index INDEX                        |
    // +-----------------------------------------------------------------+
    // | IFLA_PROTINFO                 nested, NLA_F_NESTED              |
    // |   IFLA_BRPORT_<FLAG>          u8                    1 on, 0 off |
    // +-----------------------------------------------------------------+
    public static int SetBridgePortFlag(Span<byte> buffer, uint sequence, int index, BridgePortAttribute attribute, bool on)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.SetLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge, Index = index });
        var protinfo = w.BeginNested(IfLinkAttribute.ProtInfo, markNested: true);
        w.WriteUInt8(attribute, on ? (byte)1 : (byte)0);
        w.EndNested(protinfo);
        return w.EndMessage();
    }

    /// <summary>Reads a bridge's <c>IFLA_INFO_DATA</c>.</summary>
    public static BridgeInfo ParseInfo(NetlinkAttributeReader data)
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

        return new BridgeInfo(filtering, stp);
    }

    /// <summary>Reads a bridge port's <c>IFLA_INFO_SLAVE_DATA</c>.</summary>
    public static BridgePortInfo ParsePortInfo(NetlinkAttributeReader attributes)
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
}
