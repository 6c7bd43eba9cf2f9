using Cni.Ipam;
using Cni.Ipam.Etcd;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.ClusterLocal;

/// <summary>
/// The cluster-local IPAM plugin: host-local's configuration and allocation rules (Cni.Ipam's
/// <see cref="HostLocalConfig"/> and <see cref="HostLocalIpam"/>, so the same configuration gives the same
/// addresses), with the leases in an etcd cluster that every node shares instead of files on one node.
/// Each reservation is one etcd transaction, so two nodes never get the same address; each lease records
/// the node that made it, and GC on a node frees only that node's leases.
/// </summary>
/// <remarks>
/// Failures: etcd unreachable or without quorum makes ADD fail with code 11 ("try again later") once the
/// configured timeout has passed, with nothing left behind; STATUS answers code 50 then, and when a range set
/// is exhausted. DEL of an unknown attachment succeeds.
/// </remarks>
internal sealed class ClusterLocalPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("cluster-local"), CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        ClusterLocalConfig config = ClusterLocalConfig.Load(request.Config, request.Args);
        var result = new CniResult { Dns = config.HostLocal.LoadDns() ?? new() };
        using IIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.HostLocal.RangeSets);
        foreach (IpAllocation allocation in ipam.Allocate(request.ContainerId, request.IfName, config.HostLocal.RequestedAddresses))
        {
            result.Ips.Add(new IpConfig { Address = new IPCidr(allocation.Address, allocation.PrefixLength), Gateway = allocation.Gateway });
        }

        foreach (CniRoute route in config.HostLocal.Routes)
        {
            result.Routes.Add(route);
        }

        return result;
    }

    public void Delete(DeleteRequest request)
    {
        ClusterLocalConfig config = ClusterLocalConfig.Load(request.Config, request.Args);
        using IIpamStore store = config.OpenStore();

        // One release frees the attachment's lease in every range set: the store keeps no legacy
        // (container ID only) leases, which host-local's repeated passes are for.
        new HostLocalIpam(store, config.HostLocal.RangeSets).Release(request.ContainerId, request.IfName);
    }

    public void Check(CheckRequest request)
    {
        ClusterLocalConfig config = ClusterLocalConfig.Load(request.Config, request.Args);
        using IIpamStore store = config.OpenStore();
        if (new HostLocalIpam(store, config.HostLocal.RangeSets).Find(request.ContainerId, request.IfName).Count == 0)
        {
            throw new CniException(CniErrorCode.Internal, $"cluster-local: Failed to find address added by container {request.ContainerId}");
        }
    }

    /// <summary>
    /// STATUS in two requests whatever the number of leases: a quorum read (<see cref="EtcdIpamStore.CheckUsable"/>),
    /// then the count of every reserved address (<see cref="EtcdIpamStore.CountReserved"/>, answered by etcd without
    /// sending keys). No range set can be exhausted while that count is below the number of addresses it can give out
    /// (<see cref="RangeSet.AllocatableCount"/>). Only when it is not — a range set near exhaustion, or small
    /// beside the others — is every address read and counted against each range set (host-local's exact rule).
    /// </summary>
    public void Status(StatusRequest request)
    {
        ClusterLocalConfig config = ClusterLocalConfig.Load(request.Config, request.Args);
        using EtcdIpamStore store = config.OpenStore();
        store.CheckUsable();
        long reserved;
        try
        {
            reserved = store.CountReserved();
        }
        catch (CniException e) when (e.Code is CniErrorCode.TryAgainLater or CniErrorCode.IOFailure)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, e.Message, e.Details, e);
        }

        if (config.HostLocal.RangeSets.Any(set => set.AllocatableCount <= (UInt128)reserved))
        {
            new HostLocalIpam(store, config.HostLocal.RangeSets).CheckStatus();
        }
    }

    public void GarbageCollect(GcRequest request)
    {
        ClusterLocalConfig config = ClusterLocalConfig.Load(request.Config, request.Args);
        using IIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.HostLocal.RangeSets);
        IReadOnlyList<Lease> released = ipam.CollectGarbage(request.ValidAttachments.Select(a => new LeaseOwner(a.ContainerId, a.IfName)));
        foreach (Lease lease in released)
        {
            request.Log.WriteLine($"cluster-local: GC on node {config.NodeName} released {lease.Address} held by {lease.Owner.ContainerId}/{lease.Owner.IfName}");
        }
    }
}
