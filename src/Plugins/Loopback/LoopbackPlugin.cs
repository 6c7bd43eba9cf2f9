using System.Net;
using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Plugins.Loopback;

/// <summary>
/// The loopback plugin: ADD brings <c>lo</c> up in the container and reports it with its
/// addresses, DEL brings it down (a namespace that is gone is fine), CHECK verifies it is up.
/// </summary>
internal sealed class LoopbackPlugin : ICniPlugin
{
    public PluginInfo Info { get; } = new(BuildInfo.About("loopback"), CniVersion.All);

    public CniResult Add(AddRequest request)
    {
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        Link lo = rtnl.GetLink("lo");
        rtnl.SetLinkUp(lo.Index);

        // Report the loopback addresses the kernel gives lo once it is up, as the reference does.
        var result = new CniResult { Interfaces = { new CniInterface { Name = "lo", Mac = "00:00:00:00:00:00", Sandbox = request.NetNs } } };
        foreach (LinkAddress address in rtnl.ListAddresses(lo.Index))
        {
            if (IPAddress.IsLoopback(address.Address))
            {
                result.Ips.Add(new IpConfig { Address = new IPCidr(address.Address, address.PrefixLength), Interface = 0 });
            }
        }

        if (request.Version < CniVersion.V0_3_0 && result.Ips.Count == 0)
        {
            // Results of 0.1.0/0.2.0 must carry an address; lo always has 127.0.0.1 once up.
            result.Ips.Add(new IpConfig { Address = IPCidr.Parse("127.0.0.1/8"), Interface = 0 });
        }

        return result;
    }

    public void Delete(DeleteRequest request)
    {
        if (request.NetNs is null || !PodNamespace.Exists(request.NetNs))
        {
            return;
        }

        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        if (rtnl.TryGetLink("lo") is Link lo)
        {
            rtnl.SetLinkDown(lo.Index);
        }
    }

    public void Check(CheckRequest request)
    {
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        Link lo = rtnl.GetLink("lo");
        if ((lo.Flags & InterfaceFlags.Up) == 0)
        {
            throw new CniException(CniErrorCode.Internal, $"loopback interface is down in {request.NetNs}");
        }
    }
}
