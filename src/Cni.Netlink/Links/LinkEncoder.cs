using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The link requests that are not a kind's: get, dump, change and delete, each written as <c>ip link</c> writes it.</summary>
internal static class LinkEncoder
{
    private const RtExtFilter GetLinkFilter = RtExtFilter.VirtualFunctions | RtExtFilter.SkipStats;

    // ip link show dev NAME (the lookup ip sends first)
    //
    // +--------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_GETLINK  NLM_F_REQUEST                                          |
    // +--------------------------------------------------------------------------------+
    // | ifinfomsg  family 0, index 0                                                   |
    // +--------------------------------------------------------------------------------+
    // | IFLA_EXT_MASK                 u32                   RTEXT_FILTER_VF|SKIP_STATS |
    // | IFLA_IFNAME                   "NAME\0"                                         |
    // +--------------------------------------------------------------------------------+
    public static int GetLinkByName(Span<byte> buffer, uint sequence, string name)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, sequence);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)GetLinkFilter);
        w.WriteAttribute(IfLinkAttribute.IfName, name);
        return w.EndMessage();
    }

    // ip link show (one link, by index)
    //
    // +--------------------------------------------------------------------------------+
    // | nlmsghdr   RTM_GETLINK  NLM_F_REQUEST                                          |
    // +--------------------------------------------------------------------------------+
    // | ifinfomsg  family 0, index INDEX                                               |
    // +--------------------------------------------------------------------------------+
    // | IFLA_EXT_MASK                 u32                   RTEXT_FILTER_VF|SKIP_STATS |
    // +--------------------------------------------------------------------------------+
    public static int GetLinkByIndex(Span<byte> buffer, uint sequence, int index)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)GetLinkFilter);
        return w.EndMessage();
    }

    // ip link show
    //
    // +---------------------------------------------------------------------+
    // | nlmsghdr   RTM_GETLINK  NLM_F_REQUEST|NLM_F_DUMP                    |
    // +---------------------------------------------------------------------+
    // | ifinfomsg  family AF_PACKET, index 0                                |
    // +---------------------------------------------------------------------+
    // | IFLA_EXT_MASK                 u32                   RTEXT_FILTER_VF |
    // +---------------------------------------------------------------------+
    public static int DumpLinks(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, RequestFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Packet });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.VirtualFunctions);
        return w.EndMessage();
    }

    // ip link set DEV up|down|promisc on|off
    //
    // +------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK            |
    // +------------------------------------------------------------+
    // | ifinfomsg  index INDEX, ifi_flags FLAGS, ifi_change CHANGE |
    // +------------------------------------------------------------+
    public static int SetLinkFlags(Span<byte> buffer, uint sequence, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index, Flags = flags, Change = change });
        return w.EndMessage();
    }

    // ip link set DEV master M | nomaster | mtu N | netns NS
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    // | IFLA_MASTER|IFLA_MTU|IFLA_NET_NS_FDu32          |
    // +-------------------------------------------------+
    public static int SetLinkUInt32(Span<byte> buffer, uint sequence, int index, IfLinkAttribute attribute, uint value)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteUInt32(attribute, value);
        return w.EndMessage();
    }

    // ip link set DEV address MAC
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    // | IFLA_ADDRESS                  6 bytes           |
    // +-------------------------------------------------+
    public static int SetLinkAddress(Span<byte> buffer, uint sequence, int index, PhysicalAddress mac)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.Address, mac.GetAddressBytes());
        return w.EndMessage();
    }

    // ip link set DEV alias TEXT (as ip writes it: no terminator; an empty TEXT removes the alias)
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    // | IFLA_IFALIAS                  "TEXT"            |
    // +-------------------------------------------------+
    public static int SetLinkAlias(Span<byte> buffer, uint sequence, int index, string alias)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.IfAlias, alias, nulTerminate: false);
        return w.EndMessage();
    }

    // ip link set DEV name NAME
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    // | IFLA_IFNAME                   "NAME\0"          |
    // +-------------------------------------------------+
    public static int SetLinkName(Span<byte> buffer, uint sequence, int index, string name)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.IfName, name);
        return w.EndMessage();
    }

    // ip link del DEV
    //
    // +-------------------------------------------------+
    // | nlmsghdr   RTM_DELLINK  NLM_F_REQUEST|NLM_F_ACK |
    // +-------------------------------------------------+
    // | ifinfomsg  index INDEX                          |
    // +-------------------------------------------------+
    public static int DeleteLink(Span<byte> buffer, uint sequence, int index)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.DelLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        return w.EndMessage();
    }

    // The attributes every RTM_NEWLINK that creates a link starts with, in the order ip writes them:
    // IFLA_MTU (u32, if set), IFLA_ADDRESS (6 bytes, if set), IFLA_NET_NS_FD (u32, if >= 0), IFLA_IFNAME.
    internal static void WriteCommonLinkAttributes(ref NetlinkWriter w, int? mtu, PhysicalAddress? mac, int namespaceFd, string name)
    {
        if (mtu is int value)
        {
            w.WriteUInt32(IfLinkAttribute.Mtu, checked((uint)value));
        }

        if (mac is not null)
        {
            w.WriteAttribute(IfLinkAttribute.Address, mac.GetAddressBytes());
        }

        if (namespaceFd >= 0)
        {
            w.WriteUInt32(IfLinkAttribute.NetNsFd, (uint)namespaceFd);
        }

        w.WriteAttribute(IfLinkAttribute.IfName, name);
    }
}
