using System.Globalization;
using System.Net;
using Cni.Spec;

namespace Cni.Plugins.Flannel;

/// <summary>
/// The node's lease as flanneld writes it to <c>subnet.env</c>: lines <c>NAME=value</c>, of which flannel
/// reads the cluster networks, this node's subnets, the MTU and whether flanneld masquerades itself.
/// </summary>
internal sealed class SubnetEnv
{
    public List<IPNetwork> Networks { get; } = [];

    public IPNetwork? Subnet { get; private set; }

    public List<IPNetwork> Ipv6Networks { get; } = [];

    public IPNetwork? Ipv6Subnet { get; private set; }

    public uint? Mtu { get; private set; }

    public bool? IpMasq { get; private set; }

    /// <summary>Reads and checks a subnet.env file.</summary>
    /// <exception cref="CniException">
    /// The file cannot be read (code 11: flanneld has not written it yet, or is down), a value is malformed or
    /// a variable is missing (code 999, naming it).
    /// </exception>
    public static SubnetEnv Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(
                CniErrorCode.TryAgainLater,
                $"failed to load flannel 'subnet.env' file: {e.Message}. Check the flannel pod log for this node.",
                $"subnetFile is {path}; flanneld writes it once it has a lease for the node");
        }

        return Parse(text, path);
    }

    /// <summary>Parses subnet.env text; <paramref name="path"/> names the file in messages.</summary>
    public static SubnetEnv Parse(string text, string path)
    {
        var env = new SubnetEnv();
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.EndsWith('\r') ? raw[..^1] : raw;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? line : line[..eq];
            string? value = eq < 0 ? null : line[(eq + 1)..];
            if (name is not ("FLANNEL_NETWORK" or "FLANNEL_SUBNET" or "FLANNEL_IPV6_NETWORK" or "FLANNEL_IPV6_SUBNET" or "FLANNEL_MTU" or "FLANNEL_IPMASQ"))
            {
                continue;
            }

            if (value is null)
            {
                throw Malformed(path, lineNumber, name, "has no '=' and no value");
            }

            switch (name)
            {
                case "FLANNEL_NETWORK":
                    env.Networks.Clear();
                    env.Networks.AddRange(ParseNetworks(value, path, lineNumber, name));
                    break;
                case "FLANNEL_IPV6_NETWORK":
                    env.Ipv6Networks.Clear();
                    env.Ipv6Networks.AddRange(ParseNetworks(value, path, lineNumber, name));
                    break;
                case "FLANNEL_SUBNET":
                    env.Subnet = ParseNetwork(value, path, lineNumber, name);
                    break;
                case "FLANNEL_IPV6_SUBNET":
                    env.Ipv6Subnet = ParseNetwork(value, path, lineNumber, name);
                    break;
                case "FLANNEL_MTU":
                    env.Mtu = value.Length > 0 && value.All(char.IsAsciiDigit) && uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint mtu)
                        ? mtu
                        : throw Malformed(path, lineNumber, name, $"\"{value}\" is not an unsigned 32-bit number");
                    break;
                default:
                    env.IpMasq = value == "true";
                    break;
            }
        }

        var missing = new List<string>();
        if (env.Networks.Count == 0 && env.Ipv6Networks.Count == 0)
        {
            missing.AddRange(["FLANNEL_NETWORK", "FLANNEL_IPV6_NETWORK"]);
        }

        if (env.Subnet is null && env.Ipv6Subnet is null)
        {
            missing.AddRange(["FLANNEL_SUBNET", "FLANNEL_IPV6_SUBNET"]);
        }

        if (env.Mtu is null)
        {
            missing.Add("FLANNEL_MTU");
        }

        if (env.IpMasq is null)
        {
            missing.Add("FLANNEL_IPMASQ");
        }

        return missing.Count == 0
            ? env
            : throw new CniException(CniErrorCode.Internal, $"{path} is missing {string.Join(", ", missing)}", "flanneld writes every variable; check the flannel pod log for this node");
    }

    private static IEnumerable<IPNetwork> ParseNetworks(string value, string path, int line, string name)
    {
        var networks = new List<IPNetwork>();
        foreach (string part in value.Split(','))
        {
            IPNetwork network = ParseNetwork(part, path, line, name);
            if (!networks.Contains(network))
            {
                networks.Add(network);
            }
        }

        return networks;
    }

    // Like Go's net.ParseCIDR: the network of the CIDR, so 10.1.17.1/24 is 10.1.17.0/24.
    private static IPNetwork ParseNetwork(string value, string path, int line, string name) =>
        IPCidr.TryParse(value, out IPCidr cidr)
            ? cidr.Network
            : throw Malformed(path, line, name, $"\"{value}\" is not a CIDR (address/prefix length)");

    private static CniException Malformed(string path, int line, string name, string problem) =>
        new(CniErrorCode.Internal, $"{path} line {line}: {name} {problem}", "flanneld writes this file; check the flannel pod log for this node");
}
