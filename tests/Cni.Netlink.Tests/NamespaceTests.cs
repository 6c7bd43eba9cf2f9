using Cni.Tests;

namespace Cni.Netlink.Tests;

public sealed class NamespaceTests
{
    [Fact]
    public void Opening_something_that_is_not_a_network_namespace_names_the_path()
    {
        Requires.Root();
        NetlinkException notNs = Assert.Throws<NetlinkException>(() => NetworkNamespace.Open("/proc/self/ns/uts"));
        Assert.Contains("'/proc/self/ns/uts' is not a network namespace", notNs.Message, StringComparison.Ordinal);
        NetlinkException file = Assert.Throws<NetlinkException>(() => NetworkNamespace.Open("/proc/version"));
        Assert.Contains("'/proc/version' is not a network namespace", file.Message, StringComparison.Ordinal);
        NetlinkException missing = Assert.Throws<NetlinkException>(() => NetworkNamespace.Open("/run/netns/cnitest-does-not-exist"));
        Assert.True(missing.IsNotFound);
        Assert.Contains("/run/netns/cnitest-does-not-exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_switches_a_dedicated_thread_and_never_the_caller()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-run");
        using var handle = NetworkNamespace.Open(ns.Path);
        int callerThread = Environment.CurrentManagedThreadId;
        Assert.False(NetworkNamespace.IsCurrent(ns.Path));
        Assert.True(NetworkNamespace.IsCurrent("/proc/self/ns/net"));

        (bool inside, int thread, bool pool) = handle.Run(() => (NetworkNamespace.IsCurrent(ns.Path), Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));
        Assert.True(inside);
        Assert.NotEqual(callerThread, thread);
        Assert.False(pool);
        Assert.False(NetworkNamespace.IsCurrent(ns.Path));

        using NetworkNamespace current = NetworkNamespace.OpenCurrent();
        Assert.NotEqual(current.Inode, handle.Inode);
        string inode = Processes.Output("stat", "-L", "-c", "%i", ns.Path).Trim();
        Assert.Equal(inode, handle.Inode.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var thrown = Assert.Throws<InvalidOperationException>(() => handle.Run(() => throw new InvalidOperationException("inside")));
        Assert.Equal("inside", thrown.Message);
        Assert.False(NetworkNamespace.IsCurrent(ns.Path));
    }

    [Fact]
    public void Sysctls_are_per_namespace()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-sysctl");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddVeth("veth0", "veth1");
        string hostForwarding = Sysctl.Read("net.ipv4.ip_forward"); // read only: the host is never changed

        handle.WriteSysctl("net.ipv4.ip_forward", "1");
        handle.Run(() =>
        {
            Sysctl.Write(Sysctl.IPv6Conf("veth0", "accept_dad"), "0");
            Sysctl.Write(Sysctl.IPv4Conf("veth0", "arp_notify"), "1");
            Sysctl.Write(Sysctl.IPv6Conf("veth0", "keep_addr_on_down"), "1");
        });

        Assert.Equal("1", handle.ReadSysctl("net.ipv4.ip_forward"));
        Assert.Equal("1", ns.Exec("sysctl", "-n", "net.ipv4.ip_forward").Trim());
        Assert.Equal("0", ns.Exec("sysctl", "-n", "net.ipv6.conf.veth0.accept_dad").Trim());
        Assert.Equal("1", ns.Exec("sysctl", "-n", "net.ipv4.conf.veth0.arp_notify").Trim());
        Assert.Equal("1", handle.ReadSysctl("net/ipv6/conf/veth0/keep_addr_on_down"));
        Assert.Equal(hostForwarding, Sysctl.Read("net.ipv4.ip_forward"));

        NetlinkException missing = Assert.Throws<NetlinkException>(() => handle.ReadSysctl(Sysctl.IPv6Conf("nosuchif", "accept_dad")));
        Assert.True(missing.IsNotFound);
        Assert.Throws<ArgumentException>(() => Sysctl.Read("net/../../etc/passwd"));
    }
}
