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
/// <para>
/// An IPAM plugin that provably needs nothing of the container's interface (<see cref="RunsAlongside"/>) is
/// started first and runs while the bridge does its own netlink work: on ADD while the veth pair is made, on
/// CHECK while the links are checked, on DEL while the rules and the veth are removed (the kernel's veth
/// deletion and host-local's DEL are the two long steps of a DEL). The results, errors and files are those of
/// the sequential order; every other IPAM type (<c>dhcp</c> needs the link in the pod) is called in that order.
/// </para>
/// </remarks>
internal sealed class BridgePlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("bridge"), CniVersion.All);

    /// <summary>
    /// Whether the IPAM plugin may run at the same time as the bridge's own work: only the types known to
    /// read nothing but their configuration and their store, never the container's interface (host-local and
    /// static allocate from the configuration, cluster-local from etcd). Any other type keeps the sequential
    /// order: <c>dhcp</c> runs its DHCP client on the container's link, which must exist on ADD and still exist
    /// on DEL (its release is sent from it), and a type we do not know may do the same.
    /// </summary>
    internal static bool RunsAlongside(string ipamType) => ipamType is "host-local" or "static" or "cluster-local";

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

        // Started once every check that can refuse the ADD without undoing anything has passed, so that such a
        // refusal costs no allocation; it runs while the veth pair is made and ported. Disposed (waited for, if the
        // rollback did not) after the rollback.
        using PendingDelegation? earlyIpam = config.IpamType is string earlyType && RunsAlongside(earlyType)
            ? request.Delegate.StartAdd(earlyType)
            : null;

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

            // First, before it is a port or has rules: GC finds our links, and their attachments, by this mark alone.
            NodeSide.Mark(node, hostVeth, AttachmentMark.Format(config.NetworkName, request.ContainerId, request.IfName));
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
                CniResult ipam = earlyIpam is not null ? earlyIpam.Result : request.Delegate.Add(ipamType);
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

            // The runtime removed the pod's namespace while we worked in it (our handle kept it alive): the
            // attachment would vanish with our handle, its lease and rules left behind. Undo it instead.
            if (!PodNamespace.Exists(request.NetNs))
            {
                throw new CniException(
                    CniErrorCode.Internal,
                    $"the container's network namespace {request.NetNs} was removed during ADD",
                    "the attachment was undone (veth, rules and IPAM lease); ADD can be retried with a namespace that exists");
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
                Rollback(request, config, node, hostVeth, ipamAllocated, earlyIpam, rulesMade ? rules : null);
            }
        }
    }

    public void Delete(DeleteRequest request)
    {
        BridgeConfig config = BridgeConfig.From(request, forAdd: false);

        // Started first where it needs nothing of the link, and so run while the rules and the veth go (the reference
        // frees the lease before it deletes the link, too); disposed, so waited for, even if the teardown throws.
        // One that cannot be started (no such binary) is left to the call in order below, which fails the same
        // way after the teardown, as before.
        PendingDelegation? ipam = null;
        if (config.IpamType is string earlyType && RunsAlongside(earlyType))
        {
            try
            {
                ipam = request.Delegate.StartDelete(earlyType);
            }
            catch (CniException)
            {
                ipam = null;
            }
        }

        using PendingDelegation? pendingIpam = ipam;

        // The attachment's rules go first, whether or not the namespace is still there (the reference leaks them
        // when it is gone), by their names alone: no address has to be read from the pod. Before the link, so that
        // a DEL killed half-way leaves the marked link for GC to find the rules by, never rules without a link.
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

        // IPAM DEL always runs: a namespace that is gone, or one we could not clean, still frees its lease.
        if (ipam is not null)
        {
            ipam.Wait();
        }
        else if (config.IpamType is string ipamType)
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
        PendingDelegation? ipam = null;
        if (config.IpamType is string ipamType)
        {
            if (RunsAlongside(ipamType))
            {
                ipam = request.Delegate.StartCheck(ipamType);
            }
            else
            {
                request.Delegate.Check(ipamType);
            }
        }

        using (ipam)
        {
            try
            {
                CheckAttachment(request, config, pod);
            }
            catch
            {
                // IPAM's verdict came first in the sequential order, so it is the one reported when both fail.
                ipam?.Wait();
                throw;
            }

            ipam?.Wait();
        }
    }

    private static void CheckAttachment(CheckRequest request, BridgeConfig config, NetworkNamespace pod)
    {
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

    /// <summary>
    /// GC (spec 1.1.0; the reference has none): every host veth on the bridge that carries our mark
    /// (<see cref="AttachmentMark"/>) for this network and an attachment not in <c>cni.dev/valid-attachments</c> is
    /// removed with its rules (rules first, so a GC killed half-way leaves the link to find them by next
    /// time); then the rules no link names (<see cref="AttachmentRules.GarbageCollect"/>); then GC is
    /// delegated to IPAM. Links without our mark (another tool's, the reference plugin's, the VLAN gateway's
    /// port, ours of another network) are never touched. Every step runs; the first failure is reported.
    /// </summary>
    public void GarbageCollect(GcRequest request)
    {
        BridgeConfig config = BridgeConfig.From(request, forAdd: false);
        var valid = new ValidMarks(config.NetworkName, request.ValidAttachments);
        using var rules = new AttachmentRules();
        CniException? failure = null;
        using (RtnlSocket node = RtnlSocket.Open())
        {
            try
            {
                if (node.TryGetLink(config.BridgeName) is { Kind: "bridge" } bridge)
                {
                    foreach (Link link in node.ListLinks())
                    {
                        if (link.MasterIndex != bridge.Index || link.Kind != "veth" || link.Alias is not { } alias
                            || AttachmentMark.Parse(alias) is not { } mark || !mark.IsOf(config.NetworkName) || valid.Contains(alias))
                        {
                            continue;
                        }

                        if (mark is { ContainerId: { } containerId, IfName: { } ifName })
                        {
                            try
                            {
                                rules.TearDown(config.NetworkName, containerId, ifName, masquerade: true, spoofCheck: true, request.Log);
                            }
                            catch (CniException e)
                            {
                                // The link stays with its mark: the next GC tries its rules again.
                                failure ??= e;
                                continue;
                            }
                        }

                        request.Log.WriteLine($"bridge: GC removes {link.Name} ({alias}): not a valid attachment");
                        try
                        {
                            node.DeleteLink(link.Index);
                        }
                        catch (NetlinkException e) when (e.IsNotFound)
                        {
                            // Its namespace went meanwhile, and the pair with it.
                        }
                    }
                }
            }
            catch (NetlinkException e)
            {
                failure ??= new CniException(CniErrorCode.Internal, $"GC: failed to remove the host veths of invalid attachments from \"{config.BridgeName}\": {e.Message}");
            }

            try
            {
                rules.GarbageCollect(config.NetworkName, request.ValidAttachments, name => node.TryGetLink(name) is not null, request.Log);
            }
            catch (CniException e)
            {
                failure ??= e;
            }
        }

        // IPAM's GC always runs: its leases are freed whatever happened to the links.
        if (config.IpamType is string ipamType)
        {
            request.Delegate.GarbageCollect(ipamType);
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static void Rollback(AddRequest request, BridgeConfig config, RtnlSocket node, Link? hostVeth, bool ipamAllocated, PendingDelegation? earlyIpam, AttachmentRules? rules)
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

        if (earlyIpam is { IsCompleted: false })
        {
            // The step that failed came before the IPAM result was read: the allocation may have been made meanwhile.
            try
            {
                _ = earlyIpam.Result;
                ipamAllocated = true;
            }
            catch (CniException e)
            {
                request.Log.WriteLine($"bridge: rollback: IPAM ADD (run alongside) failed too: {e.Message}");
            }
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
