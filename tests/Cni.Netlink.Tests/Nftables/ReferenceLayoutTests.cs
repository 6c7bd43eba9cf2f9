using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Netlink.Nftables;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Netlink.Tests.Nftables;

/// <summary>
/// The Go reference's nftables ipMasq layout (REFERENCE 8.1), written here as the <c>nft -f</c> text its knftables
/// transaction amounts to, against ours: ours tears it down, and ours sets up the same shape.
/// </summary>
public sealed class ReferenceLayoutTests
{
    private const string Net = "podman";
    private const string Cid = "3f2a9c0d55e14b7a8e6f1c2d3b4a5968";

    // The comment computed independently of MasqueradeRules: sha512sum in a shell.
    private static string ReferenceComment(string network, string ifName, string containerId)
    {
        string h(string text) => Processes.Output("sh", "-c", $"printf %s '{text}' | sha512sum")[..16];
        return $"{h(network)}-{h(ifName + ":" + containerId)}, net: {network}, if: {ifName}, id: {containerId}";
    }

    // What setupIPMasqNFTablesWithInterface sends (knftables writes one command per line to `nft -f -`).
    private static string ReferenceRuleset(string comment, params (string Ip, string Address, string Subnet)[] rules)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("add table inet cni_plugins_masquerade { comment \"Masquerading for plugins from github.com/containernetworking/plugins\" ; }");
        text.AppendLine("add chain inet cni_plugins_masquerade masq_checks { comment \"Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet\" ; }");
        text.AppendLine("add chain inet cni_plugins_masquerade postrouting { type nat hook postrouting priority 100 ; }");
        text.AppendLine("flush chain inet cni_plugins_masquerade postrouting");
        text.AppendLine("add rule inet cni_plugins_masquerade postrouting ip daddr == 224.0.0.0/4  return");
        text.AppendLine("add rule inet cni_plugins_masquerade postrouting ip6 daddr == ff00::/8  return");
        text.AppendLine("add rule inet cni_plugins_masquerade postrouting goto masq_checks");
        foreach ((string ip, string address, string subnet) in rules)
        {
            text.AppendLine($"add rule inet cni_plugins_masquerade masq_checks {ip} saddr == {address} {ip} daddr != {subnet} masquerade comment \"{comment}\"");
        }

        return text.ToString();
    }

    private static void Load(TestNamespace ns, string ruleset)
    {
        string file = Path.Combine(Path.GetTempPath(), ns.Name + ".nft");
        File.WriteAllText(file, ruleset);
        try
        {
            ns.Exec(NftKernelTests.Nft(), "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // nft -j list ruleset without what differs between two namespaces by construction: handles and the metainfo.
    private static string Shape(TestNamespace ns)
    {
        JsonArray items = JsonNode.Parse(ns.Exec(NftKernelTests.Nft(), "-j", "list", "ruleset"))!["nftables"]!.AsArray();
        var kept = new JsonArray();
        foreach (JsonNode? item in items)
        {
            JsonObject obj = item!.AsObject();
            if (obj.ContainsKey("metainfo"))
            {
                continue;
            }

            JsonObject inner = obj.First().Value!.AsObject();
            inner.Remove("handle");
            kept.Add(JsonNode.Parse(obj.ToJsonString()));
        }

        return kept.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    [Fact]
    public void Rules_loaded_with_nft_in_the_references_layout_are_torn_down_by_ours()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nft-refdown");
        string comment = ReferenceComment(Net, "eth0", Cid);
        string other = ReferenceComment(Net, "eth0", "othercontainer");
        Load(ns, ReferenceRuleset(comment, ("ip", "10.88.0.7", "10.88.0.0/16"), ("ip6", "fd00:88::7", "fd00:88::/64")));
        Load(ns, ReferenceRuleset(other, ("ip", "10.88.0.8", "10.88.0.0/16")));

        using var handle = NetworkNamespace.Open(ns.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        Assert.Null(MasqueradeRules.Verify(nft, Net, "eth0", Cid, [IPCidr.Parse("10.88.0.7/16"), IPCidr.Parse("fd00:88::7/64")]));
        Assert.Equal(2, MasqueradeRules.Teardown(nft, Net, "eth0", Cid));

        string listed = ns.Exec(NftKernelTests.Nft(), "list", "ruleset");
        Assert.DoesNotContain(comment, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("10.88.0.7", listed, StringComparison.Ordinal);
        Assert.Contains(other, listed, StringComparison.Ordinal);
        Assert.Contains("goto masq_checks", listed, StringComparison.Ordinal);
        Assert.Equal(0, MasqueradeRules.Teardown(nft, Net, "eth0", Cid));
    }

    [Fact]
    public void Our_setup_lists_in_nft_json_exactly_as_the_references_layout()
    {
        Requires.Root();
        using var reference = TestNamespace.Create("nft-refA");
        using var ours = TestNamespace.Create("nft-refB");
        string comment = ReferenceComment(Net, "eth0", Cid);
        Load(reference, ReferenceRuleset(comment, ("ip", "10.88.0.7", "10.88.0.0/16"), ("ip6", "fd00:88::7", "fd00:88::/64")));

        using var handle = NetworkNamespace.Open(ours.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        MasqueradeRules.Setup(nft, Net, "eth0", Cid, [IPCidr.Parse("10.88.0.7/16"), IPCidr.Parse("fd00:88::7/64")]);

        string expected = Shape(reference);
        Assert.Contains("masquerade", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Shape(ours));
    }

    [Fact]
    public void Spoof_check_setup_lists_in_nft_json_exactly_as_the_references_layout()
    {
        Requires.Root();
        using var reference = TestNamespace.Create("nft-spA");
        using var ours = TestNamespace.Create("nft-spB");
        const string c = "macspoofchk-" + Cid + "-eth0";
        const string iface = "cni-br-iface-" + Cid + "-eth0";
        Load(reference, $$"""
            add table bridge nat
            add chain bridge nat PREROUTING { type filter hook prerouting priority -300 ; policy accept ; }
            add chain bridge nat {{iface}}
            add chain bridge nat {{iface}}-mac
            flush chain bridge nat {{iface}}
            flush chain bridge nat {{iface}}-mac
            add rule bridge nat PREROUTING iifname "vethab12cd34" jump {{iface}} comment "{{c}}"
            add rule bridge nat {{iface}} jump {{iface}}-mac comment "{{c}}"
            add rule bridge nat {{iface}}-mac ether saddr 0a:58:0a:58:00:07 return comment "{{c}}"
            add rule bridge nat {{iface}}-mac drop comment "{{c}}"

            """);

        using var handle = NetworkNamespace.Open(ours.Path);
        using var nft = NftablesSocket.OpenIn(handle);
        MacSpoofCheckRules.Setup(nft, "vethab12cd34", System.Net.NetworkInformation.PhysicalAddress.Parse("0a:58:0a:58:00:07"), Cid, "eth0");

        string expected = Shape(reference);
        Assert.Contains("0a:58:0a:58:00:07", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Shape(ours));

        using var referenceHandle = NetworkNamespace.Open(reference.Path);
        using var referenceNft = NftablesSocket.OpenIn(referenceHandle);
        Assert.True(MacSpoofCheckRules.Teardown(referenceNft, Cid, "eth0"));
        Assert.DoesNotContain(Cid, reference.Exec(NftKernelTests.Nft(), "list", "ruleset"), StringComparison.Ordinal);
    }
}
