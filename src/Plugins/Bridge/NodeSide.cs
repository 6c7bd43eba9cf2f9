using System.Globalization;
using System.Net.Sockets;
using Cni.Netlink;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>What ADD does in the node's namespace: the bridge, its port (the host end of the veth) and its gateway addresses.</summary>
internal static class NodeSide
{
    /// <summary>How long ADD waits for the host end to come up, as the reference: 0, 50, 500, 1000, 1000 ms.</summary>
    private static readonly int[] PortUpRetries = [0, 50, 500, 1000, 1000];

    /// <summary>Creates the bridge if it is missing (a concurrent ADD creating it too is fine), and brings it up.</summary>
    /// <remarks>Equivalent to: <c>ip link add cni0 [mtu N] type bridge [vlan_filtering 1]; ip link set cni0 [promisc on] up</c>.</remarks>
    public static Link EnsureBridge(RtnlSocket node, BridgeConfig config)
    {
        string name = config.BridgeName;
        Link? bridge = node.TryGetLink(name);
        if (bridge is null)
        {
            try
            {
                node.AddBridge(name, new BridgeOptions
                {
                    Mtu = config.Mtu > 0 ? config.Mtu : null,
                    VlanFiltering = config.VlanFiltering ? true : null,
                });
            }
            catch (NetlinkException e) when (!e.IsExists)
            {
                throw Fail($"failed to create bridge \"{name}\": could not add \"{name}\": {e.Message}");
            }

            bridge = node.GetLink(name);
        }

        if (bridge.Kind != "bridge")
        {
            throw Fail($"failed to create bridge \"{name}\": \"{name}\" already exists but is not a bridge (it is a {bridge.Kind ?? "device without a kind"})");
        }

        try
        {
            if (config.VlanFiltering && bridge.Bridge?.VlanFiltering != true)
            {
                node.SetBridgeVlanFiltering(bridge.Index, true);
            }

            if (config.PromiscMode && !bridge.IsPromiscuous)
            {
                node.SetPromiscuous(bridge.Index, true);
            }

            // We own the bridge's routes: no router advertisements (best effort: there is no such setting where IPv6 is off).
            try
            {
                Sysctl.Write(Sysctl.IPv6Conf(name, "accept_ra"), "0");
            }
            catch (NetlinkException)
            {
            }

            if (!bridge.IsUp)
            {
                node.SetLinkUp(bridge.Index);
            }
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to set up bridge \"{name}\": {e.Message}");
        }

