using Cni.Skel;
using MyCniPlugin;

return CniPlugin.Run(new MyCniPluginPlugin(), args);
