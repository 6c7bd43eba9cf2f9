namespace Cni.Tests;

/// <summary>
/// Guards for tests that need the real machine: root, namespaces, the Go reference plugins.
/// Outside CI a missing prerequisite skips the test; when CNI_TESTS_STRICT=1 (the test command
/// sets it, and so CI) it fails instead, so a root test never passes by not running.
/// </summary>
internal static class Requires
{
    public static bool Strict => Environment.GetEnvironmentVariable("CNI_TESTS_STRICT") is "1" or "true";

    public static void Root()
    {
        if (Environment.UserName != "root" && Tmds_geteuid() != 0)
        {
            Unavailable("this test needs root (network namespaces, netlink)");
        }
    }

    /// <summary>The directory holding the Go reference plugins (Debian's containernetworking-plugins).</summary>
    public static string ReferencePluginDir =>
        Environment.GetEnvironmentVariable("CNI_REFERENCE_DIR") is { Length: > 0 } dir ? dir : "/usr/lib/cni";

    /// <summary>Requires a Go reference plugin binary and returns its path.</summary>
    public static string ReferencePlugin(string name)
    {
        string path = Path.Combine(ReferencePluginDir, name);
        if (!File.Exists(path))
        {
            Unavailable($"the Go reference plugin {path} is missing (apt-get install containernetworking-plugins)");
        }

        return path;
    }

    public static void Unavailable(string why)
    {
        if (Strict)
        {
            Assert.Fail("prerequisite missing while CNI_TESTS_STRICT=1: " + why);
        }

        Assert.Skip(why);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint Tmds_geteuid();
}
