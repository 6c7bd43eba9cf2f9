using System.Net;
using Cni.Netlink;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>
/// The kernel's own state of a namespace, read over rtnetlink, and assertions on it: the evidence a plugin
/// test checks instead of the plugin's word. A failed assertion throws <see cref="KernelStateException"/>
/// with what the namespace does hold, so any test framework reports it.
/// </summary>
public static class KernelState
{
    /// <summary>The interfaces of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <returns>Its links.</returns>
    public static IReadOnlyList<Link> Links(TestNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Run(() =>
        {
            using RtnlSocket rtnl = RtnlSocket.Open();
            return rtnl.ListLinks();
        });
    }

    /// <summary>The addresses of one interface of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <returns>Its addresses, as <c>address/prefix</c>.</returns>
    /// <exception cref="KernelStateException">The namespace has no such interface.</exception>
    public static IReadOnlyList<IPCidr> Addresses(TestNamespace ns, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Run(() =>
        {
            using RtnlSocket rtnl = RtnlSocket.Open();
            Link link = Find(rtnl, ns, interfaceName);
            return (IReadOnlyList<IPCidr>)[.. rtnl.ListAddresses(link.Index).Select(a => new IPCidr(a.Address, a.PrefixLength))];
        });
    }

    /// <summary>The main table's routes of a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <returns>Its routes.</returns>
    public static IReadOnlyList<Route> Routes(TestNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Run(() =>
        {
            using RtnlSocket rtnl = RtnlSocket.Open();
            return rtnl.ListRoutes();
        });
    }

    /// <summary>Asserts the namespace has the interface, up, holding at least these addresses.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="addresses">Addresses it must hold, as <c>address/prefix</c> (for example <c>10.1.0.2/24</c>).</param>
    /// <exception cref="KernelStateException">It is missing, down, or lacks an address.</exception>
    public static void AssertInterface(TestNamespace ns, string interfaceName, params string[] addresses)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(addresses);
        ns.Run(() =>
        {
            using RtnlSocket rtnl = RtnlSocket.Open();
            Link link = Find(rtnl, ns, interfaceName);
            if (!link.IsUp)
            {
                throw new KernelStateException($"{interfaceName} in {ns.Name} is down");
            }

            IPCidr[] held = [.. rtnl.ListAddresses(link.Index).Select(a => new IPCidr(a.Address, a.PrefixLength))];
            foreach (string wanted in addresses)
            {
                IPCidr cidr = IPCidr.Parse(wanted);
                if (!held.Contains(cidr))
                {
                    throw new KernelStateException($"{interfaceName} in {ns.Name} does not hold {wanted}; it holds [{string.Join(", ", held)}]");
                }
            }

            return 0;
        });
    }

    /// <summary>Asserts the namespace has no interface of that name.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <exception cref="KernelStateException">It exists.</exception>
    public static void AssertNoInterface(TestNamespace ns, string interfaceName)
    {
        if (Links(ns).Any(l => l.Name == interfaceName))
        {
            throw new KernelStateException($"{ns.Name} still has {interfaceName}");
        }
    }

    /// <summary>Asserts the main table has a route to <paramref name="destination"/>, through <paramref name="gateway"/> when given.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="destination">The destination as <c>address/prefix</c>; <c>0.0.0.0/0</c> or <c>::/0</c> for the default route.</param>
    /// <param name="gateway">The gateway it must use, or <see langword="null"/> for any.</param>
    /// <exception cref="KernelStateException">No such route.</exception>
    public static void AssertRoute(TestNamespace ns, string destination, string? gateway = null)
    {
        IReadOnlyList<Route> routes = Routes(ns);
        if (!routes.Any(RouteTo(destination, gateway)))
        {
            throw new KernelStateException($"{ns.Name} has no route to {destination}{(gateway is null ? "" : " via " + gateway)}; it has [{string.Join("; ", routes)}]");
        }
    }

    /// <summary>Asserts the main table has no route to <paramref name="destination"/> (through any gateway): what a DEL must leave.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="destination">The destination as <c>address/prefix</c>; <c>0.0.0.0/0</c> or <c>::/0</c> for the default route.</param>
    /// <exception cref="KernelStateException">Such a route is there.</exception>
    public static void AssertNoRoute(TestNamespace ns, string destination)
    {
        if (Routes(ns).FirstOrDefault(RouteTo(destination, gateway: null)) is Route left)
        {
            throw new KernelStateException($"{ns.Name} still has a route to {destination}: {left}");
        }
    }

    private static Func<Route, bool> RouteTo(string destination, string? gateway)
    {
        IPCidr wanted = IPCidr.Parse(destination);
        IPAddress? via = gateway is null ? null : IPAddress.Parse(gateway);
        IPAddress any = wanted.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        return r => (r.Destination ?? any).Equals(wanted.Address)
            && r.DestinationPrefixLength == wanted.PrefixLength
            && (via is null || via.Equals(r.Gateway));
    }

    private static Link Find(RtnlSocket rtnl, TestNamespace ns, string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        IReadOnlyList<Link> links = rtnl.ListLinks();
        return links.FirstOrDefault(l => l.Name == interfaceName)
            ?? throw new KernelStateException($"{ns.Name} has no interface {interfaceName}; it has [{string.Join(", ", links.Select(l => l.Name))}]");
    }
}

/// <summary>The kernel's state is not what a test asserted; the message says what there is instead.</summary>
public sealed class KernelStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public KernelStateException(string message)
        : base(message)
    {
    }
}
