using Cni.Plugins.Bridge;
using Cni.Plugins.Flannel;
using Cni.Plugins.HostLocal;
using Cni.Plugins.Loopback;
using Cni.Skel;

// The one table of the plugins this executable holds, by the name each is installed as. A delegation
// to one of these names that finds this executable on CNI_PATH runs in this process.
return MultiCallPlugin.Run(
    "CNI plugins, multi-call (" + Cni.Plugins.Bundle.BuildInfo.Product + ")",
    new Dictionary<string, Func<ICniPlugin>>(StringComparer.Ordinal)
    {
        ["bridge"] = static () => new BridgePlugin(),
        ["host-local"] = static () => new HostLocalPlugin(),
        ["loopback"] = static () => new LoopbackPlugin(),
        ["flannel"] = static () => new FlannelPlugin(),
    },
    args);
