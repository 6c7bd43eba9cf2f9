using System.Net.NetworkInformation;
using Cni.Spec;

namespace Cni.Netlink;

/// <summary>
/// A veth pair between the node and a pod: the host end with a random <c>veth%08x</c> name in the node's
/// namespace, the container end made directly inside the pod's namespace under the name the runtime asked for.
/// </summary>
/// <example>
/// <code>
/// using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
/// using RtnlSocket podRtnl = RtnlSocket.OpenIn(pod);
/// using RtnlSocket node = RtnlSocket.Open();
/// VethPair veth = VethPair.Create(node, pod, podRtnl, request.IfName, mtu: 1450);
/// node.SetLinkMaster(veth.Host.Index, bridge.Index);
/// PodInterface.Configure(pod, podRtnl, veth.Container, result);
/// </code>
/// </example>
public sealed class VethPair
{
    /// <summary>How many random host names <see cref="Create(RtnlSocket, NetworkNamespace, RtnlSocket, string, int, PhysicalAddress?)"/> tries before it gives up.</summary>
    public const int NameAttempts = 10;

    private VethPair(Link host, Link container)
    {
        Host = host;
        Container = container;
    }

    /// <summary>The host end, in the node's namespace, up.</summary>
    public Link Host { get; }

    /// <summary>The container end, in the pod's namespace, as created (still down).</summary>
    public Link Container { get; }

    /// <summary>
    /// Creates the pair: the host end under a fresh random name (another name is tried when one is taken, up to
    /// <see cref="NameAttempts"/> times), the container end created directly in <paramref name="pod"/> with its MTU and
    /// MAC, then brings the host end up. On a failure after the pair exists it is deleted again.
    /// </summary>
    /// <remarks>
    /// Equivalent to: <c>ip link add vethXXXXXXXX [mtu N] type veth peer name eth0 [mtu N] [address MAC] netns POD;
    /// ip link set vethXXXXXXXX up</c>.
    /// </remarks>
    /// <param name="node">A socket in the namespace of the host end (normally the node's).</param>
    /// <param name="pod">The pod's namespace, where the container end is made.</param>
    /// <param name="podRtnl">A socket inside <paramref name="pod"/>.</param>
    /// <param name="containerIfName">The container end's name (<c>CNI_IFNAME</c>).</param>
    /// <param name="mtu">The MTU of both ends; 0 for the kernel's default.</param>
    /// <param name="containerMac">The container end's MAC; null for a random one from the kernel.</param>
    /// <returns>Both ends, read back from the kernel.</returns>
    /// <exception cref="CniException">
    /// Code <see cref="CniErrorCode.Internal"/>: <c>container veth name provided (eth0) already exists</c> when the pod has an
    /// interface of that name, or the kernel's reason for refusing the pair or bringing the host end up.
    /// </exception>
    public static VethPair Create(RtnlSocket node, NetworkNamespace pod, RtnlSocket podRtnl, string containerIfName, int mtu = 0, PhysicalAddress? containerMac = null) =>
        Create(node, pod, podRtnl, containerIfName, mtu, containerMac, NewHostName);

    /// <summary><see cref="Create(RtnlSocket, NetworkNamespace, RtnlSocket, string, int, PhysicalAddress?)"/> with the source of host names given (tests force clashes with it).</summary>
    internal static VethPair Create(RtnlSocket node, NetworkNamespace pod, RtnlSocket podRtnl, string containerIfName, int mtu, PhysicalAddress? containerMac, Func<string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(podRtnl);
        ArgumentException.ThrowIfNullOrEmpty(containerIfName);
        for (int attempt = 0; attempt < NameAttempts; attempt++)
        {
            string hostName = hostNames();
            try
            {
                node.AddVeth(hostName, containerIfName, new VethOptions
                {
                    Mtu = mtu > 0 ? mtu : null,
                    PeerMtu = mtu > 0 ? mtu : null,
                    PeerMacAddress = containerMac,
                    PeerNamespace = pod,
                });
            }
            catch (NetlinkException e) when (e.IsExists)
            {
                // Either end's name can be taken: the container's is the caller's error, the host's is bad luck.
                if (podRtnl.TryGetLink(containerIfName) is not null)
                {
                    throw Fail($"container veth name provided ({containerIfName}) already exists");
                }

                continue;
            }
            catch (NetlinkException e)
            {
                throw Fail($"failed to create veth pair {hostName}/{containerIfName}: {e.Message}");
            }

            Link host = node.GetLink(hostName);
            string step = $"failed to set {hostName} up";
            try
            {
                node.SetLinkUp(host.Index);
                host = node.GetLink(host.Index);
                step = $"failed to find the container end {containerIfName} of {hostName}";
                return new VethPair(host, podRtnl.GetLink(containerIfName));
            }
            catch (NetlinkException e)
            {
                node.DeleteLink(host.Index);
                throw Fail($"{step}: {e.Message}");
            }
        }

        throw Fail($"failed to find a free host veth name after {NameAttempts} attempts");
    }

    /// <summary>A fresh random host-end name: <c>veth</c> and eight lowercase hex digits, as the reference plugins name theirs.</summary>
    /// <returns>The name, for example <c>veth3f09a1c2</c>.</returns>
    public static string NewHostName()
    {
        Span<byte> random = stackalloc byte[4];
        Random.Shared.NextBytes(random);
        return "veth" + Convert.ToHexStringLower(random);
    }

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
