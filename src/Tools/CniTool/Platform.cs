// cnitool runs network namespaces and Linux plugins: Linux only, which also tells the platform analyzer.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
