using Cni.Plugins.ClusterLocal;
using Cni.Skel;

return CniPlugin.Run(new ClusterLocalPlugin(), args);
