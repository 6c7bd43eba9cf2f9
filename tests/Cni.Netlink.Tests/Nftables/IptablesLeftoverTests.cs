using Cni.Netlink.Nftables;
using Cni.Tests;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>
/// The reference's iptables ipMasq backend rules, created with the real <c>iptables</c>/<c>ip6tables</c> (iptables-nft)
/// in a fresh namespace, removed over nfnetlink by <see cref="IptablesMasqueradeRules.Teardown"/>.
/// </summary>
public sealed class IptablesLeftoverTests
{
    private const string Net = "mynet";

    private static string Tool(string name)
    {
        string path = "/usr/sbin/" + name;
        if (!File.Exists(path))
        {
            Requires.Unavailable($"{path} is missing (apt-get install iptables)");
        }

        return path;
    }

    // Exactly what SetupIPMasq (pkg/ip/ipmasq_iptables_linux.go) does for one address.
    private static void ReferenceSetup(TestNamespace ns, string iptables, string chain, string comment, string address, string subnet, string multicast)
    {
        string[] chains = ns.Exec(iptables, "-t", "nat", "-S").Split('\n');
        if (!chains.Contains("-N " + chain))
        {
            ns.Exec(iptables, "-t", "nat", "-N", chain);
        }

        ns.Exec(iptables, "-t", "nat", "-A", chain, "-d", subnet, "-j", "ACCEPT", "-m", "comment", "--comment", comment);
        ns.Exec(iptables, "-t", "nat", "-A", chain, "!", "-d", multicast, "-j", "MASQUERADE", "-m", "comment", "--comment", comment);
        ns.Exec(iptables, "-t", "nat", "-A", "POSTROUTING", "-s", address, "-j", chain, "-m", "comment", "--comment", comment);
    }

    [Fact]
    public void Chain_name_is_CNI_and_the_sha512_of_network_and_container_cut_to_28()
    {
        string hex = Processes.Output("sh", "-c", "printf %s mynetcid1 | sha512sum")[..24];
        Assert.Equal("CNI-" + hex, IptablesMasqueradeRules.ChainName(Net, "cid1"));
        Assert.Equal(28, IptablesMasqueradeRules.ChainName(Net, "cid1").Length);
    }

    [Fact]
    public void Reference_iptables_nft_rules_of_a_container_are_removed_over_nfnetlink_and_others_stay()
    {
        Requires.Root();
        string iptables = Tool("iptables"), ip6tables = Tool("ip6tables");
        if (!Processes.Output(iptables, "--version").Contains("nf_tables", StringComparison.Ordinal))
        {
            Requires.Unavailable("iptables is not the nf_tables variant (update-alternatives --set iptables /usr/sbin/iptables-nft)");
        }

        using var ns = TestNamespace.Create("nft-ipt");
        string chain = IptablesMasqueradeRules.ChainName(Net, "cid1");
        string other = IptablesMasqueradeRules.ChainName(Net, "cid2");
        ReferenceSetup(ns, iptables, chain, "name: \"mynet\" id: \"cid1\"", "10.88.0.5", "10.88.0.5/16", "224.0.0.0/4");
        ReferenceSetup(ns, ip6tables, chain, "name: \"mynet\" id: \"cid1\"", "fd00:88::5", "fd00:88::5/64", "ff00::/8");
        ReferenceSetup(ns, iptables, other, "name: \"mynet\" id: \"cid2\"", "10.88.0.6", "10.88.0.6/16", "224.0.0.0/4");
        Assert.Contains(chain, ns.Exec("iptables-save"), StringComparison.Ordinal);
        Assert.Contains(chain, ns.Exec("ip6tables-save"), StringComparison.Ordinal);

        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        IptablesTeardownResult result = IptablesMasqueradeRules.Teardown(nft, Net, "cid1", handle);
        Assert.Equal(2, result.RulesRemoved);
        Assert.Equal(2, result.ChainsRemoved);
        Assert.False(result.FoundLegacyTables);

        string save = ns.Exec("iptables-save") + ns.Exec("ip6tables-save");
        string ruleset = ns.Exec(NftKernelTests.Nft(), "list", "ruleset");
        Assert.DoesNotContain(chain, save, StringComparison.Ordinal);
        Assert.DoesNotContain(chain, ruleset, StringComparison.Ordinal);
        Assert.DoesNotContain("cid1", save, StringComparison.Ordinal);
        Assert.Contains("-A POSTROUTING -s 10.88.0.6/32", save, StringComparison.Ordinal);
        Assert.Contains(":" + other, save, StringComparison.Ordinal);

        IptablesTeardownResult again = IptablesMasqueradeRules.Teardown(nft, Net, "cid1", handle);
        Assert.Equal((0, 0), (again.RulesRemoved, again.ChainsRemoved));
    }

    [Fact]
    public void Legacy_iptables_nat_tables_are_reported_not_touched()
    {
        Requires.Root();
        string legacy = Tool("iptables-legacy");
        using var ns = TestNamespace.Create("nft-iptl");
        string chain = IptablesMasqueradeRules.ChainName(Net, "cid1");
        ns.Exec(legacy, "-t", "nat", "-N", chain);
        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);

        IptablesTeardownResult result = IptablesMasqueradeRules.Teardown(nft, Net, "cid1", handle);
        Assert.Equal((0, 0), (result.RulesRemoved, result.ChainsRemoved));
        Assert.True(result.FoundLegacyTables);
        Assert.Contains("ip nat", result.LegacyTables);
        Assert.Contains(chain, ns.Exec("iptables-legacy-save"), StringComparison.Ordinal);
    }
}
