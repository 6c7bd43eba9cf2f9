using Cni.Skel;
using StaticRoutes;

return CniPlugin.Run(new StaticRoutesPlugin(), args);
