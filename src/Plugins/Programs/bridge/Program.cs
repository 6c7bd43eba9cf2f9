using Cni.Plugins.Bridge;
using Cni.Skel;

return CniPlugin.Run(new BridgePlugin(), args);
