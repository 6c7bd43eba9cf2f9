namespace Cni.Tests;

/// <summary>
/// Guards for tests that need the real machine: root, namespaces, the Go reference plugins, kernel features.
/// </summary>
/// <remarks>
/// <para>
/// One rule decides whether a test may skip. A skip is allowed, strict or not, only for a kernel
/// feature this machine provably lacks (<see cref="KernelFeature"/>, decided by a probe of the kernel
/// such as <see cref="KernelProbes.BridgeVlanFiltering"/>); its reason names the feature and the
/// evidence, and it is counted as skipped, never as passed. Every other missing prerequisite
/// (<see cref="Unavailable"/>: not root, a binary not published, a package not installed) skips only
/// outside CI: when CNI_TESTS_STRICT=1 (the test command sets it) it fails, so nothing passes by not running.
/// </para>
/// </remarks>
internal static class Requires
{
    public static bool Strict => Environment.GetEnvironmentVariable("CNI_TESTS_STRICT") is "1" or "true";

    public static void Root()
    {
        if (!Environment.IsPrivilegedProcess)
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

    /// <summary>A prerequisite that is not a kernel feature is missing: fails under CNI_TESTS_STRICT=1, skips otherwise.</summary>
    public static void Unavailable(string why)
    {
        if (Strict)
        {
            Assert.Fail("prerequisite missing while CNI_TESTS_STRICT=1: " + why);
        }

        Assert.Skip(why);
    }

    /// <summary>Skips unless this machine's kernel has <paramref name="feature"/>, as <paramref name="probe"/> proves one way or the other.</summary>
    /// <param name="feature">What the test needs, for example <c>"bridge VLAN filtering"</c>.</param>
    /// <param name="probe">The kernel probe; it throws when it cannot tell, which fails the test.</param>
    public static void KernelFeature(string feature, Func<KernelProbe> probe)
    {
        KernelProbe result = probe();
        if (!result.Present)
        {
            KernelFeatureMissing(feature, result.Evidence);
        }
    }

    /// <summary>The skip itself, for a test that found the proof on its own (for example EOPNOTSUPP from the kernel).</summary>
    /// <param name="feature">The feature.</param>
    /// <param name="evidence">What the kernel answered.</param>
    public static void KernelFeatureMissing(string feature, string evidence) =>
        Assert.Skip($"kernel feature missing: this machine's kernel lacks {feature} ({evidence})");
}

/// <summary>What a kernel probe found: whether the feature is there, and the kernel's answer that shows it.</summary>
internal readonly record struct KernelProbe(bool Present, string Evidence);
