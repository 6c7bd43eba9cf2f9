// The tests drive Linux: namespaces, netlink, file modes, the Go reference plugins.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
