using System.Net;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// Allocates addresses from one range set in one store: the reference's per-range-set allocator. Most
/// callers use <see cref="HostLocalIpam"/>, which drives one allocator per range set.
/// </summary>
/// <remarks>
/// Failures are <see cref="CniException"/>s whose messages are the reference's, with
/// <see cref="CniErrorCode.Internal"/> (the code the reference reports them with):
/// "no IP addresses available in range set: R", "A has been allocated to ID, duplicate allocation is not
/// allowed", "requested IP address A is not available in range set R", "requested ip A is subnet's gateway",
/// "A not in range set R".
/// </remarks>
public sealed class IpAllocator
{
    private readonly IIpamStore _store;

    /// <summary>Creates an allocator.</summary>
    /// <param name="rangeSet">The range set.</param>
    /// <param name="store">The store, shared by all range sets of the network.</param>
    /// <param name="rangeSetIndex">The range set's index in the configuration (the reference's range ID).</param>
    public IpAllocator(RangeSet rangeSet, IIpamStore store, int rangeSetIndex)
    {
        ArgumentNullException.ThrowIfNull(rangeSet);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(rangeSetIndex);
        RangeSet = rangeSet;
        _store = store;
        RangeSetIndex = rangeSetIndex;
    }

    /// <summary>The range set.</summary>
    public RangeSet RangeSet { get; }

    /// <summary>The range set's index (range ID).</summary>
    public int RangeSetIndex { get; }

    /// <summary>
    /// Allocates one address for an attachment: the requested one if given, otherwise the next free one in
    /// round-robin order. Without a request, an attachment that already holds an address of this set is refused.
    /// </summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <param name="requested">A specific address to reserve, or <see langword="null"/>.</param>
    /// <returns>The allocation.</returns>
    /// <exception cref="CniException">See the remarks of <see cref="IpAllocator"/>.</exception>
    public IpAllocation Allocate(string containerId, string ifName, IPAddress? requested = null)
    {
        ConfigRules.ValidateContainerId(containerId);
        ConfigRules.ValidateInterfaceName(ifName);
        var owner = new LeaseOwner(containerId, ifName);
        using IDisposable scope = _store.Lock();
        if (requested is not null)
        {
            IPAddress address = IpAddressMath.Canonicalize(requested);
            IpRange range = RangeSet.RangeFor(address)
                ?? throw Fail($"{IpAddressMath.Format(address)} not in range set {RangeSet}");
            if (address.Equals(range.Gateway))
            {
                throw Fail($"requested ip {IpAddressMath.Format(address)} is subnet's gateway");
            }

            if (!range.IsAllocatable(address) || !_store.TryReserve(address, owner, RangeSetIndex))
            {
                throw Fail($"requested IP address {IpAddressMath.Format(address)} is not available in range set {RangeSet}");
            }

            return new IpAllocation(address, range.Subnet, range.Gateway, RangeSetIndex);
        }

        foreach (Lease lease in _store.FindByOwner(containerId, ifName))
        {
            if (RangeSet.Contains(lease.Address))
            {
                throw Fail($"{IpAddressMath.Format(lease.Address)} has been allocated to {containerId}, duplicate allocation is not allowed");
            }
        }

        foreach (IPAddress candidate in RangeSet.EnumerateCandidates(_store.GetLastReserved(RangeSetIndex)))
        {
            if (_store.TryReserve(candidate, owner, RangeSetIndex))
            {
                IpRange range = RangeSet.RangeFor(candidate)!;
                return new IpAllocation(candidate, range.Subnet, range.Gateway, RangeSetIndex);
            }
        }

        throw Fail($"no IP addresses available in range set: {RangeSet}");
    }

    /// <summary>Releases the addresses of this range set held by an attachment (legacy ID-only leases included).</summary>
    /// <param name="containerId">The container ID.</param>
    /// <param name="ifName">The interface name.</param>
    /// <returns>The released leases; none is not an error.</returns>
    public IReadOnlyList<Lease> Release(string containerId, string ifName)
    {
        using IDisposable scope = _store.Lock();
        List<Lease> released = [];
        foreach (Lease lease in _store.FindByOwner(containerId, ifName))
        {
            if (RangeSet.Contains(lease.Address) && _store.Release(lease.Address, lease.Owner))
            {
                released.Add(lease);
            }
        }

        return released;
    }

    /// <summary>Whether at least one address of the set is free, counted without visiting every address.</summary>
    /// <returns><see langword="true"/> when an allocation could succeed.</returns>
    public bool HasFreeAddress()
    {
        using IDisposable scope = _store.Lock();
        UInt128 used = 0;
        foreach (IPAddress address in _store.GetReservedAddresses())
        {
            if (RangeSet.RangeFor(address) is { } range && range.IsAllocatable(address))
            {
                used++;
            }
        }

        return RangeSet.AllocatableCount > used;
    }

    private static CniException Fail(string message) => new(CniErrorCode.Internal, message);
}
