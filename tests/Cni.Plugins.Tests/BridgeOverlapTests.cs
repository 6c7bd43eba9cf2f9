using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The bridge runs a host-local (static, cluster-local) IPAM plugin while it does its own netlink work. These
/// compare it with the sequential order, which the bridge keeps for every other type: the same results, errors,
/// lease files and links, through the standalone binaries and the multi-call one; a failed ADD leaves no lease
/// whichever step failed; a DEL whose pod is gone still frees the lease; and a <c>dhcp</c> IPAM is still
/// called only once the link exists.
/// </summary>
public sealed partial class BridgeOverlapTests
{
    [System.Text.RegularExpressions.GeneratedRegex("veth[0-9a-f]{8}")]
    private static partial System.Text.RegularExpressions.Regex VethName();

    /// <summary>Every lease and last-reserved file of the node's data directory, by relative path, with its contents.</summary>
    private static SortedDictionary<string, string> DataFiles(BridgeNode node)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(node.DataDir))
        {
            foreach (string f in Directory.GetFiles(node.DataDir, "*", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(node.DataDir, f);
                // Our host-local's owner index (a dot file) records the store's own identity, which differs between nodes.
                if (Path.GetFileName(rel) != "lock" && !Path.GetFileName(rel).StartsWith('.'))
                {
                    files[rel] = File.ReadAllText(f);
                }
            }
        }

        return files;
    }

    /// <summary>A node whose CNI_PATH holds our host-local under its own name (run alongside) and as <c>host-local-seq</c> (called in order).</summary>
    private static BridgeNode OurNode(string tag)
    {
        var node = new BridgeNode(tag, RepoPaths.OurPlugin("host-local"));
        File.CreateSymbolicLink(Path.Combine(node.PluginPath, "host-local-seq"), RepoPaths.OurPlugin("host-local"));
        return node;
    }

    private static string Sequential(string config) => config.Replace("\"type\":\"host-local\"", "\"type\":\"host-local-seq\"", StringComparison.Ordinal);

    [Fact]
    public void Add_check_del_alongside_give_the_results_and_files_of_the_sequential_order()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        string multiBridge = Path.GetFullPath(MultiCallTests.Multi("bridge"));
        string multiDir = Path.GetDirectoryName(multiBridge)!;
        using BridgeNode seq = OurNode("ovs"), along = OurNode("ova"), multi = new BridgeNode("ovm", Path.GetFullPath(MultiCallTests.Multi("cni-plugins")));
        string extra = "\"isGateway\":true,\"ipMasq\":true";
        var variants = new (BridgeNode Node, string Plugin, string Config, string? CniPath)[]
        {
            (seq, bridge, Sequential(seq.Config(extra: extra)), null),
            (along, bridge, along.Config(extra: extra), null),
            (multi, multiBridge, multi.Config(extra: extra), multiDir),
        };
        var pods = variants.Select(v => new[] { v.Node.Pod("a"), v.Node.Pod("b"), v.Node.Pod("c"), v.Node.Pod("d") }).ToArray();

        void Same(Func<int, ProcessResult> step, string what, bool compareStdout)
        {
            ProcessResult[] r = [.. Enumerable.Range(0, variants.Length).Select(step)];
            for (int i = 1; i < r.Length; i++)
            {
                Assert.True(r[0].ExitCode == r[i].ExitCode, $"{what}: exit {r[0].ExitCode} (sequential) vs {r[i].ExitCode}: {r[i]}");
                if (compareStdout)
                {
                    Assert.Equal(r[0].ExitCode == 0 && r[0].Stdout.Length > 0 ? BridgeNode.Comparable(r[0].Stdout, "1.0.0") : r[0].Stdout,
                        r[i].ExitCode == 0 && r[i].Stdout.Length > 0 ? BridgeNode.Comparable(r[i].Stdout, "1.0.0") : r[i].Stdout);
                }

                Assert.Equal(DataFiles(variants[0].Node), DataFiles(variants[i].Node));
                Assert.Equal(BridgeNode.LinkNames(variants[0].Node.Node).Length, BridgeNode.LinkNames(variants[i].Node.Node).Length);
            }
        }

        var results = new string[variants.Length, 3];
        string[] ids = ["one", "two", "three"];
        for (int p = 0; p < 3; p++)
        {
            int pod = p;
            Same(i =>
            {
                ProcessResult r = variants[i].Node.Run(variants[i].Plugin, "ADD", pods[i][pod].Path, variants[i].Config, ids[pod], cniPath: variants[i].CniPath);
                results[i, pod] = r.Stdout;
                return r;
            }, $"ADD {ids[pod]}", compareStdout: true);
        }

        for (int p = 0; p < 3; p++)
        {
            int pod = p;
            Same(i => variants[i].Node.Run(variants[i].Plugin, "CHECK", pods[i][pod].Path, BridgeNode.WithPrevResult(variants[i].Config, results[i, pod]), ids[pod], cniPath: variants[i].CniPath), $"CHECK {ids[pod]}", compareStdout: true);
        }

        // A second ADD of a container and interface that has its lease, in another pod: refused by IPAM with the same
        // error once the veth exists, which is undone.
        Same(i => variants[i].Node.Run(variants[i].Plugin, "ADD", pods[i][3].Path, variants[i].Config, ids[0], cniPath: variants[i].CniPath), "ADD again", compareStdout: true);
        Assert.All(pods, p => Assert.Empty(BridgeNode.LinkNames(p[3])));

        // A CHECK whose lease is gone: IPAM's verdict is the one reported, as in the sequential order.
        foreach ((BridgeNode node, _, _, _) in variants)
        {
            File.Delete(Path.Combine(node.DataDir, "brtest", "10.77.0.3"));
        }

        Same(i => variants[i].Node.Run(variants[i].Plugin, "CHECK", pods[i][1].Path, BridgeNode.WithPrevResult(variants[i].Config, results[i, 1]), ids[1], cniPath: variants[i].CniPath), "CHECK without lease", compareStdout: true);

        for (int p = 0; p < 3; p++)
        {
            int pod = p;
            Same(i => variants[i].Node.Run(variants[i].Plugin, "DEL", pods[i][pod].Path, variants[i].Config, ids[pod], cniPath: variants[i].CniPath), $"DEL {ids[pod]}", compareStdout: true);
            Assert.Empty(BridgeNode.LinkNames(pods[1][pod]));
        }

        Assert.Empty(along.Leases());
        Assert.Empty(multi.Leases());
        Assert.Equal(["cni0"], BridgeNode.LinkNames(along.Node));
    }

    [Fact]
    public void An_add_whose_ipam_run_alongside_fails_leaves_nothing()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using BridgeNode node = OurNode("ovx");
        TestNamespace pod1 = node.Pod("a"), pod2 = node.Pod("b");
        string cfg = node.Config(ranges: "[[{\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.2\",\"rangeEnd\":\"10.77.0.2\"}]]");
        Assert.Equal(0, node.Run(bridge, "ADD", pod1.Path, cfg, "one").ExitCode);
        string[] nodeLinks = BridgeNode.LinkNames(node.Node);
        SortedDictionary<string, string> files = DataFiles(node);

        ProcessResult alongside = node.Run(bridge, "ADD", pod2.Path, cfg, "two");
        Assert.Empty(BridgeNode.LinkNames(pod2));
        Assert.Equal(nodeLinks, BridgeNode.LinkNames(node.Node));
        Assert.Equal(files, DataFiles(node));
        ProcessResult sequential = node.Run(bridge, "ADD", pod2.Path, Sequential(cfg), "two");
        Assert.NotEqual(0, alongside.ExitCode);
        Assert.Equal(sequential.ExitCode, alongside.ExitCode);
        Assert.Equal(PluginRunner.Error(sequential).Code, PluginRunner.Error(alongside).Code);
        Assert.Equal(PluginRunner.Error(sequential).Message, PluginRunner.Error(alongside).Message);
        Assert.Equal(["10.77.0.2"], node.Leases());
    }

    [Fact]
    public void An_add_whose_veth_cannot_be_made_releases_the_lease_allocated_meanwhile()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using BridgeNode node = OurNode("ovv");
        TestNamespace pod = node.Pod();

        // A multicast MAC passes the configuration's syntax check and is refused by the kernel when the veth is made,
        // after the IPAM ADD was started.
        const string args = "IgnoreUnknown=1;MAC=01:11:22:33:44:55";
        ProcessResult alongside = node.Run(bridge, "ADD", pod.Path, node.Config(), "one", cniArgs: args);
        Assert.NotEqual(0, alongside.ExitCode);
        Assert.Empty(node.Leases());
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));

        // The error is the sequential order's (there IPAM was never called).
        ProcessResult sequential = node.Run(bridge, "ADD", pod.Path, Sequential(node.Config()), "one", cniArgs: args);
        Assert.Equal(sequential.ExitCode, alongside.ExitCode);
        Assert.Equal(PluginRunner.Error(sequential).Code, PluginRunner.Error(alongside).Code);
        Assert.Equal(VethName().Replace(PluginRunner.Error(sequential).Message, "vethX"), VethName().Replace(PluginRunner.Error(alongside).Message, "vethX"));
        Assert.Empty(node.Leases());

        // And the network still works for the next pod.
        ProcessResult ok = node.Run(bridge, "ADD", pod.Path, node.Config(), "two");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Single(node.Leases());
    }

    [Fact]
    public void A_del_whose_pod_namespace_is_gone_still_frees_the_lease()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using BridgeNode node = OurNode("ovg");
        TestNamespace pod = node.Pod();
        string cfg = node.Config(extra: "\"isGateway\":true,\"ipMasq\":true");
        Assert.Equal(0, node.Run(bridge, "ADD", pod.Path, cfg, "one").ExitCode);
        Assert.Single(node.Leases());
        string path = pod.Path;
        pod.Dispose();

        ProcessResult del = node.Run(bridge, "DEL", path, cfg, "one");
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Empty(node.Leases());

        // The host end goes with the namespace, in the kernel's deferred clean-up after its last reference: it may
        // still be there just after DEL (CI saw it once), so wait for it, as BridgeChaosTests does before GC.
        var cleanup = System.Diagnostics.Stopwatch.StartNew();
        while (BridgeNode.LinkNames(node.Node).Length > 1 && cleanup.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(20);
        }

        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));
        Assert.Equal(0, node.Run(bridge, "DEL", path, cfg, "one").ExitCode);
    }

    [Fact]
    public void A_del_whose_ipam_cannot_be_started_still_removes_the_link_and_reports_it()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using BridgeNode node = OurNode("ovn");
        TestNamespace pod = node.Pod();
        Assert.Equal(0, node.Run(bridge, "ADD", pod.Path, node.Config(), "one").ExitCode);
        File.Delete(Path.Combine(node.PluginPath, "host-local"));

        ProcessResult del = node.Run(bridge, "DEL", pod.Path, node.Config(), "one");
        Assert.NotEqual(0, del.ExitCode);
        Assert.StartsWith("failed to find plugin \"host-local\"", PluginRunner.Error(del).Message, StringComparison.Ordinal);
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Equal(["cni0"], BridgeNode.LinkNames(node.Node));
    }

    [Fact]
    public void A_dhcp_ipam_is_still_called_once_the_link_exists_and_after_it_is_removed()
    {
        Requires.Root();
        string bridge = RepoPaths.OurPlugin("bridge");
        using var node = new BridgeNode("ovd");
        TestNamespace pod = node.Pod();
        string log = Path.Combine(node.Root, "dhcp.log");

        // A stand-in for the dhcp plugin: it notes whether the container's link exists when it is called.
        string dhcp = Path.Combine(node.PluginPath, "dhcp");
        File.WriteAllText(dhcp, $$"""
            #!/bin/sh
            cat >/dev/null
            if ip -n "$(basename "$CNI_NETNS")" link show "$CNI_IFNAME" >/dev/null 2>&1; then s=present; else s=absent; fi
            echo "$CNI_COMMAND $s" >> {{log}}
            [ "$CNI_COMMAND" = ADD ] && printf '{"cniVersion":"1.0.0","ips":[{"address":"10.77.0.9/24","gateway":"10.77.0.1"}]}'
            exit 0
            """);
        File.SetUnixFileMode(dhcp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string cfg = """{"cniVersion":"1.0.0","name":"brtest","type":"bridge","isGateway":true,"ipam":{"type":"dhcp"}}""";

        ProcessResult add = node.Run(bridge, "ADD", pod.Path, cfg);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(["10.77.0.9/24"], BridgeNode.Addresses(pod, "eth0"));
        ProcessResult check = node.Run(bridge, "CHECK", pod.Path, BridgeNode.WithPrevResult(cfg, add.Stdout));
        Assert.True(check.ExitCode == 0, check.ToString());
        ProcessResult del = node.Run(bridge, "DEL", pod.Path, cfg);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Equal(["ADD present", "CHECK present", "DEL absent"], File.ReadAllLines(log));
    }
}
