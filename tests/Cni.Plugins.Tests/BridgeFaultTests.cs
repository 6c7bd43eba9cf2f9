using System.Diagnostics;
using System.Globalization;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// Hard faults under bridge ADD, black-box with the published binaries: an IPAM plugin that dies or hangs
/// (fault scripts in the node's CNI_PATH), the IPAM store full or read-only (a small tmpfs the test mounts
/// in its temporary directory), the pod namespace removed between ADD's steps. Each must fail with a clear
/// error and its code, and leave nothing made: the kernel's state and the data directory are read back.
/// </summary>
public sealed class BridgeFaultTests
{
    private const string Extra = "\"isGateway\":true,\"ipMasq\":true,\"macspoofchk\":true";

    private static void FaultIpam(BridgeNode node, string script)
    {
        string path = Path.Combine(node.PluginPath, "host-local");
        File.Delete(path);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static CniError Failed(ProcessResult r, int code)
    {
        Assert.True(r.ExitCode == 1, r.ToString());
        CniError error = PluginRunner.Error(r);
        Assert.True((int)error.Code == code, r.ToString());
        return error;
    }

    [Fact]
    public void An_ipam_plugin_that_dies_fails_add_naming_it_and_nothing_is_left()
    {
        Requires.Root();
        using var node = new BridgeNode("fdie");
        FaultIpam(node, "kill -KILL $$");
        TestNamespace pod = node.Pod();
        CniError error = Failed(node.Run(RepoPaths.OurPlugin("bridge"), "ADD", pod.Path, node.Config(extra: Extra)), 999);
        Assert.Contains("host-local", error.Message, StringComparison.Ordinal);
        ChaosKit.AssertClean(node, pod, "after the IPAM plugin died");
    }

    [Fact]
    public void A_hung_ipam_plugin_is_killed_at_the_delegate_timeout_add_fails_with_11_and_nothing_is_left()
    {
        Requires.Root();
        using var node = new BridgeNode("fhang");
        string marker = "1000." + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        FaultIpam(node, "exec sleep " + marker);
        TestNamespace pod = node.Pod();
        var clock = Stopwatch.StartNew();
        using PluginProcess p = ChaosKit.Start(node, RepoPaths.OurPlugin("bridge"), "ADD", pod.Path, node.Config(extra: Extra), "ctr1", new() { ["CNI_DELEGATE_TIMEOUT"] = "1.5" });
        ProcessResult r = p.Wait(30_000);
        clock.Stop();
        CniError error = Failed(r, 11);
        Assert.Contains("host-local did not finish within 1.5 s and was killed", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 25);

        // The hung delegate itself is gone, not left running.
        Assert.DoesNotContain(Directory.GetDirectories("/proc").Where(d => char.IsDigit(Path.GetFileName(d)[0])),
            d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(marker, StringComparison.Ordinal); } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } });
        ChaosKit.AssertClean(node, pod, "after the hung IPAM plugin was killed");
    }

    [Fact]
    public void A_delegate_timeout_that_is_not_a_number_fails_add_with_4_and_nothing_is_left()
    {
        Requires.Root();
        using var node = new BridgeNode("ftmo", RepoPaths.OurPlugin("host-local"));
        TestNamespace pod = node.Pod();
        using PluginProcess p = ChaosKit.Start(node, RepoPaths.OurPlugin("bridge"), "ADD", pod.Path, node.Config(extra: Extra), "ctr1", new() { ["CNI_DELEGATE_TIMEOUT"] = "soon" });
        CniError error = Failed(p.Wait(30_000), 4);
        Assert.Contains("CNI_DELEGATE_TIMEOUT=\"soon\"", error.Message, StringComparison.Ordinal);
        ChaosKit.AssertClean(node, pod, "after a bad CNI_DELEGATE_TIMEOUT");
    }

    [Theory]
    [InlineData("full")]
    [InlineData("read-only")]
    public void An_ipam_store_that_is_full_or_read_only_fails_add_and_nothing_is_left(string fault)
    {
        Requires.Root();
        using var node = new BridgeNode("fdisk", RepoPaths.OurPlugin("host-local"));
        Directory.CreateDirectory(node.DataDir);
        Processes.Output("mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=32,mode=0755", "cnitest-ipam", node.DataDir);
        try
        {
            if (fault == "full")
            {
                using (var fill = new FileStream(Path.Combine(node.DataDir, "filler"), FileMode.Create))
                {
                    byte[] block = new byte[4096];
                    try
                    {
                        while (true)
                        {
                            fill.Write(block);
                            fill.Flush();
                        }
                    }
                    catch (IOException)
                    {
                        // No space left: the store is full.
                    }
                }

                // And no inode either, but for the two host-local takes first (its network directory and lock):
                // the allocation itself then finds no room.
                int files = 0;
                try
                {
                    while (files < 1000)
                    {
                        File.WriteAllBytes(Path.Combine(node.DataDir, "f" + files.ToString(CultureInfo.InvariantCulture)), []);
                        files++;
                    }
                }
                catch (IOException)
                {
                    // No inode left.
                }

                File.Delete(Path.Combine(node.DataDir, "f0"));
                File.Delete(Path.Combine(node.DataDir, "f1"));
            }
            else
            {
                Processes.Output("mount", "-o", "remount,ro", node.DataDir);
            }

            string[] before = Listing(node.DataDir);
            TestNamespace pod = node.Pod();
            ProcessResult r = node.Run(RepoPaths.OurPlugin("bridge"), "ADD", pod.Path, node.Config(extra: Extra));
            CniError error = Failed(r, (int)CniErrorCode.IOFailure);
            Assert.Contains(node.DataDir, error.Message, StringComparison.Ordinal);
            Assert.Contains(fault == "full" ? "No space left on device" : "Read-only file system", error.Message, StringComparison.Ordinal);
            ChaosKit.AssertClean(node, pod, $"after ADD on a {fault} store");

            // What was there is unchanged; at most host-local's network directory and its lock were added.
            string[] after = Listing(node.DataDir);
            Assert.Equal(before, after.Where(e => !e.StartsWith("brtest ", StringComparison.Ordinal) && !e.StartsWith("brtest/lock ", StringComparison.Ordinal)));
        }
        finally
        {
            Processes.Output("umount", "-l", node.DataDir);
        }
    }

    [Fact]
    public void A_pod_namespace_removed_between_adds_steps_fails_add_and_nothing_is_left()
    {
        Requires.Root();
        using var node = new BridgeNode("fns", RepoPaths.OurPlugin("host-local"));
        TestNamespace pod = node.Pod();

        // IPAM removes the pod's namespace (in the test's mount namespace, as a runtime would), then allocates.
        string real = RepoPaths.OurPlugin("host-local");
        FaultIpam(node, $"[ \"$CNI_COMMAND\" = ADD ] && nsenter -t {Environment.ProcessId} -m -- ip netns del {pod.Name}\nexec {real}");
        ProcessResult r = node.Run(RepoPaths.OurPlugin("bridge"), "ADD", pod.Path, node.Config(extra: Extra));
        CniError error = Failed(r, 999);
        Assert.Contains(pod.Path, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(pod.Path));
        ChaosKit.AssertClean(node, null, "after the pod namespace was removed during ADD");
    }

    private static string[] Listing(string dir) =>
        [.. Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(dir, f)} {(File.Exists(f) ? new FileInfo(f).Length : -1)}").Order()];
}
