using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cni.Plugins.Bridge;
using Cni.Skel;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// The bridge's <c>ipMasq</c>: traffic from a pod to an outside namespace that has no route back, with
/// our bridge and beside the Go bridge (iptables backend); the rule layout of the reference's nftables
/// backend, rules loaded with <c>nft -f</c> in that layout removed by our DEL and ours removed as the
/// reference would; a Go bridge pod deleted by ours; DEL with the namespace gone; CHECK; concurrency;
/// bad input; rollback; and no process spawned but the IPAM delegate.
/// </summary>
public class BridgeMasqueradeTests
{
    private const string Masq = "\"ipMasq\":true";

    private static string Ours => RepoPaths.OurPlugin("bridge");

    private static string Plugin(string impl) => impl == "ours" ? Ours : Requires.ReferencePlugin("bridge");

    public static TheoryData<string, bool> Implementations => new()
    {
        { "ours", true },
        { "ours", false },
        { "go", true },
        { "go", false },
    };

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_pod_reaches_an_outside_without_a_route_back_only_with_ipMasq_and_the_outside_sees_the_node(string impl, bool ipMasq)
    {
        Requires.Root();
        string plugin = Plugin(impl);
        using var world = new MasqNode("tr" + impl[0] + (ipMasq ? "m" : "n"));
        TestNamespace pod = world.Pod();
        string cfg = world.Config($"\"ipMasq\":{(ipMasq ? "true" : "false")}");
        ProcessResult add = world.Run(plugin, "ADD", pod.Path, cfg);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(MasqNode.Ping(pod, "10.77.0.1"), "the pod reaches its gateway");

        // ICMP both families, then a UDP round trip in which the outside reports the source it saw.
        int attempts = ipMasq ? 3 : 1;
        Assert.Equal(ipMasq, MasqNode.Ping(pod, MasqNode.OutsideV4, attempts));
        Assert.Equal(ipMasq, MasqNode.Ping(pod, MasqNode.OutsideV6, attempts));
        (IPAddress? seen4, bool echoed4) = world.UdpProbe(pod, MasqNode.OutsideV4, attempts);
        (IPAddress? seen6, bool echoed6) = world.UdpProbe(pod, MasqNode.OutsideV6, attempts);
        if (ipMasq)
        {
            Assert.Equal((MasqNode.NodeV4, true), (seen4?.ToString(), echoed4));
            Assert.Equal((MasqNode.NodeV6, true), (seen6?.ToString(), echoed6));
        }
        else
        {
            // Unmasqueraded, the datagram (if the outside accepts it at all) comes from the pod, and no answer finds its way back.
            Assert.False(echoed4);
            Assert.False(echoed6);
            Assert.True(seen4 is null || seen4.ToString() == "10.77.0.2", $"outside saw {seen4}");
            Assert.True(seen6 is null || seen6.ToString() == "fd77::2", $"outside saw {seen6}");
        }

        ProcessResult del = world.Run(plugin, "DEL", pod.Path, cfg);
        Assert.True(del.ExitCode == 0, del.ToString());
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "ctr1");
    }

    [Fact]
    public void The_rules_are_laid_out_as_the_reference_nftables_backend_does_one_per_address()
    {
        Requires.Root();
        using var world = new MasqNode("layout");
        TestNamespace pod = world.Pod();
        ProcessResult add = world.Run(Ours, "ADD", pod.Path, world.Config(Masq), containerId: "lay1");
        Assert.True(add.ExitCode == 0, add.ToString());

        // The derivation of the comment here is pinned to a vector of the reference's own unit tests.
        Assert.Equal("6fd94d501e58f0aa-287fc69eff0574a2", MasqNode.InstancePrefix("unit-test", "eth0", "one"));

        string table = MasqNode.MasqTableText(world.Node);
        string comment = MasqNode.MasqComment("brtest", "eth0", "lay1");
        Assert.Contains("table inet cni_plugins_masquerade {", table, StringComparison.Ordinal);
        Assert.Contains("chain masq_checks {", table, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"chain postrouting \{\s*type nat hook postrouting priority srcnat; policy accept;\s*ip daddr 224\.0\.0\.0/4 return\s*ip6 daddr ff00::/8 return\s*goto masq_checks\s*\}"), table);
        Assert.Contains($"ip saddr 10.77.0.2 ip daddr != 10.77.0.0/24 masquerade comment \"{comment}\"", table, StringComparison.Ordinal);
        Assert.Contains($"ip6 saddr fd77::2 ip6 daddr != fd77::/64 masquerade comment \"{comment}\"", table, StringComparison.Ordinal);

        // Dual stack keeps both addresses' rules (the reference's 1.6 backend kept only the last).
        Assert.Equal([comment, comment], MasqNode.MasqComments(world.Node));

        // A second ADD on the network refills the base chain instead of growing it.
        Assert.Equal(0, world.Run(Ours, "ADD", world.Pod("b").Path, world.Config(Masq), containerId: "lay2").ExitCode);
        JsonObject[] postrouting = MasqNode.NftRules(world.Node, "inet", MasqNode.MasqTable, "postrouting");
        Assert.Equal(3, postrouting.Length);
        Assert.Equal(4, MasqNode.MasqComments(world.Node).Length);
    }

    [Fact]
    public void Del_removes_the_rules_the_reference_nftables_backend_wrote_and_leaves_the_others()
    {
        Requires.Root();
        using var world = new MasqNode("refnft");
        string refComment = MasqNode.MasqComment("brtest", "eth0", "refctr");
        string otherComment = MasqNode.MasqComment("brtest", "eth0", "other");

        // Exactly what plugins 1.7+ with ipMasqBackend "nftables" leave for two dual-stack containers.
        string ruleset = $$"""
            table inet cni_plugins_masquerade {
                comment "Masquerading for plugins from github.com/containernetworking/plugins"
                chain masq_checks {
                    comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet"
                    ip saddr 10.77.0.50 ip daddr != 10.77.0.0/24 masquerade comment "{{refComment}}"
                    ip6 saddr fd77::50 ip6 daddr != fd77::/64 masquerade comment "{{refComment}}"
                    ip saddr 10.77.0.51 ip daddr != 10.77.0.0/24 masquerade comment "{{otherComment}}"
                }
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip daddr 224.0.0.0/4 return
                    ip6 daddr ff00::/8 return
                    goto masq_checks
                }
            }
            """;
        string file = Path.Combine(world.Bridge.Root, "reference.nft");
        File.WriteAllText(file, ruleset);
        world.Node.Exec("nft", "-f", file);
        Assert.Equal(new[] { otherComment, refComment, refComment }.Order(), MasqNode.MasqComments(world.Node));

        // Our ADD on top of that table adds its own rules and keeps theirs.
        TestNamespace pod = world.Pod();
        ProcessResult add = world.Run(Ours, "ADD", pod.Path, world.Config(Masq), containerId: "mine");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(5, MasqNode.MasqComments(world.Node).Length);

        // The pod of the reference is gone with its namespace: our DEL still removes exactly its rules.
        string cfg = world.Config(Masq);
        ProcessResult del = world.Run(Ours, "DEL", "/run/netns/cnitest-gone-refctr", cfg, containerId: "refctr");
        Assert.True(del.ExitCode == 0, del.ToString());
        string mine = MasqNode.MasqComment("brtest", "eth0", "mine");
        Assert.Equal(new[] { mine, mine, otherComment }.Order(), MasqNode.MasqComments(world.Node));
        Assert.Equal(0, world.Run(Ours, "DEL", null, cfg, containerId: "other").ExitCode);
        Assert.Equal(0, world.Run(Ours, "DEL", pod.Path, cfg, containerId: "mine").ExitCode);
        Assert.Empty(MasqNode.MasqComments(world.Node));

        // Table and chains stay, as the reference leaves them.
        Assert.Equal(3, MasqNode.NftRules(world.Node, "inet", MasqNode.MasqTable, "postrouting").Length);
    }

    [Fact]
    public void Our_rules_are_removed_the_way_the_reference_deletes_them_by_the_hashed_prefix()
    {
        Requires.Root();
        using var world = new MasqNode("refdel");
        TestNamespace pod = world.Pod();
        string cfg = world.Config(Masq);
        Assert.Equal(0, world.Run(Ours, "ADD", pod.Path, cfg, containerId: "keep").ExitCode);
        Assert.Equal(0, world.Run(Ours, "ADD", world.Pod("b").Path, cfg, containerId: "drop").ExitCode);

        // The reference lists masq_checks with handles and deletes, by handle, the rules whose comment starts with the attachment's prefix.
        string prefix = MasqNode.InstancePrefix("brtest", "eth0", "drop");
        JsonObject[] rules = MasqNode.NftRules(world.Node, "inet", MasqNode.MasqTable, "masq_checks");
        long[] handles = [.. rules.Where(r => ((string?)r["comment"])?.StartsWith(prefix, StringComparison.Ordinal) == true).Select(r => (long)r["handle"]!)];
        Assert.Equal(2, handles.Length);
        foreach (long handle in handles)
        {
            world.Node.Exec("nft", "delete", "rule", "inet", MasqNode.MasqTable, "masq_checks", "handle", handle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        string keep = MasqNode.MasqComment("brtest", "eth0", "keep");
        Assert.Equal([keep, keep], MasqNode.MasqComments(world.Node));

        // Our DEL of what the reference already removed is a success that changes nothing else.
        Assert.Equal(0, world.Run(Ours, "DEL", null, cfg, containerId: "drop").ExitCode);
        Assert.Equal([keep, keep], MasqNode.MasqComments(world.Node));
    }

    [Fact]
    public void A_pod_the_Go_bridge_added_with_ipMasq_is_deleted_by_ours_with_no_rule_left()
    {
        Requires.Root();
        string go = Requires.ReferencePlugin("bridge");
        using var world = new MasqNode("godel");
        TestNamespace pod = world.Pod();
        string cfg = world.Config(Masq);
        ProcessResult add = world.Run(go, "ADD", pod.Path, cfg, containerId: "goctr");
        Assert.True(add.ExitCode == 0, add.ToString());

        // The Go bridge (iptables backend): chain CNI-<hash> in both nat tables, jumped to from POSTROUTING.
        string chain = MasqNode.IptablesChain("brtest", "goctr");
        Assert.Contains($"-A POSTROUTING -s 10.77.0.2/32 -m comment --comment \"name: \\\"brtest\\\" id: \\\"goctr\\\"\" -j {chain}", world.Node.Exec("iptables-save", "-t", "nat"), StringComparison.Ordinal);
        Assert.Contains($"-j {chain}", world.Node.Exec("ip6tables-save", "-t", "nat"), StringComparison.Ordinal);
        Assert.True(MasqNode.Ping(pod, MasqNode.OutsideV4), "the Go bridge's masquerade works");

        ProcessResult del = world.Run(Ours, "DEL", pod.Path, cfg, containerId: "goctr");
        Assert.True(del.ExitCode == 0, del.ToString());
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "goctr");
        Assert.DoesNotContain("CNI-", MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);
        Assert.Empty(world.Bridge.Leases());
        Assert.Empty(BridgeNode.LinkNames(pod));
    }

    [Fact]
    public void Del_removes_the_rules_when_the_namespace_is_gone_which_the_reference_leaks_and_is_idempotent()
    {
        Requires.Root();
        string go = Requires.ReferencePlugin("bridge");
        using var world = new MasqNode("gone");
        string cfg = world.Config(Masq + ",\"macspoofchk\":true");
        TestNamespace ours = world.Pod("o"), theirs = world.Pod("g");
        Assert.Equal(0, world.Run(Ours, "ADD", ours.Path, cfg, containerId: "goneours").ExitCode);
        Assert.Equal(0, world.Run(go, "ADD", theirs.Path, cfg, containerId: "gonego").ExitCode);
        Assert.Equal(2, MasqNode.MasqComments(world.Node).Length);
        Assert.Contains(MasqNode.SpoofNames("goneours", "eth0").IfaceChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);
        Assert.Contains(MasqNode.SpoofNames("gonego", "eth0").IfaceChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);

        // Both namespaces go away before DEL (a runtime that lost track of a pod).
        string oursPath = ours.Path, theirsPath = theirs.Path;
        ours.Dispose();
        theirs.Dispose();

        // The reference's DEL succeeds but leaves its masquerade chain and spoof-check chains behind.
        Assert.Equal(0, world.Run(go, "DEL", theirsPath, cfg, containerId: "gonego").ExitCode);
        Assert.Contains(MasqNode.IptablesChain("brtest", "gonego"), MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);
        Assert.Contains(MasqNode.SpoofNames("gonego", "eth0").IfaceChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);

        // Ours removes its own, and what the reference leaked, with no namespace to look into.
        foreach ((string path, string id) in new[] { (oursPath, "goneours"), (theirsPath, "gonego") })
        {
            ProcessResult del = world.Run(Ours, "DEL", path, cfg, containerId: id);
            Assert.True(del.ExitCode == 0, del.ToString());
            MasqNode.AssertNoRulesOf(world.Node, "brtest", id);

            // Again, and without a namespace at all: nothing to do is success.
            Assert.Equal(0, world.Run(Ours, "DEL", path, cfg, containerId: id).ExitCode);
            Assert.Equal(0, world.Run(Ours, "DEL", null, cfg, containerId: id).ExitCode);
        }

        Assert.Empty(MasqNode.MasqComments(world.Node));
        Assert.Empty(world.Bridge.Leases());
    }

    [Fact]
    public void Del_removes_the_reference_chain_from_legacy_iptables_and_says_so()
    {
        Requires.Root();
        using var world = new MasqNode("legacy");

        // What the Go bridge leaves on a node whose iptables is the legacy (x_tables) one, and another container's chain.
        string chain = MasqNode.IptablesChain("brtest", "legctr");
        const string comment = "name: \"brtest\" id: \"legctr\"";
        foreach ((string tool, string address, string subnet, string multicast) in new[] { ("iptables-legacy", "10.77.0.60", "10.77.0.0/24", "224.0.0.0/4"), ("ip6tables-legacy", "fd77::60", "fd77::/64", "ff00::/8") })
        {
            world.Node.Exec(tool, "-w", "-t", "nat", "-N", chain);
            world.Node.Exec(tool, "-w", "-t", "nat", "-A", chain, "-d", subnet, "-m", "comment", "--comment", comment, "-j", "ACCEPT");
            world.Node.Exec(tool, "-w", "-t", "nat", "-A", chain, "!", "-d", multicast, "-m", "comment", "--comment", comment, "-j", "MASQUERADE");
            world.Node.Exec(tool, "-w", "-t", "nat", "-N", "CNI-someone-else");
            world.Node.Exec(tool, "-w", "-t", "nat", "-A", "POSTROUTING", "-s", address, "-m", "comment", "--comment", comment, "-j", chain);
            world.Node.Exec(tool, "-w", "-t", "nat", "-A", "POSTROUTING", "-j", "CNI-someone-else");
        }

        ProcessResult del = world.Run(Ours, "DEL", null, world.Config(Masq), containerId: "legctr");
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Contains("legacy iptables", del.Stderr, StringComparison.Ordinal);
        foreach (string save in new[] { "iptables-legacy-save", "ip6tables-legacy-save" })
        {
            string left = world.Node.Exec(save, "-t", "nat");
            Assert.DoesNotContain(chain, left, StringComparison.Ordinal);
            Assert.Contains("-A POSTROUTING -j CNI-someone-else", left, StringComparison.Ordinal);
        }

        // Nothing of it left: the next DEL finds nothing there and says nothing.
        ProcessResult again = world.Run(Ours, "DEL", null, world.Config(Masq), containerId: "legctr");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("legacy iptables", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_teardown_by_attachment_for_gc_removes_one_attachments_rules_and_nothing_else()
    {
        Requires.Root();
        using var world = new MasqNode("gcdown");
        string cfg = world.Config(Masq + ",\"macspoofchk\":true");
        TestNamespace gone = world.Pod("a"), kept = world.Pod("b");
        Assert.Equal(0, world.Run(Ours, "ADD", gone.Path, cfg, containerId: "stale").ExitCode);
        Assert.Equal(0, world.Run(Ours, "ADD", kept.Path, cfg, containerId: "valid").ExitCode);

        // What a GC calls for an attachment that is not valid any more, in the node's namespace.
        using var log = new StringWriter();
        using (Cni.Netlink.NetworkNamespace node = Cni.Netlink.NetworkNamespace.Open(world.Node.Path))
        {
            node.Run(() =>
            {
                using var rules = new AttachmentRules();
                rules.TearDown("brtest", "stale", "eth0", masquerade: true, spoofCheck: true, log);
            });
        }

        MasqNode.AssertNoRulesOf(world.Node, "brtest", "stale");
        string valid = MasqNode.MasqComment("brtest", "eth0", "valid");
        Assert.Equal([valid, valid], MasqNode.MasqComments(world.Node));
        Assert.Contains(MasqNode.SpoofNames("valid", "eth0").MacChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Del_with_no_rules_ever_made_succeeds()
    {
        Requires.Root();
        using var world = new MasqNode("norules");
        string cfg = world.Config(Masq + ",\"macspoofchk\":true");
        ProcessResult del = world.Run(Ours, "DEL", null, cfg, containerId: "never");
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.DoesNotContain(MasqNode.MasqTable, MasqNode.NftRuleset(world.Node), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_passes_with_the_rules_and_names_the_missing_one()
    {
        Requires.Root();
        using var world = new MasqNode("check");
        TestNamespace pod = world.Pod();
        string cfg = world.Config(Masq + ",\"macspoofchk\":true");
        ProcessResult add = world.Run(Ours, "ADD", pod.Path, cfg, containerId: "chk");
        Assert.True(add.ExitCode == 0, add.ToString());
        string prev = BridgeNode.WithPrevResult(cfg, add.Stdout);
        ProcessResult ok = world.Run(Ours, "CHECK", pod.Path, prev, containerId: "chk");
        Assert.True(ok.ExitCode == 0, ok.ToString());

        // The IPv6 masquerade rule deleted by hand.
        JsonObject v6 = MasqNode.NftRules(world.Node, "inet", MasqNode.MasqTable, "masq_checks")
            .Single(r => r.ToJsonString().Contains("fd77::2", StringComparison.Ordinal));
        world.Node.Exec("nft", "delete", "rule", "inet", MasqNode.MasqTable, "masq_checks", "handle", ((long)v6["handle"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        CniError masq = PluginRunner.Error(world.Run(Ours, "CHECK", pod.Path, prev, containerId: "chk"));
        Assert.Equal(CniErrorCode.Internal, masq.Code);
        Assert.Contains("fd77::2", masq.Message, StringComparison.Ordinal);
        Assert.Contains("masquerade", masq.Message, StringComparison.Ordinal);

        // Back (a DEL and ADD again), then the spoof-check's MAC chain flushed by hand.
        Assert.Equal(0, world.Run(Ours, "DEL", pod.Path, cfg, containerId: "chk").ExitCode);
        add = world.Run(Ours, "ADD", pod.Path, cfg, containerId: "chk");
        prev = BridgeNode.WithPrevResult(cfg, add.Stdout);
        Assert.Equal(0, world.Run(Ours, "CHECK", pod.Path, prev, containerId: "chk").ExitCode);
        world.Node.Exec("nft", "flush", "chain", "bridge", "nat", MasqNode.SpoofNames("chk", "eth0").MacChain);
        CniError spoof = PluginRunner.Error(world.Run(Ours, "CHECK", pod.Path, prev, containerId: "chk"));
        Assert.Contains("macspoofchk", spoof.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_concurrent_adds_with_ipMasq_each_get_exactly_their_rules_and_their_dels_leave_none()
    {
        Requires.Root();
        using var world = new MasqNode("conc");
        TestNamespace[] pods = [.. Enumerable.Range(0, 20).Select(i => world.Pod("c" + i))];
        string cfg = world.Config(Masq);
        var results = new ProcessResult[pods.Length];
        Parallel.For(0, pods.Length, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
            results[i] = world.Run(Ours, "ADD", pods[i].Path, cfg, containerId: "conc" + i + "x"));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));

        string table = MasqNode.MasqTableText(world.Node);
        Assert.Equal(40, MasqNode.MasqComments(world.Node).Length);
        for (int i = 0; i < pods.Length; i++)
        {
            CniResult r = CniResult.Parse(results[i].Stdout, null);
            string comment = MasqNode.MasqComment("brtest", "eth0", "conc" + i + "x");
            Assert.Equal(2, MasqNode.MasqComments(world.Node).Count(c => c == comment));
            Assert.Contains($"ip saddr {r.Ips.Single(ip => ip.Address.IsIPv4).Address.Address} ip daddr != 10.77.0.0/24 masquerade comment \"{comment}\"", table, StringComparison.Ordinal);
            Assert.Contains($"ip6 saddr {r.Ips.Single(ip => !ip.Address.IsIPv4).Address.Address} ip6 daddr != fd77::/64 masquerade comment \"{comment}\"", table, StringComparison.Ordinal);
        }

        Assert.Equal(3, MasqNode.NftRules(world.Node, "inet", MasqNode.MasqTable, "postrouting").Length);
        Assert.True(MasqNode.Ping(pods[7], MasqNode.OutsideV4), "a pod among them reaches the outside");

        Parallel.For(0, pods.Length, new ParallelOptions { MaxDegreeOfParallelism = 20 }, i =>
            results[i] = world.Run(Ours, "DEL", pods[i].Path, cfg, containerId: "conc" + i + "x"));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Empty(MasqNode.MasqComments(world.Node));
        Assert.Empty(world.Bridge.Leases());
    }

    [Fact]
    public void An_unknown_ipMasqBackend_is_code_7_naming_it_and_leaves_nothing()
    {
        Requires.Root();
        using var world = new MasqNode("bogus");
        TestNamespace pod = world.Pod();
        CniError e = PluginRunner.Error(world.Run(Ours, "ADD", pod.Path, world.Config(Masq + ",\"ipMasqBackend\":\"bogus\"")));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
        Assert.Contains("ipMasqBackend", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"bogus\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(["up0"], BridgeNode.LinkNames(world.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.Empty(world.Bridge.Leases());
        Assert.DoesNotContain(MasqNode.MasqTable, MasqNode.NftRuleset(world.Node), StringComparison.Ordinal);

    }

    [Theory]
    [InlineData("iptables")]
    [InlineData("nftables")]
    public void Either_backend_sets_up_the_nftables_layout_and_no_iptables_rule(string backend)
    {
        Requires.Root();
        using var world = new MasqNode("be" + backend[0]);
        TestNamespace pod = world.Pod();
        string cfg = world.Config(Masq + $",\"ipMasqBackend\":\"{backend}\"");
        ProcessResult add = world.Run(Ours, "ADD", pod.Path, cfg);
        Assert.True(add.ExitCode == 0, add.ToString());
        string comment = MasqNode.MasqComment("brtest", "eth0", "ctr1");
        Assert.Equal([comment, comment], MasqNode.MasqComments(world.Node));
        Assert.DoesNotContain("CNI-", MasqNode.IptablesSave(world.Node), StringComparison.Ordinal);
        Assert.True(MasqNode.Ping(pod, MasqNode.OutsideV6));
        Assert.Equal(0, world.Run(Ours, "DEL", pod.Path, cfg).ExitCode);
        Assert.Empty(MasqNode.MasqComments(world.Node));
    }

    [Fact]
    public void No_process_but_the_ipam_plugin_is_executed_by_add_check_and_del()
    {
        Requires.Root();
        using var world = new MasqNode("strace");
        TestNamespace pod = world.Pod();
        string cfg = world.Config(Masq + ",\"macspoofchk\":true");
        string ours = Ours;
        string ipam = Path.Combine(world.Bridge.PluginPath, "host-local");
        string? result = null;
        foreach (string verb in new[] { "ADD", "CHECK", "DEL" })
        {
            string trace = Path.Combine(world.Bridge.Root, "trace-" + verb);
            Dictionary<string, string?> env = PluginRunner.Env(verb, pod.Path, cniPath: world.Bridge.PluginPath);
            string stdin = verb == "CHECK" ? BridgeNode.WithPrevResult(cfg, result!) : cfg;
            ProcessResult r = Processes.Run("ip", env, stdin, ["netns", "exec", world.Node.Name, "strace", "-f", "-qq", "-e", "trace=execve", "-o", trace, ours]);
            Assert.True(r.ExitCode == 0, verb + ": " + r);
            result ??= r.Stdout;
            string[] execs = [.. File.ReadAllLines(trace).Select(l => Regex.Match(l, "execve\\(\"([^\"]*)\"")).Where(m => m.Success).Select(m => m.Groups[1].Value)];
            Assert.Equal([ours, ipam], execs);
        }

        MasqNode.AssertNoRulesOf(world.Node, "brtest", "ctr1");
    }

    [Fact]
    public void Add_that_fails_after_the_rules_were_made_removes_them()
    {
        Requires.Root();
        using var world = new MasqNode("rollback");
        TestNamespace pod = world.Pod();
        string cfg = world.Bridge.Config(extra: MasqNode.Gateway + "," + Masq + ",\"macspoofchk\":true");

        // The IPAM delegate succeeds, and meanwhile the host end goes down: ADD fails at its last step
        // ("bridge port in error state"), after the spoof-check and masquerade rules were made.
        var executor = new FakePluginExecutor
        {
            Respond = call =>
            {
                if (call.Command != "ADD")
                {
                    return FakePluginExecutor.Success("");
                }

                string veth = BridgeNode.LinkNames(world.Node).Single(n => n.StartsWith("veth", StringComparison.Ordinal));
                Assert.Contains(MasqNode.SpoofNames("ctr1", "eth0").IfaceChain, MasqNode.BridgeNatText(world.Node), StringComparison.Ordinal);
                world.Node.Ip("link", "set", veth, "down");
                return FakePluginExecutor.Success("""{"cniVersion":"1.0.0","ips":[{"address":"10.77.0.9/24","gateway":"10.77.0.1"}]}""");
            },
        };
        PluginRun add = PluginHarness.RunInProcess(new BridgePlugin(), PluginRunner.Env("ADD", pod.Path, cniPath: world.Bridge.PluginPath), cfg, world.Node, executor);
        CniError e = add.Error();
        Assert.Contains("bridge port in error state", e.Message, StringComparison.Ordinal);
        Assert.Equal(["ADD", "DEL"], executor.Calls.Select(c => c.Command));
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "ctr1");
        Assert.Empty(MasqNode.MasqComments(world.Node));
        Assert.Empty(BridgeNode.LinkNames(pod));
        Assert.DoesNotContain(BridgeNode.LinkNames(world.Node), n => n.StartsWith("veth", StringComparison.Ordinal));

        // The IPAM delegate fails: the spoof-check rules, made before it, are removed.
        var failing = new FakePluginExecutor { Respond = _ => FakePluginExecutor.Failure(CniErrorCode.TryAgainLater, "no IP addresses available in range set") };
        CniError f = PluginHarness.RunInProcess(new BridgePlugin(), PluginRunner.Env("ADD", pod.Path, cniPath: world.Bridge.PluginPath), cfg, world.Node, failing).Error();
        Assert.Equal((CniErrorCode)11, f.Code);
        MasqNode.AssertNoRulesOf(world.Node, "brtest", "ctr1");
        Assert.Empty(BridgeNode.LinkNames(pod));
    }
}
