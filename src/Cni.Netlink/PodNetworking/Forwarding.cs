using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Netlink;

/// <summary>IP forwarding in the calling thread's network namespace, for the families a plugin routes.</summary>
public static class Forwarding
{
    /// <summary>
    /// Turns forwarding on for each address family that appears in <paramref name="gateways"/> (IPv4, IPv6 or both),
    /// writing the sysctl only when it is not already on. Runs in the calling thread's namespace: the node's, or
    /// another through <see cref="NetworkNamespace.Run(Action)"/>.
    /// </summary>
    /// <remarks>Equivalent to: <c>sysctl -w net.ipv4.ip_forward=1; sysctl -w net.ipv6.conf.all.forwarding=1</c>.</remarks>
    /// <param name="gateways">The gateway addresses the node now serves; an empty list changes nothing.</param>
    /// <exception cref="CniException">Code <see cref="CniErrorCode.Internal"/>, <c>failed to enable forwarding: ...</c>, when a sysctl cannot be read or written.</exception>
    public static void EnableFor(IEnumerable<IPAddress> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        bool v4 = false, v6 = false;
        foreach (IPAddress gateway in gateways)
        {
            v4 |= gateway.AddressFamily == AddressFamily.InterNetwork;
            v6 |= gateway.AddressFamily == AddressFamily.InterNetworkV6;
        }

        try
        {
            if (v4)
            {
                Ensure(Sysctl.IPv4Forwarding);
            }

            if (v6)
            {
                Ensure(Sysctl.IPv6Forwarding);
            }
        }
        catch (NetlinkException e)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to enable forwarding: {e.Message}");
        }
    }

    private static void Ensure(string name)
    {
        if (Sysctl.Read(name) != "1")
        {
            Sysctl.Write(name, "1");
        }
    }
}
