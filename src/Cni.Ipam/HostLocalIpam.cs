using System.Net;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// The host-local IPAM logic over all range sets of a network: one address per range set per attachment,
/// all or nothing; release, check, garbage collection and status. The plugin parses its configuration into
/// <see cref="RangeSet"/>s, opens a store (usually <see cref="DiskIpamStore"/>) and calls one method per verb.
/// </summary>
/// <remarks>
/// <para>Errors are <see cref="CniException"/>s with the reference's texts. Allocation failures carry
/// <see cref="CniErrorCode.Internal"/>, the code the reference reports them with; invalid container IDs or
/// interface names <see cref="CniErrorCode.InvalidEnvironmentVariables"/>; store failures
/// <see cref="CniErrorCode.IOFailure"/>; STATUS failures <see cref="CniErrorCode.PluginNotAvailable"/>.</para>
/// <example>
/// <code>
/// using var store = new DiskIpamStore("/var/lib/cni/networks", "cbr0");
/// var ipam = new HostLocalIpam(store, [new RangeSet(IpRange.Create(IPAddress.Parse("10.244.1.0"), 24))]);
/// IReadOnlyList&lt;IpAllocation&gt; ips = ipam.Allocate(containerId, ifName, requestedIps);
/// </code>
/// </example>
/// </remarks>
public sealed class HostLocalIpam
{
    private readonly IIpamStore _store;
    private readonly IpAllocator[] _allocators;

    /// <summary>Creates the allocator over a network's range sets.</summary>
    /// <param name="store">The network's store.</param>
    /// <param name="rangeSets">The range sets in configuration order; their index is the range ID.</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/>: "no IP ranges specified" or "range set I overlaps with J".
    /// </exception>
    public HostLocalIpam(IIpamStore store, IReadOnlyList<RangeSet> rangeSets)
    {
        ArgumentNullException.ThrowIfNull(store);
        RangeSet.ValidateAll(rangeSets);
        _store = store;
        RangeSets = rangeSets;
        _allocators = [.. rangeSets.Select((set, i) => new IpAllocator(set, store, i))];
    }

    /// <summary>The range sets.</summary>
    public IReadOnlyList<RangeSet> RangeSets { get; }

    /// <summary>
    /// ADD: allocates one address from every range set. Each requested address goes to the first range set
    /// that contains it (one per set); the other sets allocate round-robin. If any set fails, or a requested
    /// address is left over, every address allocated by this call is released again.
    /// </summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <param name="requestedAddresses">Requested addresses (<c>runtimeConfig.ips</c>, <c>args.cni.ips</c>, <c>CNI_ARGS</c> <c>IP=</c>), or <see langword="null"/>.</param>
    /// <returns>One allocation per range set, in range set order.</returns>
    /// <exception cref="CniException">
    /// "failed to allocate for range I: reason" (the reason as in <see cref="IpAllocator"/>, same code), or
    /// "failed to allocate all requested IPs: A B" (<see cref="CniErrorCode.Internal"/>).
    /// </exception>
    public IReadOnlyList<IpAllocation> Allocate(string containerId, string ifName, IEnumerable<IPAddress>? requestedAddresses = null)
    {
        ConfigRules.ValidateContainerId(containerId);
        ConfigRules.ValidateInterfaceName(ifName);
        List<IPAddress> requested = [];
        foreach (IPAddress address in requestedAddresses ?? [])
        {
            ArgumentNullException.ThrowIfNull(address, nameof(requestedAddresses));
            IPAddress canonical = IpAddressMath.Canonicalize(address);
            if (!requested.Contains(canonical))
            {
                requested.Add(canonical);
            }
        }

        var owner = new LeaseOwner(containerId, ifName);
        List<IpAllocation> done = [];
        using IDisposable scope = _store.Lock();
        for (int i = 0; i < _allocators.Length; i++)
        {
            IPAddress? wanted = requested.FirstOrDefault(_allocators[i].RangeSet.Contains);
            if (wanted is not null)
            {
                requested.Remove(wanted);
            }

            try
            {
                done.Add(_allocators[i].Allocate(containerId, ifName, wanted));
            }
            catch (CniException e)
            {
                Rollback(done, owner);
                throw new CniException(e.Code, $"failed to allocate for range {i}: {e.Message}", e.Details, e);
            }
            catch
            {
                Rollback(done, owner);
                throw;
            }
        }

        if (requested.Count != 0)
        {
            Rollback(done, owner);
            throw new CniException(CniErrorCode.Internal, "failed to allocate all requested IPs: " + string.Join(" ", requested.Select(IpAddressMath.Format)));
        }

        return done;
    }

    /// <summary>
    /// DEL: releases every address held by the attachment in this network (or, when there is none, the legacy
    /// leases recorded for the container ID alone). An unknown attachment is not an error.
    /// </summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <returns>The released leases.</returns>
    public IReadOnlyList<Lease> Release(string containerId, string ifName)
    {
        ConfigRules.ValidateContainerId(containerId);
        ConfigRules.ValidateInterfaceName(ifName);
        return _store.ReleaseByOwner(containerId, ifName);
    }

