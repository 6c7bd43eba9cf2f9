using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cni.Netlink;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A bridge node with an "outside": a third namespace joined to the node by a veth (node 203.0.113.1 /
/// 2001:db8:ff::1, outside 203.0.113.2 / 2001:db8:ff::2), with forwarding on inside the node only. The
/// outside has no route to the pods' subnets (10.77.0.0/24, fd77::/64), so a pod reaches it only when
/// the node masquerades the pod's traffic. Also the readers of the node's netfilter state (nft, iptables)
/// and the reference's names for masquerade and spoof-check objects, derived here independently of the
/// plugin (REFERENCE.md 8.1, 8.2). Everything is removed on dispose, even when a test fails.
/// </summary>
internal sealed class MasqNode : IDisposable
{
    public const string NodeV4 = "203.0.113.1";
    public const string OutsideV4 = "203.0.113.2";
    public const string NodeV6 = "2001:db8:ff::1";
    public const string OutsideV6 = "2001:db8:ff::2";

    /// <summary>host-local ranges for a dual-stack pod network.</summary>
    public const string DualStack = "[[{\"subnet\":\"10.77.0.0/24\"}],[{\"subnet\":\"fd77::/64\"}]]";

    /// <summary>The bridge keys of a network whose pods go out through the node (default routes via the bridge).</summary>
    public const string Gateway = "\"isGateway\":true,\"isDefaultGateway\":true";

    public const string MasqTable = "cni_plugins_masquerade";

    public MasqNode(string tag, string? ipamPlugin = null)
    {
        Bridge = new BridgeNode(tag, ipamPlugin);
        try
        {
            Outside = TestNamespace.Create("out" + tag);
            Node.Ip("link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", Outside.Name);
            Node.Ip("addr", "add", NodeV4 + "/24", "dev", "up0");
            Node.Ip("addr", "add", NodeV6 + "/64", "dev", "up0", "nodad");
            Node.Ip("link", "set", "up0", "up");
            Outside.Ip("addr", "add", OutsideV4 + "/24", "dev", "eth0");
            Outside.Ip("addr", "add", OutsideV6 + "/64", "dev", "eth0", "nodad");
            Outside.Ip("link", "set", "eth0", "up");
            Outside.Ip("link", "set", "lo", "up");
            Node.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public BridgeNode Bridge { get; }

    public TestNamespace Node => Bridge.Node;

    public TestNamespace Outside { get; } = null!;

    public TestNamespace Pod(string tag = "pod") => Bridge.Pod(tag);

    /// <summary>A dual-stack bridge network with default routes, and <paramref name="extra"/> keys (e.g. <c>"ipMasq":true</c>).</summary>
    public string Config(string extra, string version = "1.0.0", string name = "brtest") =>
        Bridge.Config(version, Gateway + (extra.Length > 0 ? "," + extra : ""), DualStack, name: name);

    public ProcessResult Run(string plugin, string command, string? netns, string config, string containerId = "ctr1", string ifName = "eth0") =>
        Bridge.Run(plugin, command, netns, config, containerId, ifName);

    /// <summary>Pings from a namespace with an ICMP socket made there; <paramref name="attempts"/> tries of one second.</summary>
    public static bool Ping(TestNamespace from, string address, int attempts = 3)
    {
        using NetworkNamespace ns = NetworkNamespace.Open(from.Path);
        return ns.Run(() =>
        {
            using var ping = new Ping();
            for (int i = 0; i < attempts; i++)
            {
                if (ping.Send(IPAddress.Parse(address), 1000).Status == IPStatus.Success)
                {
                    return true;
                }
            }

            return false;
        });
    }

    /// <summary>
    /// A UDP round trip from the pod to the outside: the outside records the source address the datagram
    /// arrived from and echoes it back to that address. Returns the source the outside saw (null if
    /// nothing arrived) and whether the echo came back to the pod.
    /// </summary>
    public (IPAddress? SeenSource, bool Echoed) UdpProbe(TestNamespace pod, string outsideAddress, int attempts = 3)
    {
        IPAddress target = IPAddress.Parse(outsideAddress);
        using NetworkNamespace outsideNs = NetworkNamespace.Open(Outside.Path);
        using NetworkNamespace podNs = NetworkNamespace.Open(pod.Path);

        // A socket belongs to the namespace it was made in, whichever thread uses it later.
        using Socket server = outsideNs.Run(() =>
        {
            var s = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(target, 0));
            return s;
        });
        using Socket client = podNs.Run(() => new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp));
        server.ReceiveTimeout = 1000;
        client.ReceiveTimeout = 1000;
        var destination = (IPEndPoint)server.LocalEndPoint!;
        byte[] buffer = new byte[64];
        IPAddress? seen = null;
        for (int i = 0; i < attempts; i++)
        {
            client.SendTo("cni-masq-probe"u8, destination);
            EndPoint from = new IPEndPoint(target.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
            int n;
            try
            {
                n = server.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException)
            {
                continue;
            }

            seen = ((IPEndPoint)from).Address;
            try
            {
                server.SendTo(buffer.AsSpan(0, n), from);
                if (client.Receive(buffer) == n)
                {
                    return (seen, true);
                }
            }
            catch (SocketException)
            {
                // No way back (no route, or not translated back): try again, then report it.
            }
        }

        return (seen, false);
    }

    /// <summary>The node's whole nf_tables ruleset as <c>nft list ruleset</c> prints it.</summary>
    public static string NftRuleset(TestNamespace node) => node.Exec("nft", "list", "ruleset");

    /// <summary>The node's iptables and ip6tables rules (iptables-save, both families).</summary>
    public static string IptablesSave(TestNamespace node) => node.Exec("iptables-save") + node.Exec("ip6tables-save");

    /// <summary>The rules of a chain as <c>nft -j -a list chain</c> reports them (none if the chain or table is missing).</summary>
    public static JsonObject[] NftRules(TestNamespace node, string family, string table, string chain)
    {
        string json;
        try
        {
            json = node.Exec("nft", "-j", "-a", "list", "chain", family, table, chain);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return [];
        }

        return [.. JsonNode.Parse(json)!["nftables"]!.AsArray()
            .Select(o => o!["rule"]).OfType<JsonObject>()];
    }

    /// <summary>The comments of the masquerade rules (chain <c>masq_checks</c> of <c>inet cni_plugins_masquerade</c>).</summary>
    public static string[] MasqComments(TestNamespace node) =>
        [.. NftRules(node, "inet", MasqTable, "masq_checks").Select(r => (string?)r["comment"] ?? "<no comment>").Order()];

    /// <summary>The text of the masquerade table (<c>nft list table inet cni_plugins_masquerade</c>).</summary>
    public static string MasqTableText(TestNamespace node) => node.Exec("nft", "list", "table", "inet", MasqTable);

    /// <summary>The first <paramref name="length"/> hex digits of the SHA-512 of a text: the reference's hash for names and comments.</summary>
    public static string Hash(string text, int length = 16) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(text)))[..length];

    /// <summary>The reference's per-attachment prefix of masquerade rule comments: <c>H(net)-H(ifname:containerID)</c>.</summary>
    public static string InstancePrefix(string network, string ifName, string containerId) =>
        Hash(network) + "-" + Hash(ifName + ":" + containerId);

    /// <summary>The reference's full masquerade rule comment (quotes stripped, at most 128 characters).</summary>
    public static string MasqComment(string network, string ifName, string containerId)
    {
        string text = $"{InstancePrefix(network, ifName, containerId)}, net: {network}, if: {ifName}, id: {containerId}".Replace("\"", "", StringComparison.Ordinal);
        return text.Length > 128 ? text[..128] : text;
    }

    /// <summary>The reference iptables backend's per-container chain: <c>CNI-</c> and SHA-512(net + containerID), 28 characters in all.</summary>
    public static string IptablesChain(string network, string containerId) => "CNI-" + Hash(network + containerId, 24);

    /// <summary>The reference's spoof-check names for an attachment: the rule comment and the two regular chains of <c>bridge nat</c>.</summary>
    public static (string Comment, string IfaceChain, string MacChain) SpoofNames(string containerId, string ifName) =>
        ($"macspoofchk-{containerId}-{ifName}", $"cni-br-iface-{containerId}-{ifName}", $"cni-br-iface-{containerId}-{ifName}-mac");

    /// <summary>The node's <c>bridge nat</c> table as text, or empty when it does not exist.</summary>
    public static string BridgeNatText(TestNamespace node)
    {
        try
        {
            return node.Exec("nft", "list", "table", "bridge", "nat");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return "";
        }
    }

    /// <summary>Asserts the node's netfilter state (nft and iptables) mentions nothing of one attachment.</summary>
    public static void AssertNoRulesOf(TestNamespace node, string network, string containerId, string ifName = "eth0")
    {
        string nft = NftRuleset(node);
        string ipt = IptablesSave(node);
        (string comment, string ifaceChain, _) = SpoofNames(containerId, ifName);
        foreach (string needle in new[] { InstancePrefix(network, ifName, containerId), IptablesChain(network, containerId), comment, ifaceChain, $"id: {containerId}\"", $"id: \\\"{containerId}\\\"" })
        {
            Assert.False(nft.Contains(needle, StringComparison.Ordinal), $"nft list ruleset still has {needle}:\n{nft}");
            Assert.False(ipt.Contains(needle, StringComparison.Ordinal), $"iptables-save still has {needle}:\n{ipt}");
        }
    }

    public void Dispose()
    {
        Outside?.Dispose();
        Bridge.Dispose();
    }
}
