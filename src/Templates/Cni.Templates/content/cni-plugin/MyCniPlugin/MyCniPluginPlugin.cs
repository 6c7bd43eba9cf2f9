using Cni.Netlink;
using Cni.Skel;
using Cni.Spec;

namespace MyCniPlugin;

/// <summary>
/// A chained plugin: ADD sets the container's interface (CNI_IFNAME) up in its namespace and passes the
/// previous plugin's result on; CHECK verifies the interface is up; DEL has nothing to undo. Replace the
/// bodies with what your plugin does; Cni.Skel has already checked the environment and the configuration.
/// </summary>
public sealed class MyCniPluginPlugin : ICniPlugin
{
    /// <summary>The about text and the versions VERSION reports.</summary>
    public PluginInfo Info { get; } = new("CNI my-cni-plugin plugin", CniVersion.All);

    /// <summary>ADD: the interface is set up; the previous result is passed on.</summary>
    /// <param name="request">The call.</param>
    /// <returns>The result.</returns>
    public CniResult Add(AddRequest request)
    {
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        Link link = rtnl.TryGetLink(request.IfName)
            ?? throw new CniException(CniErrorCode.InvalidNetworkConfig, $"no interface {request.IfName} in {request.NetNs}: run this plugin after one that creates it");
        rtnl.SetLinkUp(link.Index);
        return request.PrevResult ?? new CniResult();
    }

    /// <summary>DEL: nothing to undo.</summary>
    /// <param name="request">The call.</param>
    public void Delete(DeleteRequest request)
    {
        // Nothing to undo: DEL succeeds, also when the namespace or the interface is already gone.
    }

    /// <summary>CHECK: the interface must be up.</summary>
    /// <param name="request">The call.</param>
    public void Check(CheckRequest request)
    {
        using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
        using RtnlSocket rtnl = RtnlSocket.OpenIn(pod);
        if (rtnl.TryGetLink(request.IfName) is not Link { IsUp: true })
        {
            throw new CniException(CniErrorCode.Internal, $"{request.IfName} in {request.NetNs} is not up");
        }
    }
}