    /// <summary>
    /// CHECK: the addresses the attachment holds in this network, legacy ID-only leases included. The reference
    /// succeeds when there is at least one, and otherwise fails with
    /// "host-local: Failed to find address added by container ID".
    /// </summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <returns>The leases, possibly none.</returns>
    public IReadOnlyList<Lease> Find(string containerId, string ifName)
    {
        ConfigRules.ValidateContainerId(containerId);
        ConfigRules.ValidateInterfaceName(ifName);
        return _store.FindByOwner(containerId, ifName);
    }

    /// <summary>
    /// GC (spec 1.1.0): releases every lease whose owner is not among the valid attachments. An empty list
    /// means that no attachment is valid, so everything is released. A legacy ID-only lease stays when any
    /// valid attachment has its container ID. Only leases are touched, never the store's own records.
    /// </summary>
    /// <param name="validAttachments">The attachments to keep (<c>cni.dev/valid-attachments</c>).</param>
    /// <returns>The released leases.</returns>
    public IReadOnlyList<Lease> CollectGarbage(IEnumerable<LeaseOwner> validAttachments)
    {
        ArgumentNullException.ThrowIfNull(validAttachments);
        var exact = new HashSet<LeaseOwner>();
        var containers = new HashSet<string>(StringComparer.Ordinal);
        foreach (LeaseOwner attachment in validAttachments)
        {
            exact.Add(attachment);
            containers.Add(attachment.ContainerId);
        }

        List<Lease> released = [];
        using IDisposable scope = _store.Lock();
        foreach (Lease lease in _store.GetLeases())
        {
            bool valid = lease.Owner.IsLegacy ? containers.Contains(lease.Owner.ContainerId) : exact.Contains(lease.Owner);
            if (!valid && _store.Release(lease.Address, lease.Owner))
            {
                released.Add(lease);
            }
        }

        return released;
    }

    /// <summary>STATUS: whether the store is usable and which range sets have no free address.</summary>
    /// <returns>The status.</returns>
    public IpamStatus GetStatus()
    {
        string? storeError = null;
        try
        {
            _store.CheckUsable();
        }
        catch (CniException e)
        {
            storeError = e.Message;
        }

        List<int> exhausted = [];
        if (storeError is null)
        {
            try
            {
                for (int i = 0; i < _allocators.Length; i++)
                {
                    if (!_allocators[i].HasFreeAddress())
                    {
                        exhausted.Add(i);
                    }
                }
            }
            catch (CniException e)
            {
                storeError = e.Message;
            }
        }

        return new IpamStatus(storeError, exhausted, _allocators.Length);
    }

    /// <summary>
    /// STATUS as the plugin answers it: returns when an ADD could succeed now, and otherwise raises
    /// <see cref="CniErrorCode.PluginNotAvailable"/> (code 50).
    /// </summary>
    /// <exception cref="CniException">Code 50 when the store is unusable or a range set is exhausted.</exception>
    public void CheckStatus() => GetStatus().ThrowIfUnavailable();

    private void Rollback(List<IpAllocation> done, LeaseOwner owner)
    {
        foreach (IpAllocation allocation in done)
        {
            try
            {
                _store.Release(allocation.Address, owner);
            }
            catch (CniException)
            {
                // Best effort, as the reference: the original failure is what the caller must see.
            }
        }
    }
}

/// <summary>The answer to STATUS for a network.</summary>
/// <param name="StoreError">Why the store is unusable, or <see langword="null"/> when it is usable.</param>
/// <param name="ExhaustedRangeSets">The indexes of the range sets that have no free address.</param>
/// <param name="RangeSetCount">How many range sets the network has.</param>
public sealed record IpamStatus(string? StoreError, IReadOnlyList<int> ExhaustedRangeSets, int RangeSetCount)
{
    /// <summary>Whether an ADD could succeed now: the store is usable and no range set is exhausted
    /// (every ADD takes one address from every range set).</summary>
    public bool IsAvailable => StoreError is null && ExhaustedRangeSets.Count == 0;

    /// <summary>Whether every range set is exhausted.</summary>
    public bool AllExhausted => RangeSetCount > 0 && ExhaustedRangeSets.Count == RangeSetCount;

    /// <summary>Raises <see cref="CniErrorCode.PluginNotAvailable"/> unless <see cref="IsAvailable"/>.</summary>
    /// <exception cref="CniException">Code 50, naming the reason.</exception>
    public void ThrowIfUnavailable()
    {
        if (StoreError is not null)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, "IPAM store unusable: " + StoreError);
        }

        if (ExhaustedRangeSets.Count != 0)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, "no IP addresses available in range set " + string.Join(", ", ExhaustedRangeSets));
        }
    }
}
