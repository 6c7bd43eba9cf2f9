using System.Collections;
using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// A validated pool of disjoint ranges of one address family: one inner array of a host-local <c>ranges</c>
/// configuration. Each range set yields one address per attachment.
/// </summary>
/// <remarks>
/// Iteration is round-robin: it starts after the last reserved address when that address is still in the set,
/// otherwise at the start of the first range, wraps across the ranges of the set, skips addresses that may not
/// be handed out, and stops after one full loop.
/// </remarks>
public sealed class RangeSet : IReadOnlyList<IpRange>
{
    private readonly IpRange[] _ranges;

    /// <summary>Validates a range set.</summary>
    /// <param name="ranges">The ranges, in configuration order.</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/>: "empty range set", "mixed address families", or
    /// "subnets A-B and C-D overlap".
    /// </exception>
    public RangeSet(IEnumerable<IpRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        _ranges = ranges.ToArray();
        if (_ranges.Length == 0)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "empty range set");
        }

        foreach (IpRange range in _ranges)
        {
            ArgumentNullException.ThrowIfNull(range, nameof(ranges));
            if (range.AddressFamily != _ranges[0].AddressFamily)
            {
                throw new CniException(CniErrorCode.InvalidNetworkConfig, "mixed address families");
            }
        }

        for (int i = 0; i < _ranges.Length; i++)
        {
            for (int j = i + 1; j < _ranges.Length; j++)
            {
                if (_ranges[i].Overlaps(_ranges[j]))
                {
                    throw new CniException(CniErrorCode.InvalidNetworkConfig, $"subnets {_ranges[i]} and {_ranges[j]} overlap");
                }
            }
        }
    }

    /// <summary>Validates a range set.</summary>
    /// <param name="ranges">The ranges, in configuration order.</param>
    /// <exception cref="CniException">As <see cref="RangeSet(IEnumerable{IpRange})"/>.</exception>
    public RangeSet(params IpRange[] ranges)
        : this((IEnumerable<IpRange>)ranges)
    {
    }

    /// <summary>The address family of every range in the set.</summary>
    public AddressFamily AddressFamily => _ranges[0].AddressFamily;

    /// <inheritdoc/>
    public int Count => _ranges.Length;

    /// <inheritdoc/>
    public IpRange this[int index] => _ranges[index];

    /// <summary>Whether any range of the set contains the address.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Contains(IPAddress address) => RangeFor(address) is not null;

    /// <summary>The range that contains an address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The range, or <see langword="null"/> when no range of the set contains it.</returns>
    public IpRange? RangeFor(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (IpRange range in _ranges)
        {
            if (range.Contains(address))
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>Whether any range of this set overlaps any range of another.</summary>
    /// <param name="other">The other set.</param>
    /// <returns><see langword="true"/> when they overlap.</returns>
    public bool Overlaps(RangeSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (IpRange a in _ranges)
        {
            foreach (IpRange b in other._ranges)
            {
                if (a.Overlaps(b))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Checks a whole <c>ranges</c> configuration: at least one set, and no two sets overlapping.
    /// </summary>
    /// <param name="rangeSets">The range sets, in configuration order (the index is the range set's ID).</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/>: "no IP ranges specified" or "range set I overlaps with J".
    /// </exception>
    public static void ValidateAll(IReadOnlyList<RangeSet> rangeSets)
    {
        ArgumentNullException.ThrowIfNull(rangeSets);
        if (rangeSets.Count == 0)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "no IP ranges specified");
        }

        for (int i = 0; i < rangeSets.Count; i++)
        {
            for (int j = i + 1; j < rangeSets.Count; j++)
            {
                if (rangeSets[i].Overlaps(rangeSets[j]))
                {
                    throw new CniException(CniErrorCode.InvalidNetworkConfig, $"range set {i} overlaps with {j}");
                }
            }
        }
    }

    /// <summary>
    /// The candidates for the next allocation, in the reference's round-robin order: starting after
    /// <paramref name="lastReserved"/> when the set contains it, else at the first range's start; wrapping
    /// across ranges; skipping gateways (and IPv4 network/broadcast addresses); one full loop.
    /// </summary>
    /// <param name="lastReserved">The last address reserved in this set, or <see langword="null"/>.</param>
    /// <returns>The candidates, lazily; an IPv6 set can be very large.</returns>
    public IEnumerable<IPAddress> EnumerateCandidates(IPAddress? lastReserved)
    {
        int first = 0;
        UInt128 start = _ranges[0].Start;
        bool resume = false;
        if (lastReserved is not null)
        {
            IPAddress last = IpAddressMath.Canonicalize(lastReserved);
            for (int i = 0; i < _ranges.Length; i++)
            {
                if (_ranges[i].Contains(last))
                {
                    UInt128 n = IpAddressMath.ToNumber(last);
                    first = i;
                    start = n;
                    resume = true;
                    break;
                }
            }
        }

        return resume ? EnumerateAfter(first, start) : EnumerateFrom(first, start);
    }

    /// <summary>The reference's text for a set: its ranges joined by commas.</summary>
    /// <returns>The text, e.g. <c>10.10.0.1-10.10.0.2</c>.</returns>
    public override string ToString() => string.Join(",", _ranges.Select(r => r.ToString()));

    /// <inheritdoc/>
    public IEnumerator<IpRange> GetEnumerator() => ((IEnumerable<IpRange>)_ranges).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _ranges.GetEnumerator();

    // Starting at 'start' (inclusive) in range 'first', one loop over all addresses of the set.
    private IEnumerable<IPAddress> EnumerateFrom(int first, UInt128 start)
    {
        IpRange head = _ranges[first];
        foreach (IPAddress a in Walk(head, start, head.End))
        {
            yield return a;
        }

        for (int k = 1; k < _ranges.Length; k++)
        {
            IpRange r = _ranges[(first + k) % _ranges.Length];
            foreach (IPAddress a in Walk(r, r.Start, r.End))
            {
                yield return a;
            }
        }

        if (start > head.Start)
        {
            foreach (IPAddress a in Walk(head, head.Start, start - 1))
            {
                yield return a;
            }
        }
    }

    // Starting just after 'last' in range 'index'; 'last' itself comes at the very end of the loop.
    private IEnumerable<IPAddress> EnumerateAfter(int index, UInt128 last)
    {
        IpRange r = _ranges[index];
        return last == r.End
            ? EnumerateFrom((index + 1) % _ranges.Length, _ranges[(index + 1) % _ranges.Length].Start)
            : EnumerateFrom(index, last + 1);
    }

    private static IEnumerable<IPAddress> Walk(IpRange range, UInt128 from, UInt128 to)
    {
        for (UInt128 n = from; ; n++)
        {
            if (range.IsAllocatable(n))
            {
                yield return range.ToAddress(n);
            }

            if (n == to)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// How many addresses of the set can be handed out at all (each range's addresses less those it never gives:
    /// its gateway and, for IPv4, its network and broadcast addresses when they fall inside it), capped at <see cref="UInt128.MaxValue"/>. A store that can count
    /// its reservations cheaply compares the count with this to tell that the set is not exhausted without reading them.
    /// </summary>
    public UInt128 AllocatableCount
    {
        get
        {
            UInt128 total = 0;
            foreach (IpRange r in _ranges)
            {
                UInt128 span = r.End - r.Start; // count - 1, cannot overflow
                if (span == UInt128.MaxValue)
                {
                    return UInt128.MaxValue;
                }

                UInt128 count = span + 1 - (UInt128)r.ExcludedCount;
                total = UInt128.MaxValue - total < count ? UInt128.MaxValue : total + count;
            }

            return total;
        }
    }
}
