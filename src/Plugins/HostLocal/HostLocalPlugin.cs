using Cni.Ipam;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.HostLocal;

/// <summary>
/// The host-local IPAM plugin: leases addresses from the configured range sets in files under
/// <c>&lt;dataDir&gt;/&lt;network name&gt;/</c>, in the reference plugin's layout, so either binary can take over
/// a node's leases. ADD, DEL and CHECK behave as the reference; GC and STATUS (spec 1.1.0) are ours.
/// The configuration is Cni.Ipam's <see cref="HostLocalConfig"/>, the leases its <see cref="HostLocalIpam"/>.
/// </summary>
internal sealed class HostLocalPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("host-local"), CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        var result = new CniResult { Dns = config.LoadDns() ?? new() };
        using DiskIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.RangeSets);
        foreach (IpAllocation allocation in ipam.Allocate(request.ContainerId, request.IfName, config.RequestedAddresses))
        {
            result.Ips.Add(new IpConfig { Address = new IPCidr(allocation.Address, allocation.PrefixLength), Gateway = allocation.Gateway });
        }

        foreach (CniRoute route in config.Routes)
        {
            result.Routes.Add(route);
        }

        return result;
    }

    public void Delete(DeleteRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.RangeSets);

        // The reference releases once per range set; the passes after the first release the legacy
        // (container ID only) leases when no exact ones are left, so the same is done here.
        for (int i = 0; i < config.RangeSets.Count; i++)
        {
            ipam.Release(request.ContainerId, request.IfName);
        }
    }

    public void Check(CheckRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.RangeSets);
        if (ipam.Find(request.ContainerId, request.IfName).Count == 0)
        {
            throw new CniException(CniErrorCode.Internal, $"host-local: Failed to find address added by container {request.ContainerId}");
        }
    }

    public void Status(StatusRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = config.OpenStore();
        new HostLocalIpam(store, config.RangeSets).CheckStatus();
    }

    public void GarbageCollect(GcRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = config.OpenStore();
        var ipam = new HostLocalIpam(store, config.RangeSets);
        IReadOnlyList<Lease> released = ipam.CollectGarbage(request.ValidAttachments.Select(a => new LeaseOwner(a.ContainerId, a.IfName)));
        foreach (Lease lease in released)
        {
            request.Log.WriteLine($"host-local: GC released {lease.Address} held by {lease.Owner.ContainerId}{(lease.Owner.IfName is null ? string.Empty : "/" + lease.Owner.IfName)}");
        }
    }
}