        return node.GetLink(bridge.Index);
    }

    /// <summary>Puts an attachment's mark (<see cref="AttachmentMark"/>) on the host end, as its alias.</summary>
    /// <remarks>Equivalent to: <c>ip link set vethX alias "cni-bridge1 ..."</c>.</remarks>
    public static void Mark(RtnlSocket node, Link host, string mark)
    {
        try
        {
            node.SetLinkAlias(host.Index, mark);
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to mark {host.Name} with its attachment (alias \"{mark}\"): {e.Message}");
        }
    }

    /// <summary>Makes the host end a port of the bridge with the configured hairpin, isolation and VLANs.</summary>
    /// <remarks>
    /// Equivalent to: <c>ip link set vethX master cni0; bridge link set dev vethX hairpin on isolated on;
    /// bridge vlan del/add dev vethX vid N pvid untagged</c>.
    /// </remarks>
    public static void AttachPort(RtnlSocket node, Link host, Link bridge, BridgeConfig config)
    {
        string step = "connect";
        try
        {
            node.SetLinkMaster(host.Index, bridge.Index);
            step = "set hairpin mode on";
            if (config.HairpinMode)
            {
                node.SetBridgePortHairpin(host.Index, true);
            }

            step = "set port isolation on";
            if (config.PortIsolation)
            {
                node.SetBridgePortIsolated(host.Index, true);
            }

            step = "set the VLANs of";
            ApplyVlans(node, host.Index, config.Vlan, config.TrunkVlans, config.PreserveDefaultVlan);
        }
        catch (Exception e) when (e is NetlinkException or ArgumentException)
        {
            throw Fail($"failed to {step} {host.Name} (bridge {bridge.Name}): {e.Message}");
        }
    }

    private static void ApplyVlans(RtnlSocket node, int port, int vlan, IReadOnlyList<ushort> trunk, bool preserveDefaultVlan)
    {
        if (vlan == 0 && trunk.Count == 0)
        {
            return;
        }

        if (!preserveDefaultVlan)
        {
            foreach (BridgeVlan existing in node.ListBridgeVlans(port))
            {
                node.DeleteBridgeVlan(port, existing.Vid);
            }
        }

        if (vlan != 0)
        {
            node.AddBridgeVlan(port, (ushort)vlan, pvid: true, untagged: true);
        }

        // Consecutive trunk ids go as one range.
        for (int i = 0; i < trunk.Count;)
        {
            int j = i;
            while (j + 1 < trunk.Count && trunk[j + 1] == trunk[j] + 1)
            {
                j++;
            }

            node.AddBridgeVlan(port, trunk[i], trunk[j]);
            i = j + 1;
        }
    }

    /// <summary>
    /// With <c>vlan</c> and <c>isGateway</c>, the gateway lives on <c>&lt;bridge&gt;.&lt;vlan&gt;</c>: one end of a
    /// veth pair whose other end is an access port of that VLAN, as the reference does. Made once, then shared.
    /// </summary>
    public static Link EnsureVlanGateway(RtnlSocket node, Link bridge, BridgeConfig config)
    {
        string name = $"{bridge.Name}.{config.Vlan.ToString(CultureInfo.InvariantCulture)}";
        if (node.TryGetLink(name) is Link existing)
        {
            return existing;
        }

        string portName = VethPair.NewHostName();
        try
        {
            node.AddVeth(portName, name, new VethOptions { Mtu = bridge.Mtu, PeerMtu = bridge.Mtu });
            Link port = node.GetLink(portName);
            node.SetLinkUp(port.Index);
            node.SetLinkMaster(port.Index, bridge.Index);
            ApplyVlans(node, port.Index, config.Vlan, [], config.PreserveDefaultVlan);
            Link gateway = node.GetLink(name);
            node.SetLinkUp(gateway.Index);
            return node.GetLink(gateway.Index);
        }
        catch (NetlinkException e) when (e.IsExists)
        {
            return node.GetLink(name);
        }
        catch (NetlinkException e)
        {
            node.DeleteLink(portName);
            throw Fail($"failed to create vlan interface: failed to create vlan gateway \"{name}\": {e.Message}");
        }
    }

    /// <summary>
    /// Puts a gateway address on the bridge. Another IPv4 address there (or an overlapping IPv6 one) is an
    /// error unless <c>forceAddress</c>, which replaces it. The bridge's MAC is then pinned to its current
    /// value, so it no longer follows the lowest port MAC as ports come and go.
    /// </summary>
    /// <remarks>Equivalent to: <c>ip addr add 10.22.0.1/16 dev cni0; ip link set cni0 address &lt;its own MAC&gt;</c>.</remarks>
    public static void EnsureGatewayAddress(RtnlSocket node, Link link, IPCidr gateway, BridgeConfig config)
    {
        bool v4 = gateway.Address.AddressFamily == AddressFamily.InterNetwork;
        try
        {
            foreach (LinkAddress a in node.ListAddresses(link.Index, v4 ? NetlinkAddressFamily.Inet : NetlinkAddressFamily.Inet6))
            {
                if (a.Address.Equals(gateway.Address) && a.PrefixLength == gateway.PrefixLength)
                {
                    return;
                }

                var present = new IPCidr(a.Address, a.PrefixLength);
                if (v4 || present.Network.Contains(gateway.Address) || gateway.Network.Contains(a.Address))
                {
                    if (!config.ForceAddress)
                    {
                        throw Fail($"failed to set bridge addr: \"{link.Name}\" already has an IP address different from {gateway}");
                    }

                    node.DeleteAddress(link.Index, a.Address, a.PrefixLength);
                }
            }

            try
            {
                node.AddAddress(link.Index, gateway.Address, gateway.PrefixLength, new AddressOptions { NoDad = !v4 && !config.EnableDad });
            }
            catch (NetlinkException e) when (e.IsExists)
            {
                // A concurrent ADD put it there first.
            }

            if (node.GetLink(link.Index).MacAddress is { } mac)
            {
                node.SetLinkMacAddress(link.Index, mac);
            }
        }
        catch (NetlinkException e)
        {
            throw Fail($"failed to set bridge addr: could not add IP address {gateway} to \"{link.Name}\": {e.Message}");
        }
    }

    /// <summary>Waits for the host end to be operationally up, as the reference does, and returns it re-read.</summary>
    public static Link WaitPortUp(RtnlSocket node, Link host)
    {
        Link current = host;
        foreach (int sleep in PortUpRetries)
        {
            Thread.Sleep(sleep);
            current = node.GetLink(host.Index);
            if (current.OperationalState == OperationalState.Up)
            {
                return current;
            }
        }

        throw Fail($"bridge port in error state: {current.OperationalState.ToString().ToLowerInvariant()}");
    }

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
