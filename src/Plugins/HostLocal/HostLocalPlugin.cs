using Cni.Ipam;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.HostLocal;

/// <summary>
/// The host-local IPAM plugin: leases addresses from the configured range sets in files under
/// <c>&lt;dataDir&gt;/&lt;network name&gt;/</c>, in the reference plugin's layout, so either binary can take over
/// a node's leases. ADD, DEL and CHECK behave as the reference; GC and STATUS (spec 1.1.0) are ours.
/// </summary>
internal sealed class HostLocalPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new("CNI host-local plugin (Cni.Libraries)", CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        var result = new CniResult();
        if (config.ResolvConf is not null)
        {
            result.Dns = ToDns(LoadResolvConf(config.ResolvConf));
        }

        using DiskIpamStore store = OpenStore(config);
        var ipam = new HostLocalIpam(store, config.RangeSets);
        foreach (IpAllocation allocation in ipam.Allocate(request.ContainerId, request.IfName, config.RequestedIps))
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
        using DiskIpamStore store = OpenStore(config);
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
        using DiskIpamStore store = OpenStore(config);
        var ipam = new HostLocalIpam(store, config.RangeSets);
        if (ipam.Find(request.ContainerId, request.IfName).Count == 0)
        {
            throw new CniException(CniErrorCode.Internal, $"host-local: Failed to find address added by container {request.ContainerId}");
        }
    }

    public void Status(StatusRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = OpenStore(config);
        new HostLocalIpam(store, config.RangeSets).CheckStatus();
    }

    public void GarbageCollect(GcRequest request)
    {
        HostLocalConfig config = HostLocalConfig.Load(request.Config, request.Args);
        using DiskIpamStore store = OpenStore(config);
        var ipam = new HostLocalIpam(store, config.RangeSets);
        IReadOnlyList<Lease> released = ipam.CollectGarbage(request.ValidAttachments.Select(a => new LeaseOwner(a.ContainerId, a.IfName)));
        foreach (Lease lease in released)
        {
            request.Log.WriteLine($"host-local: GC released {lease.Address} held by {lease.Owner.ContainerId}{(lease.Owner.IfName is null ? string.Empty : "/" + lease.Owner.IfName)}");
        }
    }

    private static DiskIpamStore OpenStore(HostLocalConfig config) => new(config.DataDir, config.NetworkName);

    private static ResolvConf LoadResolvConf(string path)
    {
        try
        {
            return ResolvConf.Load(path);
        }
        catch (CniException e) when (e.InnerException is not null)
        {
            // The reference's text: "open PATH: no such file or directory".
            string reason = e.InnerException switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
                UnauthorizedAccessException => "permission denied",
                _ => e.InnerException.Message,
            };
            throw new CniException(e.Code, $"open {path}: {reason}", e.Details, e);
        }
    }

    private static DnsConfig ToDns(ResolvConf conf)
    {
        var dns = new DnsConfig { Domain = conf.Domain };
        foreach (string s in conf.Nameservers)
        {
            dns.Nameservers.Add(s);
        }

        foreach (string s in conf.Search)
        {
            dns.Search.Add(s);
        }

        foreach (string s in conf.Options)
        {
            dns.Options.Add(s);
        }

        return dns;
    }
}
