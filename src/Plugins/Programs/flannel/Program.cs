using Cni.Plugins.Flannel;
using Cni.Skel;

return CniPlugin.Run(new FlannelPlugin(), args);
