using System.Net;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// Where leases live: one store per network. Implement it to keep leases elsewhere (a database, an API);
/// <see cref="DiskIpamStore"/> keeps the host-local on-disk layout and <see cref="MemoryIpamStore"/> keeps
/// them in memory.
/// </summary>
/// <remarks>
/// <para>Every method is atomic by itself. A caller that needs several calls to act as one (find, then reserve)
/// holds <see cref="Lock"/> around them; the lock is re-entrant for the thread that holds it, and excludes other
/// threads and, for stores shared between processes, other processes.</para>
/// <para>Errors are raised as <see cref="CniException"/>: <see cref="CniErrorCode.IOFailure"/> when the store
/// cannot be read or written, <see cref="CniErrorCode.InvalidEnvironmentVariables"/> for a container ID or
/// interface name the store cannot record.</para>
/// </remarks>
public interface IIpamStore : IDisposable
{
    /// <summary>Takes the store's exclusive lock until the returned scope is disposed.</summary>
    /// <returns>The lock scope; dispose it on the thread that took it.</returns>
    IDisposable Lock();

    /// <summary>
    /// Reserves an address for an owner unless it is already reserved, and on success records it as the last
    /// address reserved in the range set.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="owner">The owner; a legacy owner (no interface name) writes a legacy record.</param>
    /// <param name="rangeSetIndex">The index of the range set the address comes from.</param>
    /// <returns><see langword="true"/> when reserved, <see langword="false"/> when already taken.</returns>
    bool TryReserve(IPAddress address, LeaseOwner owner, int rangeSetIndex);

    /// <summary>The last address reserved in a range set, where round-robin resumes.</summary>
    /// <param name="rangeSetIndex">The range set index.</param>
    /// <returns>The address, or <see langword="null"/> when none is recorded or the record is unreadable.</returns>
    IPAddress? GetLastReserved(int rangeSetIndex);

    /// <summary>The leases held by an attachment: those recorded for (<paramref name="containerId"/>, <paramref name="ifName"/>) and legacy leases recorded for the container ID alone.</summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <returns>The leases, possibly none.</returns>
    IReadOnlyList<Lease> FindByOwner(string containerId, string ifName);

    /// <summary>Releases one address if, and only if, it is held by <paramref name="owner"/>.</summary>
    /// <param name="address">The address.</param>
    /// <param name="owner">The owner it must be recorded for, exactly.</param>
    /// <returns><see langword="true"/> when it was released.</returns>
    bool Release(IPAddress address, LeaseOwner owner);

    /// <summary>
    /// Releases every address held by (<paramref name="containerId"/>, <paramref name="ifName"/>); when there is
    /// none, releases the legacy leases recorded for the container ID alone (the reference's DEL).
    /// Releasing an unknown owner is not an error.
    /// </summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <returns>The released leases.</returns>
    IReadOnlyList<Lease> ReleaseByOwner(string containerId, string ifName);

    /// <summary>Every lease with its owner, for garbage collection. May read every record.</summary>
    /// <returns>The leases.</returns>
    IReadOnlyList<Lease> GetLeases();

    /// <summary>Every reserved address, without owners: cheaper than <see cref="GetLeases"/> where that matters.</summary>
    /// <returns>The addresses.</returns>
    IReadOnlyCollection<IPAddress> GetReservedAddresses();

    /// <summary>Checks that the store can take new leases now (for STATUS).</summary>
    /// <exception cref="CniException"><see cref="CniErrorCode.PluginNotAvailable"/> with the reason.</exception>
    void CheckUsable();
}
