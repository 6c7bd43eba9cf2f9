using Cni.Plugins.HostLocal;
using Cni.Skel;

return CniPlugin.Run(new HostLocalPlugin(), args);
