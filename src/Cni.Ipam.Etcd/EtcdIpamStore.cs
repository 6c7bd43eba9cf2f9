using System.Net;
using Cni.Spec;

namespace Cni.Ipam.Etcd;

/// <summary>
/// A lease store on etcd's v3 API, shared by every node of a cluster: one network's address space with no
/// double grant and no leak, whichever node allocates.
/// </summary>
/// <remarks>
/// <para>Key layout under <c>&lt;prefix&gt;/&lt;network&gt;/</c> (<see cref="KeyPrefix"/>):</para>
/// <list type="bullet">
/// <item><c>ips/&lt;address&gt;</c>: one key per reserved address, holding the lease record
/// <c>{"containerId":"…","ifName":"…","node":"…","rangeSet":N}</c>.</item>
/// <item><c>owners/&lt;containerId&gt;/&lt;ifName&gt;/&lt;rangeSet&gt;</c>: the owner index, holding the address;
/// it makes release and lookup by owner one range read of the owner's keys instead of a scan, and allows one lease
/// per (container ID, interface, range set).</item>
/// <item><c>last_reserved_ip/&lt;rangeSet&gt;</c>: where round-robin resumes in the range set.</item>
/// </list>
/// <para>A reservation is one transaction: the address key and the owner key are created only if neither exists
/// (compare <c>create_revision == 0</c>), with the hint, so there is never a read-then-write. A release deletes the
/// address and owner keys in one transaction, only if both are still at the revision that wrote them together.
/// After a release only the hints remain.</para>
/// <para><see cref="Lock"/> takes no lock: every method is atomic by itself in etcd, and the one sequence the
/// allocator runs under the lock (look up the owner, read the hint, try addresses) stays correct without it,
/// because a reservation that lost a race fails its transaction and the allocator tries the next address. A
/// distributed lock would add round trips to every ADD and leave a dead node's lock to expire.</para>
/// <para>Failures: no answer from a quorum within <see cref="EtcdStoreOptions.Timeout"/> raises
/// <see cref="CniErrorCode.TryAgainLater"/> (11), having written nothing; a missing or unusable certificate,
/// key or CA file, or a server certificate the CA did not sign, raises <see cref="CniErrorCode.InvalidNetworkConfig"/>
/// naming the file. A timeout after a reservation was sent is resolved by the retry: an address key that
/// already holds this very lease counts as reserved.</para>
/// <para><see cref="GetLeases"/> returns only this node's leases, so that garbage collection on one node
/// (<see cref="HostLocalIpam.CollectGarbage"/>) never frees another node's; <see cref="GetAllLeases"/> returns
/// every node's.</para>
/// </remarks>
public sealed class EtcdIpamStore : IIpamStore
{
    /// <summary>Creates the store of one network. No connection is made until the first operation.</summary>
    /// <param name="options">Where etcd is and how to reach it.</param>
    /// <param name="networkName">The network name (the configuration's <c>name</c>).</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/>: no endpoint, an endpoint that is not an absolute
    /// <c>http</c>/<c>https</c> URL, <c>https</c> without a CA file, a certificate without its key (or the
    /// reverse), a file that does not exist, a timeout that is not positive, an invalid network or node name.
    /// </exception>
    public EtcdIpamStore(EtcdStoreOptions options, string networkName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigRules.ValidateName(networkName);
        NetworkName = networkName;
        NodeName = string.IsNullOrEmpty(options.NodeName) ? Environment.MachineName : options.NodeName;
        KeyPrefix = options.Prefix.TrimEnd('/') + "/" + networkName + "/";
        throw new NotImplementedException();
    }

    /// <summary>The network name.</summary>
    public string NetworkName { get; }

    /// <summary>The name this node records in its leases.</summary>
    public string NodeName { get; }

    /// <summary>The prefix of every key of this network, <c>&lt;prefix&gt;/&lt;network&gt;/</c>.</summary>
    public string KeyPrefix { get; }

    /// <summary>No lock is needed: see the remarks of <see cref="EtcdIpamStore"/>.</summary>
    /// <returns>A scope that does nothing.</returns>
    public IDisposable Lock() => throw new NotImplementedException();

    /// <inheritdoc/>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.Internal"/> when the owner already holds an address in this range set;
    /// <see cref="CniErrorCode.InvalidEnvironmentVariables"/> for a legacy owner (this store records an interface
    /// name with every lease); <see cref="CniErrorCode.TryAgainLater"/> without an answer from a quorum.
    /// </exception>
    public bool TryReserve(IPAddress address, LeaseOwner owner, int rangeSetIndex) => throw new NotImplementedException();

    /// <inheritdoc/>
    public IPAddress? GetLastReserved(int rangeSetIndex) => throw new NotImplementedException();

    /// <inheritdoc/>
    public IReadOnlyList<Lease> FindByOwner(string containerId, string ifName) => throw new NotImplementedException();

    /// <inheritdoc/>
    public bool Release(IPAddress address, LeaseOwner owner) => throw new NotImplementedException();

    /// <inheritdoc/>
    public IReadOnlyList<Lease> ReleaseByOwner(string containerId, string ifName) => throw new NotImplementedException();

    /// <summary>The leases this node (<see cref="NodeName"/>) made, for garbage collection on this node.</summary>
    /// <returns>The leases.</returns>
    public IReadOnlyList<Lease> GetLeases() => throw new NotImplementedException();

    /// <summary>Every node's leases with the node and range set that made them.</summary>
    /// <returns>The leases, in key order.</returns>
    public IReadOnlyList<EtcdLease> GetAllLeases() => throw new NotImplementedException();

    /// <summary>Every reserved address, of every node.</summary>
    /// <returns>The addresses.</returns>
    public IReadOnlyCollection<IPAddress> GetReservedAddresses() => throw new NotImplementedException();

    /// <summary>Checks that a quorum answers a read now.</summary>
    /// <exception cref="CniException"><see cref="CniErrorCode.PluginNotAvailable"/> naming the endpoints and the reason.</exception>
    public void CheckUsable() => throw new NotImplementedException();

    /// <summary>Closes the connections.</summary>
    public void Dispose()
    {
    }
}
