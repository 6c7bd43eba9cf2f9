using System.Net;
using System.Net.NetworkInformation;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    // ---------------------------------------------------------------- links

    /// <summary>Gets a link by name.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>The link.</returns>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link show dev &lt;name&gt;</c>.</remarks>
    public Link GetLink(string name)
    {
        RtnlEncoding.CheckName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.GetLinkByName(buffer, NextSequence(), name);
        return GetOne(buffer[..length], RtnlDecoding.ParseLink, name);
    }

    /// <summary>Gets a link by index.</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The link.</returns>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link show</c> of the link with that index.</remarks>
    public Link GetLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.GetLinkByIndex(buffer, NextSequence(), index);
        return GetOne(buffer[..length], RtnlDecoding.ParseLink, "index " + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Gets a link by name, or null when there is none.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>The link, or null.</returns>
    /// <remarks>Equivalent to: <c>ip link show dev &lt;name&gt;</c>, with "does not exist" mapped to null.</remarks>
    public Link? TryGetLink(string name)
    {
        try
        {
            return GetLink(name);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Lists all links.</summary>
    /// <returns>The links, in the kernel's order.</returns>
    /// <remarks>Equivalent to: <c>ip link show</c>.</remarks>
    public IReadOnlyList<Link> ListLinks()
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.DumpLinks(buffer, NextSequence());
        return DumpAll(buffer[..length], (ushort)RtmType.NewLink, RtnlDecoding.ParseLink);
    }

    /// <summary>Creates a bridge.</summary>
    /// <param name="name">The bridge name.</param>
    /// <param name="options">MTU, MAC, VLAN filtering.</param>
    /// <exception cref="NetlinkException">It exists already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; [mtu N] [address MAC] type bridge [vlan_filtering 0|1]</c>.</remarks>
    public void AddBridge(string name, BridgeOptions? options = null)
    {
        RtnlEncoding.CheckName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.AddBridge(buffer, NextSequence(), name, options)], name);
    }

    /// <summary>Turns VLAN filtering on a bridge on or off.</summary>
    /// <param name="index">The bridge's index.</param>
    /// <param name="enabled">True to filter.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;bridge&gt; type bridge vlan_filtering 0|1</c>.</remarks>
    public void SetBridgeVlanFiltering(int index, bool enabled)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetBridgeVlanFiltering(buffer, NextSequence(), index, enabled)], null);
    }

    /// <summary>
    /// Creates a veth pair: <paramref name="name"/> in this socket's namespace and <paramref name="peerName"/>
    /// in <see cref="VethOptions.PeerNamespace"/> (created there directly) or here.
    /// </summary>
    /// <param name="name">The name of this end.</param>
    /// <param name="peerName">The name of the other end.</param>
    /// <param name="options">MTUs, MACs, the peer's namespace.</param>
    /// <exception cref="NetlinkException">A name is taken in its namespace (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; [mtu N] [address MAC] type veth peer name &lt;peer&gt; [mtu N] [address MAC] [netns &lt;ns&gt;]</c>.</remarks>
    public void AddVeth(string name, string peerName, VethOptions? options = null)
    {
        RtnlEncoding.CheckName(name, nameof(name));
        RtnlEncoding.CheckName(peerName, nameof(peerName));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int fd = options?.PeerNamespace?.FileDescriptor ?? -1;
        Execute(buffer[..RtnlEncoding.AddVeth(buffer, NextSequence(), name, peerName, options, fd)], name + "/" + peerName);
        GC.KeepAlive(options?.PeerNamespace);
    }

    /// <summary>Creates a VXLAN device.</summary>
    /// <param name="name">The device name.</param>
    /// <param name="options">VNI, local address, underlying device, port, learning.</param>
    /// <exception cref="NetlinkException">It exists already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link add &lt;name&gt; type vxlan id &lt;vni&gt; [local IP] [dev DEV] [dstport PORT] [nolearning]</c>.</remarks>
    public void AddVxlan(string name, VxlanOptions options)
    {
        RtnlEncoding.CheckName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.AddVxlan(buffer, NextSequence(), name, options)], name);
    }

    /// <summary>Brings a link up.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; up</c>.</remarks>
    public void SetLinkUp(int index) => SetLinkFlags(index, InterfaceFlags.Up, InterfaceFlags.Up);

    /// <summary>Takes a link down.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; down</c>.</remarks>
    public void SetLinkDown(int index) => SetLinkFlags(index, InterfaceFlags.None, InterfaceFlags.Up);

    /// <summary>Turns promiscuous mode on or off.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="on">True for on.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; promisc on|off</c>.</remarks>
    public void SetPromiscuous(int index, bool on) =>
        SetLinkFlags(index, on ? InterfaceFlags.Promiscuous : InterfaceFlags.None, InterfaceFlags.Promiscuous);

    private void SetLinkFlags(int index, InterfaceFlags flags, InterfaceFlags change)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetLinkFlags(buffer, NextSequence(), index, flags, change)], null);
    }

    /// <summary>Makes a link a port of a master device (a bridge).</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="masterIndex">The master's index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; master &lt;bridge&gt;</c>.</remarks>
    public void SetLinkMaster(int index, int masterIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(masterIndex);
        SetLinkUInt32(index, IfLinkAttribute.Master, (uint)masterIndex);
    }

    /// <summary>Releases a link from its master.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; nomaster</c>.</remarks>
    public void SetLinkNoMaster(int index) => SetLinkUInt32(index, IfLinkAttribute.Master, 0);

    /// <summary>Sets a link's MTU.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="mtu">The MTU.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; mtu &lt;mtu&gt;</c>.</remarks>
    public void SetLinkMtu(int index, int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        SetLinkUInt32(index, IfLinkAttribute.Mtu, (uint)mtu);
    }

    /// <summary>Moves a link into another network namespace.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="target">The namespace to move it to.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; netns &lt;ns&gt;</c>.</remarks>
    public void SetLinkNamespace(int index, NetworkNamespace target)
    {
        ArgumentNullException.ThrowIfNull(target);
        SetLinkUInt32(index, IfLinkAttribute.NetNsFd, (uint)target.FileDescriptor);
        GC.KeepAlive(target);
    }

    private void SetLinkUInt32(int index, IfLinkAttribute attribute, uint value)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetLinkUInt32(buffer, NextSequence(), index, attribute, value)], null);
    }

    /// <summary>Sets a link's hardware address.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="macAddress">The address.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; address &lt;mac&gt;</c>.</remarks>
    public void SetLinkMacAddress(int index, PhysicalAddress macAddress)
    {
        ArgumentNullException.ThrowIfNull(macAddress);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetLinkAddress(buffer, NextSequence(), index, macAddress)], null);
    }

    /// <summary>Renames a link (it must be down).</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="name">The new name.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; name &lt;name&gt;</c>.</remarks>
    public void SetLinkName(int index, string name)
    {
        RtnlEncoding.CheckName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetLinkName(buffer, NextSequence(), index, name)], name);
    }

    /// <summary>Turns hairpin mode of a bridge port on or off: frames may leave by the port they came in.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="on">True for on.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; hairpin on|off</c>.</remarks>
    public void SetBridgePortHairpin(int index, bool on) => SetBridgePortFlag(index, BridgePortAttribute.Mode, on);

    /// <summary>Isolates a bridge port or not: isolated ports cannot talk to each other.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="on">True to isolate.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; isolated on|off</c>.</remarks>
    public void SetBridgePortIsolated(int index, bool on) => SetBridgePortFlag(index, BridgePortAttribute.Isolated, on);

    /// <summary>Sets any u8 bridge port flag (learning, flooding...).</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="attribute">The port attribute.</param>
    /// <param name="on">True for 1, false for 0.</param>
    /// <remarks>Equivalent to: <c>bridge link set dev &lt;dev&gt; &lt;flag&gt; on|off</c>.</remarks>
    public void SetBridgePortFlag(int index, BridgePortAttribute attribute, bool on)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.SetBridgePortFlag(buffer, NextSequence(), index, attribute, on)], null);
    }

    /// <summary>Adds a VLAN, or a range of tagged VLANs, to a bridge port (needs <c>vlan_filtering</c> on the bridge).</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="vid">The VLAN id, or the first of the range.</param>
    /// <param name="lastVid">The last VLAN id of the range; 0 or <paramref name="vid"/> for a single VLAN.</param>
    /// <param name="pvid">Untagged ingress frames get this VLAN.</param>
    /// <param name="untagged">Frames leave untagged.</param>
    /// <param name="target">For the port's master (the default), the device itself, or both.</param>
    /// <remarks>Equivalent to: <c>bridge vlan add dev &lt;dev&gt; vid &lt;vid&gt;[-&lt;last&gt;] [pvid] [untagged] [self] [master]</c>.</remarks>
    public void AddBridgeVlan(int index, ushort vid, ushort lastVid = 0, bool pvid = false, bool untagged = false, BridgeFlags target = BridgeFlags.None)
    {
        CheckVlans(vid, ref lastVid);
        BridgeVlanFlags flags = (pvid ? BridgeVlanFlags.Pvid : 0) | (untagged ? BridgeVlanFlags.Untagged : 0);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.BridgeVlan(buffer, NextSequence(), add: true, index, vid, lastVid, flags, target)], null);
    }

    /// <summary>Removes a VLAN, or a range, from a bridge port.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="vid">The VLAN id, or the first of the range.</param>
    /// <param name="lastVid">The last VLAN id of the range; 0 or <paramref name="vid"/> for a single VLAN.</param>
    /// <param name="target">For the port's master (the default), the device itself, or both.</param>
    /// <remarks>Equivalent to: <c>bridge vlan del dev &lt;dev&gt; vid &lt;vid&gt;[-&lt;last&gt;]</c>.</remarks>
    public void DeleteBridgeVlan(int index, ushort vid, ushort lastVid = 0, BridgeFlags target = BridgeFlags.None)
    {
        CheckVlans(vid, ref lastVid);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.BridgeVlan(buffer, NextSequence(), add: false, index, vid, lastVid, BridgeVlanFlags.None, target)], null);
    }

    private static void CheckVlans(ushort vid, ref ushort lastVid)
    {
        if (lastVid == 0)
        {
            lastVid = vid;
        }

        if (vid is < 1 or > 4094 || lastVid is < 1 or > 4094 || lastVid < vid)
        {
            throw new ArgumentOutOfRangeException(nameof(vid), $"VLAN range {vid}-{lastVid} is not within 1..4094 in order.");
        }
    }

    /// <summary>Lists the VLANs of a bridge port (or of the bridge itself).</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The VLANs, ranges expanded.</returns>
    /// <remarks>Equivalent to: <c>bridge vlan show dev &lt;dev&gt;</c>.</remarks>
    public IReadOnlyList<BridgeVlan> ListBridgeVlans(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.DumpBridgeVlans(buffer, NextSequence());
        var vlans = new List<BridgeVlan>();
        using NetlinkReply reply = Dump(buffer[..length]);
        foreach (NetlinkMessage message in reply.GetMessages())
        {
            if (message.Type == (ushort)RtmType.NewLink && message.ReadStruct<IfInfoMessage>().Index == index)
            {
                RtnlDecoding.ParseBridgeVlans(message, vlans);
            }
        }

        return vlans;
    }

    /// <summary>Reads a link's RFC 2863 operational state.</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The state.</returns>
    /// <remarks>Equivalent to: <c>cat /sys/class/net/&lt;dev&gt;/operstate</c>.</remarks>
    public OperationalState GetOperationalState(int index) => GetLink(index).OperationalState;

    /// <summary>Deletes a link (for a veth, both ends).</summary>
    /// <param name="index">The interface index.</param>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link del &lt;dev&gt;</c>.</remarks>
    public void DeleteLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.DeleteLink(buffer, NextSequence(), index)], null);
    }

    /// <summary>Deletes a link by name.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>False when there was no such link (so DEL can be idempotent).</returns>
    /// <remarks>Equivalent to: <c>ip link del &lt;name&gt;</c>, with "does not exist" mapped to false.</remarks>
    public bool DeleteLink(string name)
    {
        Link? link = TryGetLink(name);
        if (link is null)
        {
            return false;
        }

        try
        {
            DeleteLink(link.Index);
            return true;
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- addresses

    /// <summary>Adds an address to a link.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">The prefix length.</param>
    /// <param name="options">No DAD, broadcast, scope, label.</param>
    /// <exception cref="NetlinkException">It is there already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip addr add &lt;address&gt;/&lt;prefix&gt; [brd +] dev &lt;dev&gt; [nodad]</c>. IPv4 gets the computed broadcast, as with <c>brd +</c>, unless told otherwise.</remarks>
    public void AddAddress(int index, IPAddress address, int prefixLength, AddressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.Address(buffer, NextSequence(), add: true, index, address, prefixLength, options)], $"{address}/{prefixLength}");
    }

    /// <summary>Deletes an address from a link.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">The prefix length.</param>
    /// <exception cref="NetlinkException">No such address (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip addr del &lt;address&gt;/&lt;prefix&gt; dev &lt;dev&gt;</c>.</remarks>
    public void DeleteAddress(int index, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.Address(buffer, NextSequence(), add: false, index, address, prefixLength, null)], $"{address}/{prefixLength}");
    }

    /// <summary>Lists addresses.</summary>
    /// <param name="index">Only this interface's; 0 for all.</param>
    /// <param name="family">Only this family's; <see cref="NetlinkAddressFamily.Unspecified"/> for both.</param>
    /// <returns>The addresses.</returns>
    /// <remarks>Equivalent to: <c>ip [-4|-6] addr show [dev &lt;dev&gt;]</c>.</remarks>
    public IReadOnlyList<LinkAddress> ListAddresses(int index = 0, NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.DumpAddresses(buffer, NextSequence(), family);
        IReadOnlyList<LinkAddress> all = DumpAll(buffer[..length], (ushort)RtmType.NewAddress, RtnlDecoding.ParseAddress);
        return index == 0 ? all : all.Where(a => a.Index == index).ToList();
    }

    // ---------------------------------------------------------------- routes

    /// <summary>Adds a route; fails if an equal route exists.</summary>
    /// <param name="route">The route.</param>
    /// <exception cref="NetlinkException">It exists (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip route add &lt;dst&gt; [via GW] [dev DEV] [metric N] [table T] [scope S] [mtu M] [advmss A]</c> (<c>NLM_F_CREATE | NLM_F_EXCL</c>).</remarks>
    public void AddRoute(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create | NetlinkFlags.Exclusive, route);

    /// <summary>
    /// Adds a route without <c>NLM_F_EXCL</c>, as the Go plugins' <c>RouteAddEcmp</c> does: a route to the
    /// same destination through another next hop is added beside the existing one; an identical route
    /// still fails with EEXIST.
    /// </summary>
    /// <param name="route">The route.</param>
    /// <remarks>Equivalent to: <c>ip route add</c> sent with <c>NLM_F_CREATE</c> only.</remarks>
    public void AddRouteEcmp(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create, route);

    /// <summary>Adds a route or replaces the one with the same destination, metric and table.</summary>
    /// <param name="route">The route.</param>
    /// <remarks>Equivalent to: <c>ip route replace ...</c> (<c>NLM_F_CREATE | NLM_F_REPLACE</c>).</remarks>
    public void ReplaceRoute(Route route) => RouteRequest(RtmType.NewRoute, NetlinkFlags.Create | NetlinkFlags.Replace, route);

    /// <summary>Deletes a route. Fields left unset match any value.</summary>
    /// <param name="route">The route: destination, and whatever else narrows it.</param>
    /// <exception cref="NetlinkException">No such route (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip route del &lt;dst&gt; [via GW] [dev DEV] [metric N] [table T]</c>.</remarks>
    public void DeleteRoute(Route route) => RouteRequest(RtmType.DelRoute, NetlinkFlags.None, route);

    private void RouteRequest(RtmType type, NetlinkFlags flags, Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.Route(buffer, NextSequence(), type, NetlinkFlags.Request | NetlinkFlags.Ack | flags, route)], route.ToString());
    }

    /// <summary>Lists routes.</summary>
    /// <param name="family">Only this family's; <see cref="NetlinkAddressFamily.Unspecified"/> for both.</param>
    /// <param name="table">Only this table's (<see cref="RouteTable.Main"/> by default); <see cref="RouteTable.Unspecified"/> for all tables.</param>
    /// <returns>The routes.</returns>
    /// <remarks>Equivalent to: <c>ip [-4|-6] route show [table T|all]</c>.</remarks>
    public IReadOnlyList<Route> ListRoutes(NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified, uint table = RouteTable.Main)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.DumpRoutes(buffer, NextSequence(), family);
        IReadOnlyList<Route> all = DumpAll(buffer[..length], (ushort)RtmType.NewRoute, RtnlDecoding.ParseRoute);
        return table == RouteTable.Unspecified ? all : all.Where(r => r.Table == table).ToList();
    }

    // ---------------------------------------------------------------- neighbours and FDB

    /// <summary>Adds a neighbour or FDB entry; fails if it exists.</summary>
    /// <param name="neighbour">The entry.</param>
    /// <remarks>Equivalent to: <c>ip neigh add &lt;ip&gt; lladdr &lt;mac&gt; dev &lt;dev&gt; nud permanent</c>, or <c>bridge fdb add</c> for <see cref="NetlinkAddressFamily.Bridge"/>.</remarks>
    public void AddNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Exclusive, neighbour);

    /// <summary>Adds or replaces a neighbour or FDB entry (what flannel does for its VTEP peers).</summary>
    /// <param name="neighbour">The entry.</param>
    /// <remarks>Equivalent to: <c>ip neigh replace ...</c>, or <c>bridge fdb replace</c> for <see cref="NetlinkAddressFamily.Bridge"/>.</remarks>
    public void SetNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Replace, neighbour);

    /// <summary>Appends an FDB entry: a VXLAN can have several remotes for one MAC (the all-zero MAC floods to each).</summary>
    /// <param name="neighbour">The entry, with family <see cref="NetlinkAddressFamily.Bridge"/>.</param>
    /// <remarks>Equivalent to: <c>bridge fdb append &lt;mac&gt; dev &lt;vxlan&gt; dst &lt;ip&gt; self permanent</c>.</remarks>
    public void AppendNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Append, neighbour);

    /// <summary>Deletes a neighbour or FDB entry.</summary>
    /// <param name="neighbour">The entry.</param>
    /// <exception cref="NetlinkException">No such entry (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip neigh del &lt;ip&gt; dev &lt;dev&gt;</c>, or <c>bridge fdb del</c>.</remarks>
    public void DeleteNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.DelNeighbour, NetlinkFlags.None, neighbour);

    private void NeighbourRequest(RtmType type, NetlinkFlags flags, Neighbour neighbour)
    {
        ArgumentNullException.ThrowIfNull(neighbour);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..RtnlEncoding.Neighbour(buffer, NextSequence(), type, NetlinkFlags.Request | NetlinkFlags.Ack | flags, neighbour)], neighbour.ToString());
    }

    /// <summary>Lists neighbour entries, or FDB entries with <see cref="NetlinkAddressFamily.Bridge"/>.</summary>
    /// <param name="index">Only this interface's; 0 for all.</param>
    /// <param name="family">IPv4, IPv6, <see cref="NetlinkAddressFamily.Bridge"/> for the FDB, or unspecified for IPv4 and IPv6.</param>
    /// <returns>The entries.</returns>
    /// <remarks>Equivalent to: <c>ip neigh show [dev &lt;dev&gt;]</c>, or <c>bridge fdb show [dev &lt;dev&gt;]</c>.</remarks>
    public IReadOnlyList<Neighbour> ListNeighbours(int index = 0, NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = RtnlEncoding.DumpNeighbours(buffer, NextSequence(), family);
        IReadOnlyList<Neighbour> all = DumpAll(buffer[..length], (ushort)RtmType.NewNeighbour, RtnlDecoding.ParseNeighbour);
        return index == 0 ? all : all.Where(n => n.Index == index).ToList();
    }

    // ---------------------------------------------------------------- plumbing

    private delegate T Parser<T>(NetlinkMessage message);

    private void Execute(ReadOnlySpan<byte> request, string? context)
    {
        try
        {
            Transact(request, null, out _);
        }
        catch (NetlinkException e) when (context is not null && e.RequestType != 0)
        {
            throw new NetlinkException(e.ErrorCode, e.RequestType, e.KernelMessage, context);
        }
    }

    private T GetOne<T>(ReadOnlySpan<byte> request, Parser<T> parse, string context)
    {
        NetlinkReply reply;
        try
        {
            reply = Get(request);
        }
        catch (NetlinkException e) when (e.RequestType != 0)
        {
            throw new NetlinkException(e.ErrorCode, e.RequestType, e.KernelMessage, context);
        }

        using (reply)
        {
            foreach (NetlinkMessage message in reply.GetMessages())
            {
                return parse(message);
            }
        }

        throw NetlinkException.Malformed("the kernel answered a GET with no message");
    }

    private List<T> DumpAll<T>(ReadOnlySpan<byte> request, ushort type, Parser<T> parse)
    {
        var items = new List<T>();
        using NetlinkReply reply = Dump(request);
        foreach (NetlinkMessage message in reply.GetMessages())
        {
            if (message.Type == type)
            {
                items.Add(parse(message));
            }
        }

        return items;
    }
}
