using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The <c>vxlan</c> link kind: its create request and its <c>IFLA_INFO_DATA</c>.</summary>
internal static class VxlanKind
{
    /// <summary>The kind's name (<c>IFLA_INFO_KIND</c>).</summary>
    public const string Name = "vxlan";

    // ip link add NAME [mtu N] [address MAC] type vxlan id VNI [group|remote IP] [local IP] [dev DEV] [dstport P] [[no]learning]
    //
    // +-------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL |
    // +-------------------------------------------------------------------------+
    // | ifinfomsg  all zero                                                     |
    // +-------------------------------------------------------------------------+
    // | IFLA_MTU                      u32                   if MTU set          |
    // | IFLA_ADDRESS                  6 bytes               if MAC set          |
    // | IFLA_IFNAME                   "NAME\0"                                  |
    // | IFLA_LINKINFO                 nested                                    |
    // |   IFLA_INFO_KIND              "vxlan" (no NUL)                          |
    // |   IFLA_INFO_DATA              nested                                    |
    // |     IFLA_VXLAN_LINK           u32                   if DeviceIndex set  |
    // |     IFLA_VXLAN_ID             u32                                       |
    // |     IFLA_VXLAN_GROUP[6]       4 or 16 bytes         if Group set        |
    // |     IFLA_VXLAN_LOCAL[6]       4 or 16 bytes         if Local set        |
    // |     IFLA_VXLAN_LEARNING       u8                    if Learning set     |
    // |     IFLA_VXLAN_PORT           u16 big-endian        if Port set         |
    // +-------------------------------------------------------------------------+
    public static int AddVxlan(Span<byte> buffer, uint sequence, string name, VxlanOptions options)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        LinkEncoder.WriteCommonLinkAttributes(ref w, options.Mtu, options.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, Name, nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        if (options.DeviceIndex is int device)
        {
            w.WriteUInt32(VxlanAttribute.Link, (uint)device);
        }

        w.WriteUInt32(VxlanAttribute.Id, options.Id);
        if (options.Group is { } group)
        {
            w.WriteAttribute(NetlinkAddressFamilies.Of(group) == NetlinkAddressFamily.Inet ? VxlanAttribute.Group : VxlanAttribute.Group6, group);
        }

        if (options.Local is { } local)
        {
            w.WriteAttribute(NetlinkAddressFamilies.Of(local) == NetlinkAddressFamily.Inet ? VxlanAttribute.Local : VxlanAttribute.Local6, local);
        }

        if (options.Learning is bool learning)
        {
            w.WriteUInt8(VxlanAttribute.Learning, learning ? (byte)1 : (byte)0);
        }

        if (options.Port is ushort port)
        {
            w.WriteBigEndianUInt16(VxlanAttribute.Port, port);
        }

        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    /// <summary>Reads a VXLAN's <c>IFLA_INFO_DATA</c>.</summary>
    public static VxlanInfo ParseInfo(NetlinkAttributeReader data)
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

        return new VxlanInfo(id, local, group, device, udpPort, learning);
    }
}
