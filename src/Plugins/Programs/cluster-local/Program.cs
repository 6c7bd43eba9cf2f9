using Cni.Plugins.ClusterLocal;
using Cni.Skel;

OpenSslTrust.UseNoSystemStore();
return CniPlugin.Run(new ClusterLocalPlugin(), args);
