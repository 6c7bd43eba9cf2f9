using Cni.Plugins.Loopback;
using Cni.Skel;

return CniPlugin.Run(new LoopbackPlugin(), args);
