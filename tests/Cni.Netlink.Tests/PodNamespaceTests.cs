using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>Opening CNI_NETNS: the namespace, or the specification's error object with the reference's text.</summary>
public sealed class PodNamespaceTests
{
    [Theory]
    [InlineData("/run/netns/cnitest-does-not-exist", "No such file or directory")]
    [InlineData("/proc/version", "'/proc/version' is not a network namespace")]
    [InlineData("/proc/self/ns/uts", "it is a namespace of another type")]
    public void A_path_that_is_no_network_namespace_is_error_999_naming_the_path(string path, string reason)
    {
        Requires.Root();
        CniException e = Assert.Throws<CniException>(() => PodNamespace.Open(path));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.StartsWith($"failed to open netns \"{path}\": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_path_is_error_999_too()
    {
        CniException e = Assert.Throws<CniException>(() => PodNamespace.Open(""));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.StartsWith("failed to open netns \"\": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opens_a_namespace_and_tells_whether_its_path_exists()
    {
        Requires.Root();
        string path;
        using (var ns = TestNamespace.Create("nl-podns"))
        {
            path = ns.Path;
            using NetworkNamespace pod = PodNamespace.Open(ns.Path);
            Assert.Equal(ns.Path, pod.Path);
            Assert.Equal(Processes.Output("stat", "-L", "-c", "%i", ns.Path).Trim(), pod.Inode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(PodNamespace.Exists(ns.Path));
        }

        // Gone once the runtime removed it: DEL then skips the namespace's cleanup.
        Assert.False(PodNamespace.Exists(path));
        Assert.True(PodNamespace.Exists("/proc"));
    }
}
