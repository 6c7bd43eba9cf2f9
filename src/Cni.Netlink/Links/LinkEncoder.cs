using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Cni.Netlink;

/// <summary>
/// The requests behind the typed operations, each written the way <c>ip</c> (iproute2) writes it, so
/// that tests can compare them byte for byte with what <c>ip</c> sends. Each returns the length written.
/// </summary>
internal static class RtnlEncoding
{
    private const NetlinkFlags Ack = NetlinkFlags.Request | NetlinkFlags.Ack;
    private const NetlinkFlags CreateExclusive = Ack | NetlinkFlags.Create | NetlinkFlags.Exclusive;
    private const RtExtFilter GetLinkFilter = RtExtFilter.VirtualFunctions | RtExtFilter.SkipStats;

    public const int MaxInterfaceNameLength = 15; // IFNAMSIZ - 1

    public static NetlinkAddressFamily FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => NetlinkAddressFamily.Inet,
        AddressFamily.InterNetworkV6 => NetlinkAddressFamily.Inet6,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6.", nameof(address)),
    };

    public static string CheckName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxInterfaceNameLength || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{name}' is not a valid interface name (at most {MaxInterfaceNameLength} bytes, no '/' or spaces).", parameter);
        }

        return name;
    }

    // ---- links ----

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
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Packet });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.VirtualFunctions);
        return w.EndMessage();
    }

    public static int AddBridge(Span<byte> buffer, uint sequence, string name, BridgeOptions? options)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        WriteCommonLinkAttributes(ref w, options?.Mtu, options?.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "bridge", nulTerminate: false);
        if (options?.VlanFiltering is bool filtering)
        {
            var data = w.BeginNested(LinkInfoAttribute.Data);
            w.WriteUInt8(BridgeAttribute.VlanFiltering, filtering ? (byte)1 : (byte)0);
            w.EndNested(data);
        }

        w.EndNested(info);
        return w.EndMessage();
    }

    public static int SetBridgeVlanFiltering(Span<byte> buffer, uint sequence, int index, bool enabled)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "bridge", nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        w.WriteUInt8(BridgeAttribute.VlanFiltering, enabled ? (byte)1 : (byte)0);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    public static int AddVeth(Span<byte> buffer, uint sequence, string name, string peerName, VethOptions? options, int peerNamespaceFd)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        WriteCommonLinkAttributes(ref w, options?.Mtu, options?.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "veth", nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        var peer = w.BeginNested(VethInfoAttribute.Peer);
        w.WriteStruct(new IfInfoMessage());
        WriteCommonLinkAttributes(ref w, options?.PeerMtu, options?.PeerMacAddress, peerNamespaceFd, peerName);
        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }

    public static int AddVxlan(Span<byte> buffer, uint sequence, string name, VxlanOptions options)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        WriteCommonLinkAttributes(ref w, options.Mtu, options.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, "vxlan", nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        if (options.DeviceIndex is int device)
        {
            w.WriteUInt32(VxlanAttribute.Link, (uint)device);
        }

        w.WriteUInt32(VxlanAttribute.Id, options.Id);
        if (options.Group is { } group)
        {
            w.WriteAttribute(FamilyOf(group) == NetlinkAddressFamily.Inet ? VxlanAttribute.Group : VxlanAttribute.Group6, group);
        }

        if (options.Local is { } local)
        {
            w.WriteAttribute(FamilyOf(local) == NetlinkAddressFamily.Inet ? VxlanAttribute.Local : VxlanAttribute.Local6, local);
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

    private static void WriteCommonLinkAttributes(ref NetlinkWriter w, int? mtu, PhysicalAddress? mac, int namespaceFd, string name)
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

    public static int SetLinkFlags(Span<byte> buffer, uint sequence, int index, InterfaceFlags flags, InterfaceFlags change)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index, Flags = flags, Change = change });
        return w.EndMessage();
    }

    public static int SetLinkUInt32(Span<byte> buffer, uint sequence, int index, IfLinkAttribute attribute, uint value)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteUInt32(attribute, value);
        return w.EndMessage();
    }

    public static int SetLinkAddress(Span<byte> buffer, uint sequence, int index, PhysicalAddress mac)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.Address, mac.GetAddressBytes());
        return w.EndMessage();
    }

    public static int SetLinkName(Span<byte> buffer, uint sequence, int index, string name)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        w.WriteAttribute(IfLinkAttribute.IfName, name);
        return w.EndMessage();
    }

    public static int DeleteLink(Span<byte> buffer, uint sequence, int index)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.DelLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Index = index });
        return w.EndMessage();
    }

    public static int SetBridgePortFlag(Span<byte> buffer, uint sequence, int index, BridgePortAttribute attribute, bool on)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.SetLink, Ack, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge, Index = index });
        var protinfo = w.BeginNested(IfLinkAttribute.ProtInfo, markNested: true);
        w.WriteUInt8(attribute, on ? (byte)1 : (byte)0);
        w.EndNested(protinfo);
        return w.EndMessage();
    }

    public static int BridgeVlan(Span<byte> buffer, uint sequence, bool add, int index, ushort firstVid, ushort lastVid, BridgeVlanFlags flags, BridgeFlags target)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(add ? RtmType.SetLink : RtmType.DelLink, Ack, sequence);
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
        w.BeginMessage(RtmType.GetLink, NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Bridge });
        w.WriteUInt32(IfLinkAttribute.ExtMask, (uint)RtExtFilter.BridgeVlan);
        return w.EndMessage();
    }

    // ---- addresses ----

    public static int Address(Span<byte> buffer, uint sequence, bool add, int index, IPAddress address, int prefixLength, AddressOptions? options)
    {
        NetlinkAddressFamily family = FamilyOf(address);
        int maxPrefix = family == NetlinkAddressFamily.Inet ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefix);
        AddressFlags flags = (options?.NoDad == true ? AddressFlags.NoDad : 0) | (options?.NoPrefixRoute == true ? AddressFlags.NoPrefixRoute : 0);

        var w = new NetlinkWriter(buffer);
        w.BeginMessage(add ? RtmType.NewAddress : RtmType.DelAddress, add ? CreateExclusive : Ack, sequence);
        w.WriteStruct(new IfAddrMessage
        {
            Family = family,
            PrefixLength = (byte)prefixLength,
            Flags = (uint)flags <= 0xff ? (byte)flags : (byte)0,
            Scope = options?.Scope ?? RouteScope.Universe,
            Index = index,
        });
        w.WriteAttribute(IfAddrAttribute.Local, address);
        w.WriteAttribute(IfAddrAttribute.Address, address);
        if ((uint)flags > 0xff)
        {
            w.WriteUInt32(IfAddrAttribute.Flags, (uint)flags);
        }

        if (add && family == NetlinkAddressFamily.Inet && options?.NoBroadcast != true)
        {
            IPAddress? broadcast = options?.Broadcast ?? (prefixLength < 31 ? BroadcastOf(address, prefixLength) : null);
            if (broadcast is not null)
            {
                w.WriteAttribute(IfAddrAttribute.Broadcast, broadcast);
            }
        }

        if (options?.Label is { } label)
        {
            w.WriteAttribute(IfAddrAttribute.Label, label);
        }

        return w.EndMessage();
    }

    private static IPAddress BroadcastOf(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) | (uint.MaxValue >> prefixLength);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    public static int DumpAddresses(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetAddress, NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        w.WriteStruct(new IfAddrMessage { Family = family });
        return w.EndMessage();
    }

    // ---- routes ----

    public static int Route(Span<byte> buffer, uint sequence, RtmType type, NetlinkFlags flags, Route route)
    {
        bool delete = type == RtmType.DelRoute;
        NetlinkAddressFamily family = route.EffectiveFamily;
        int maxPrefix = family == NetlinkAddressFamily.Inet ? 32 : 128;
        if (route.DestinationPrefixLength < 0 || route.DestinationPrefixLength > maxPrefix)
        {
            throw new ArgumentException($"Prefix length {route.DestinationPrefixLength} is outside 0..{maxPrefix}.", nameof(route));
        }

        RouteScope scope = route.Scope ?? (delete ? RouteScope.Nowhere : route.Gateway is null && route.Type == RouteType.Unicast ? RouteScope.Link : RouteScope.Universe);
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, flags, sequence);
        w.WriteStruct(new RouteMessage
        {
            Family = family,
            DestinationLength = (byte)route.DestinationPrefixLength,
            Table = route.Table < 256 ? (byte)route.Table : (byte)0,
            Protocol = delete ? RouteProtocol.Unspecified : route.Protocol,
            Scope = scope,
            Type = delete ? RouteType.Unspecified : route.Type,
        });
        if (route.Destination is { } destination)
        {
            w.WriteAttribute(RouteAttribute.Destination, destination);
        }

        if (route.Gateway is { } gateway)
        {
            w.WriteAttribute(RouteAttribute.Gateway, gateway);
        }

        if (route.Priority != 0)
        {
            w.WriteUInt32(RouteAttribute.Priority, route.Priority);
        }

        if (route.Table >= 256)
        {
            w.WriteUInt32(RouteAttribute.Table, route.Table);
        }

        if (route.OutputInterface != 0)
        {
            w.WriteUInt32(RouteAttribute.OutputInterface, (uint)route.OutputInterface);
        }

        if (route.PreferredSource is { } source)
        {
            w.WriteAttribute(RouteAttribute.PreferredSource, source);
        }

        if (route.Mtu != 0 || route.AdvertisedMss != 0)
        {
            var metrics = w.BeginNested(RouteAttribute.Metrics);
            if (route.Mtu != 0)
            {
                w.WriteUInt32(RouteMetric.Mtu, route.Mtu);
            }

            if (route.AdvertisedMss != 0)
            {
                w.WriteUInt32(RouteMetric.AdvertisedMss, route.AdvertisedMss);
            }

            w.EndNested(metrics);
        }

        return w.EndMessage();
    }

    public static int DumpRoutes(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetRoute, NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        w.WriteStruct(new RouteMessage { Family = family });
        return w.EndMessage();
    }

    // ---- neighbours and FDB ----

    public static int Neighbour(Span<byte> buffer, uint sequence, RtmType type, NetlinkFlags flags, Neighbour neighbour)
    {
        NetlinkAddressFamily family = neighbour.EffectiveFamily;
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, flags, sequence);
        w.WriteStruct(new NeighbourMessage { Family = family, Index = neighbour.Index, State = neighbour.State, Flags = neighbour.Flags });
        if (family == NetlinkAddressFamily.Bridge)
        {
            // bridge fdb writes the MAC first.
            WriteLinkLayer(ref w, neighbour.LinkLayerAddress);
            WriteDestination(ref w, neighbour.Address);
        }
        else
        {
            WriteDestination(ref w, neighbour.Address);
            WriteLinkLayer(ref w, neighbour.LinkLayerAddress);
        }

        if (neighbour.Vlan != 0)
        {
            w.WriteUInt16(NeighbourAttribute.Vlan, neighbour.Vlan);
        }

        if (neighbour.MasterIndex != 0)
        {
            w.WriteUInt32(NeighbourAttribute.Master, (uint)neighbour.MasterIndex);
        }

        return w.EndMessage();

        static void WriteDestination(ref NetlinkWriter w, IPAddress? address)
        {
            if (address is not null)
            {
                w.WriteAttribute(NeighbourAttribute.Destination, address);
            }
        }

        static void WriteLinkLayer(ref NetlinkWriter w, PhysicalAddress? mac)
        {
            if (mac is not null)
            {
                w.WriteAttribute(NeighbourAttribute.LinkLayerAddress, mac.GetAddressBytes());
            }
        }
    }

    public static int DumpNeighbours(Span<byte> buffer, uint sequence, NetlinkAddressFamily family)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.GetNeighbour, NetlinkFlags.Request | NetlinkFlags.Dump, sequence);
        w.WriteStruct(new NeighbourMessage { Family = family });
        return w.EndMessage();
    }
}
