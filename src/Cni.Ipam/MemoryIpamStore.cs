using System.Net;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// A lease store held in memory, for tests and for embedders that keep leases inside one process.
/// Thread-safe; its lock excludes other threads of the same process only.
/// </summary>
public sealed class MemoryIpamStore : IIpamStore
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, LeaseOwner> _leases = [];
    private readonly Dictionary<int, IPAddress> _lastReserved = [];

    /// <summary>When set, <see cref="CheckUsable"/> reports the store as unusable with this reason (for tests of STATUS).</summary>
    public string? UnusableReason { get; set; }

    /// <inheritdoc/>
    public IDisposable Lock()
    {
        Monitor.Enter(_gate);
        return new Scope(_gate);
    }

    /// <inheritdoc/>
    public bool TryReserve(IPAddress address, LeaseOwner owner, int rangeSetIndex)
    {
        ArgumentNullException.ThrowIfNull(address);
        owner.Validate();
        address = IpAddressMath.Canonicalize(address);
        lock (_gate)
        {
            if (!_leases.TryAdd(address, owner))
            {
                return false;
            }

            _lastReserved[rangeSetIndex] = address;
            return true;
        }
    }

    /// <inheritdoc/>
    public IPAddress? GetLastReserved(int rangeSetIndex)
    {
        lock (_gate)
        {
            return _lastReserved.GetValueOrDefault(rangeSetIndex);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> FindByOwner(string containerId, string ifName)
    {
        lock (_gate)
        {
            return [.. _leases.Where(l => l.Value.Matches(containerId, ifName)).Select(l => new Lease(l.Key, l.Value))];
        }
    }

    /// <inheritdoc/>
    public bool Release(IPAddress address, LeaseOwner owner)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpAddressMath.Canonicalize(address);
        lock (_gate)
        {
            return _leases.TryGetValue(address, out LeaseOwner current) && current == owner && _leases.Remove(address);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> ReleaseByOwner(string containerId, string ifName)
    {
        lock (_gate)
        {
            var exact = new LeaseOwner(containerId, ifName);
            List<Lease> released = [.. _leases.Where(l => l.Value == exact).Select(l => new Lease(l.Key, l.Value))];
            if (released.Count == 0)
            {
                var legacy = new LeaseOwner(containerId, null);
                released = [.. _leases.Where(l => l.Value == legacy).Select(l => new Lease(l.Key, l.Value))];
            }

            foreach (Lease lease in released)
            {
                _leases.Remove(lease.Address);
            }

            return released;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> GetLeases()
    {
        lock (_gate)
        {
            return [.. _leases.Select(l => new Lease(l.Key, l.Value))];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<IPAddress> GetReservedAddresses()
    {
        lock (_gate)
        {
            return [.. _leases.Keys];
        }
    }

    /// <inheritdoc/>
    public void CheckUsable()
    {
        if (UnusableReason is { } reason)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, reason);
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private sealed class Scope(object gate) : IDisposable
    {
        private object? _gate = gate;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _gate, null) is { } g)
            {
                Monitor.Exit(g);
            }
        }
    }
}
