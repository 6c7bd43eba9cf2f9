using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The link requests that are not a kind's: get, dump, change and delete, each written as <c>ip link</c> writes it.</summary>
internal static class LinkEncoder
{
    private const RtExtFilter GetLinkFilter = RtExtFilter.VirtualFunctions | RtExtFilter.SkipStats;

    public static int GetLinkByName(Span<byte> buffer, uint sequence, string name)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, sequence);
        w.WriteStruct(new IfInfoMessage());
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)GetLinkFilter);
        w.WriteAttribute(IfLinkAttribute.IfName, name);
        return w.EndMessage();
    }

    public static int GetLinkByIndex(Span<byte> buffer, uint sequence, int index)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)GetLinkFilter);
        return w.EndMessage();
    }

    public static int DumpLinks(Span<byte> buffer, uint sequence)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetLink, RequestFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Packet });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.VirtualFunctions);
        return w.EndMessage();
    }

    public static int SetLinkFlags(Span<byte> buffer, uint sequence, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index, Flags = flags, Change = change });
        return w.EndMessage();
    }

    public static int SetLinkUInt32(Span<byte> buffer, uint sequence, int index, IfLinkAttribute attribute, uint value)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteUInt32(attribute, value);
        return w.EndMessage();
    }

    public static int SetLinkAddress(Span<byte> buffer, uint sequence, int index, PhysicalAddress mac)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.Address, mac.GetAddressBytes());
        return w.EndMessage();
    }

    public static int SetLinkName(Span<byte> buffer, uint sequence, int index, string name)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.IfName, name);
        return w.EndMessage();
    }

    public static int DeleteLink(Span<byte> buffer, uint sequence, int index)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.DelLink, RequestFlags.Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        return w.EndMessage();
    }

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
