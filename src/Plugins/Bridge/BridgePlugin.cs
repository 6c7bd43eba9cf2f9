using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The bridge plugin: a Linux bridge on the node, a veth pair per container with the container end
/// made directly inside the container's namespace, addresses from an IPAM plugin by delegation, and
/// the gateway addresses on the bridge. It runs in the node's namespace (the one it is started in).
/// </summary>
/// <remarks>
/// ADD undoes everything it made when a later step fails: the masquerade and spoof-check rules are
/// removed, the IPAM allocation is released and the veth pair is deleted. DEL succeeds when the
/// namespace, the interface or the lease is already gone, always runs IPAM DEL, and always removes the
/// attachment's rules (<see cref="AttachmentRules"/>), also when the namespace is gone. The bridge
/// itself is shared by every container and is never deleted. No process is started but the IPAM plugin
/// (and, on DEL, iptables-legacy where the node has legacy nat tables: see <see cref="LegacyIptables"/>).
/// </remarks>
internal sealed class BridgePlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("bridge"), CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        BridgeConfig config = BridgeConfig.From(request, forAdd: true);
        if (config.IpamType is null && request.Version < CniVersion.V0_3_0)
        {
            // Checked first so nothing is created: a 0.1.0/0.2.0 result must carry an address.
            throw new CniException(
                CniErrorCode.Internal,
                "cannot convert: no valid IP addresses",
                $"a layer-2 network (no ipam type) has no address to report in a {request.Version} result; use cniVersion 0.3.0 or later");
        }

        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket podLinks = RtnlSocket.OpenIn(pod);
        if (podLinks.TryGetLink(request.IfName) is not null)
        {
            throw new CniException(CniErrorCode.Internal, $"container veth name provided ({request.IfName}) already exists");
        }

        using RtnlSocket node = RtnlSocket.Open();
        Link bridge = NodeSide.EnsureBridge(node, config);

        // Disposed last, after the rollback: see AttachmentRules on why its socket closes late.
        using var rules = new AttachmentRules();
        bool success = false;
        Link? hostVeth = null;
        bool ipamAllocated = false;
        bool rulesMade = false;
        try
        {
            VethPair veth = VethPair.Create(node, pod, podLinks, request.IfName, config.Mtu, config.ContainerMac);
            hostVeth = veth.Host;
            Link container = veth.Container;
            NodeSide.AttachPort(node, hostVeth, bridge, config);
            if (config.MacSpoofCheck)
            {
                // Before IPAM, as the reference: the port never forwards a frame from another MAC.
                rulesMade = true;
                rules.SetUpSpoofCheck(hostVeth.Name, container.MacAddress, request.ContainerId, request.IfName);
            }

            var result = new CniResult
            {
                Interfaces =
                {
                    new CniInterface { Name = bridge.Name, Mac = MacText.Format(bridge.MacAddress) },
                    new CniInterface { Name = hostVeth.Name, Mac = MacText.Format(hostVeth.MacAddress) },
                    new CniInterface { Name = container.Name, Mac = MacText.Format(container.MacAddress), Sandbox = request.NetNs },
                },
            };

            if (config.IpamType is string ipamType)
            {
                CniResult ipam = request.Delegate.Add(ipamType);
                ipamAllocated = true;
                if (ipam.Ips.Count == 0)
                {
                    throw new CniException(CniErrorCode.Internal, "IPAM plugin returned missing IP config");
                }

                result = new CniResult { Interfaces = result.Interfaces, Ips = [.. ipam.Ips], Routes = [.. ipam.Routes], Dns = ipam.Dns };
                if (config.IpMasq)
                {
                    // As soon as the addresses are known (the reference does it after the gateways; the rules
                    // match on addresses alone, so the order is not visible): the kernel's clean-up after this
                    // commit then overlaps the container's configuration instead of delaying the socket's close.
                    rulesMade = true;
                    rules.SetUpMasquerade(config.NetworkName, request.IfName, request.ContainerId, result.Ips.Select(ip => ip.Address));
                }

                List<IPCidr> gateways = Gateways.Compute(result, config);
                PodInterface.Configure(pod, podLinks, container, result, config.EnableDad);
                if (gateways.Count > 0)
                {
                    Link gatewayLink = bridge;
                    if (config.Vlan != 0)
                    {
                        gatewayLink = NodeSide.EnsureVlanGateway(node, bridge, config);
                        result.Interfaces.Add(new CniInterface { Name = gatewayLink.Name, Mac = MacText.Format(gatewayLink.MacAddress) });
                    }

                    foreach (IPCidr gateway in gateways)
                    {
                        NodeSide.EnsureGatewayAddress(node, gatewayLink, gateway, config);
                    }

                    Forwarding.EnableFor(gateways.Select(g => g.Address));
                }
            }
            else if (!config.DisableContainerInterface)
            {
                // Layer 2 only: no addresses, but the container end still comes up.
                podLinks.SetLinkUp(container.Index);
            }

            // The host end's and the bridge's MACs can change once ports and addresses are in place: re-read them.
            hostVeth = config.DisableContainerInterface ? node.GetLink(hostVeth.Index) : NodeSide.WaitPortUp(node, hostVeth);
            result.Interfaces[1].Mac = MacText.Format(hostVeth.MacAddress);
            result.Interfaces[0].Mac = MacText.Format(node.GetLink(bridge.Index).MacAddress);
            if (config.Dns is DnsConfig dns)
            {
                result.Dns = dns;
            }

            // The conversion the dispatcher will do must not fail after we report success.
            result.ConvertTo(request.Version);
            success = true;
            return result;
        }
        finally
        {
            if (!success)
            {
                Rollback(request, config, node, hostVeth, ipamAllocated, rulesMade ? rules : null);
            }
        }
    }

    public void Delete(DeleteRequest request)
    {
        BridgeConfig config = BridgeConfig.From(request, forAdd: false);
        CniException? linkFailure = null;
        if (request.NetNs is string netns && PodNamespace.Exists(netns))
        {
            try
            {
                using NetworkNamespace pod = PodNamespace.Open(netns);
                using RtnlSocket podLinks = RtnlSocket.OpenIn(pod);

                // Deleting the container end deletes its host peer with it.
                podLinks.DeleteLink(request.IfName);
            }
            catch (CniException e)
            {
                linkFailure = e;
            }
            catch (NetlinkException e)
            {
                linkFailure = new CniException(CniErrorCode.Internal, $"failed to delete \"{request.IfName}\" in {netns}: {e.Message}");
            }
        }

        // The attachment's rules go whether or not the namespace is still there (the reference leaks them
        // when it is gone), by their names alone: no address has to be read from the pod.
        // Before IPAM DEL, so that closing the rules' socket overlaps it (see AttachmentRules).
        CniException? rulesFailure = null;
        using var rules = new AttachmentRules();
        if (config.IpMasq || config.MacSpoofCheck)
        {
            try
            {
                rules.TearDown(config.NetworkName, request.ContainerId, request.IfName, config.IpMasq, config.MacSpoofCheck, request.Log);
            }
            catch (CniException e)
            {
                rulesFailure = e;
            }
        }

        // IPAM DEL always runs: a namespace that is gone, or one we could not clean, still frees its lease.
        if (config.IpamType is string ipamType)
        {
            request.Delegate.Delete(ipamType);
        }

        if ((linkFailure ?? rulesFailure) is CniException failure)
        {
            throw failure;
        }
    }

    public void Check(CheckRequest request)
    {
        BridgeConfig config = BridgeConfig.From(request, forAdd: false);
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        if (config.IpamType is string ipamType)
        {
            request.Delegate.Check(ipamType);
        }

        CniResult prev = request.PrevResult ?? throw new CniException(CniErrorCode.Internal, "Required prevResult missing");
        using RtnlSocket podLinks = RtnlSocket.OpenIn(pod);
        using RtnlSocket node = RtnlSocket.Open();
        Link hostVeth = BridgeCheck.Run(node, pod, podLinks, prev, config, request.IfName);
        using var rules = new AttachmentRules();
        if (config.MacSpoofCheck)
        {
            Link container = podLinks.GetLink(request.IfName);
            rules.VerifySpoofCheck(hostVeth.Name, container.MacAddress, request.ContainerId, request.IfName);
        }

        if (config.IpMasq)
        {
            rules.VerifyMasquerade(config.NetworkName, request.IfName, request.ContainerId, prev.Ips.Select(ip => ip.Address));
        }
    }

    public void Status(StatusRequest request)
    {
        if (!string.IsNullOrEmpty(request.Config.Ipam?.Type))
        {
            request.Delegate.Status(request.Config.Ipam.Type);
        }
    }

    public void GarbageCollect(GcRequest request)
    {
        // The bridge keeps no state of its own outside the containers' namespaces: GC is IPAM's.
        if (!string.IsNullOrEmpty(request.Config.Ipam?.Type))
        {
            request.Delegate.GarbageCollect(request.Config.Ipam.Type);
        }
    }

    private static void Rollback(AddRequest request, BridgeConfig config, RtnlSocket node, Link? hostVeth, bool ipamAllocated, AttachmentRules? rules)
    {
        // Reverse order: the rules, the lease, then the veth pair (deleting one end deletes both; gone already is fine).
        try
        {
            if (rules is not null)
            {
                rules.TearDown(config.NetworkName, request.ContainerId, request.IfName, config.IpMasq, config.MacSpoofCheck, request.Log);
            }
        }
        catch (CniException e)
        {
            request.Log.WriteLine($"bridge: rollback: removing the attachment's rules failed: {e.Message}");
        }

        try
        {
            if (ipamAllocated)
            {
                request.Delegate.Delete(config.IpamType!);
            }
        }
        catch (CniException e)
        {
            request.Log.WriteLine($"bridge: rollback: IPAM DEL failed: {e.Message}");
        }

        try
        {
            if (hostVeth is not null)
            {
                node.DeleteLink(hostVeth.Name);
            }
        }
        catch (NetlinkException e)
        {
            request.Log.WriteLine($"bridge: rollback: deleting {hostVeth!.Name} failed: {e.Message}");
        }
    }
}
