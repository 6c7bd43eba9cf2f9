using System.Text.Json;
using Cni.Tests;

namespace Cni.Netlink.Tests;

/// <summary>The interface alias (<c>IFLA_IFALIAS</c>): set and cleared over our socket, read back by ours and by <c>ip -j</c>.</summary>
public sealed class LinkAliasTests
{
    [Fact]
    public void Alias_is_set_read_back_by_ip_and_cleared()
    {
        Requires.Root();
        using var ns = TestNamespace.Create("nl-alias");
        using var handle = NetworkNamespace.Open(ns.Path);
        using var rtnl = RtnlSocket.OpenIn(handle);
        rtnl.AddVeth("veth0", "veth1");
        Link veth = rtnl.GetLink("veth0");
        Assert.Null(veth.Alias);

        string alias = "cni-bridge1 0123456789abcdef eth0 container-é";
        rtnl.SetLinkAlias(veth.Index, alias);
        Assert.Equal(alias, rtnl.GetLink(veth.Index).Alias);
        Assert.Equal(alias, rtnl.ListLinks().Single(l => l.Index == veth.Index).Alias);
        JsonElement ip = JsonDocument.Parse(ns.Ip("-j", "link", "show", "dev", "veth0")).RootElement[0];
        Assert.Equal(alias, ip.GetProperty("ifalias").GetString());

        // Exactly the longest the kernel keeps, then one byte more: refused before anything is sent.
        string longest = new('a', RtnlSocket.MaxAliasLength);
        rtnl.SetLinkAlias(veth.Index, longest);
        Assert.Equal(longest, rtnl.GetLink(veth.Index).Alias);
        Assert.Throws<ArgumentException>(() => rtnl.SetLinkAlias(veth.Index, longest + "a"));
        Assert.Equal(longest, rtnl.GetLink(veth.Index).Alias);

        rtnl.SetLinkAlias(veth.Index, "");
        Assert.Null(rtnl.GetLink(veth.Index).Alias);
        Assert.DoesNotContain("ifalias", ns.Ip("-j", "link", "show", "dev", "veth0"), StringComparison.Ordinal);
    }
}
