using System.Net;
using System.Net.Sockets;
using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// One validated, canonical address range: a subnet, the inclusive first and last addresses that may be
/// handed out, and the gateway, which is never handed out. This is one element of a host-local
/// <c>ranges</c> array.
/// </summary>
/// <remarks>
/// <para>Defaults follow the reference plugin: the gateway and <see cref="RangeStart"/> default to the network
/// address plus one; <see cref="RangeEnd"/> defaults to the broadcast address minus one for IPv4 and to the
/// last address of the subnet for IPv6.</para>
/// <para>For IPv4 the network and broadcast addresses are never handed out, even when an explicit
/// <c>rangeStart</c> or <c>rangeEnd</c> includes them.</para>
/// <example>
/// <code>
/// var range = IpRange.Create(IPAddress.Parse("10.244.1.0"), 24);
/// // range.ToString() == "10.244.1.1-10.244.1.254"; range.Gateway == 10.244.1.1
/// </code>
/// </example>
/// </remarks>
public sealed class IpRange : IEquatable<IpRange>
{
    private readonly UInt128 _start;
    private readonly UInt128 _end;
    private readonly UInt128 _network;
    private readonly UInt128 _broadcast;
    private readonly UInt128 _gateway;

    private IpRange(IPNetwork subnet, IPAddress rangeStart, IPAddress rangeEnd, IPAddress gateway)
    {
        Subnet = subnet;
        RangeStart = rangeStart;
        RangeEnd = rangeEnd;
        Gateway = gateway;
        AddressFamily family = subnet.BaseAddress.AddressFamily;
        _start = IpAddressMath.ToNumber(rangeStart);
        _end = IpAddressMath.ToNumber(rangeEnd);
        _network = IpAddressMath.ToNumber(subnet.BaseAddress);
        _broadcast = _network | IpAddressMath.HostMask(subnet.PrefixLength, family);
        _gateway = gateway.AddressFamily == family ? IpAddressMath.ToNumber(gateway) : UInt128.MaxValue;
    }

    /// <summary>The subnet the addresses belong to; its prefix length is the one returned with each address.</summary>
    public IPNetwork Subnet { get; }

    /// <summary>The first address of the range, inclusive.</summary>
    public IPAddress RangeStart { get; }

    /// <summary>The last address of the range, inclusive.</summary>
    public IPAddress RangeEnd { get; }

    /// <summary>The gateway returned with every address of this range; it is never handed out itself.</summary>
    public IPAddress Gateway { get; }

    /// <summary>The address family of the range.</summary>
    public AddressFamily AddressFamily => Subnet.BaseAddress.AddressFamily;

    /// <summary>
    /// Validates a range given as a subnet address and prefix length, which may have host bits set (the
    /// reference reports that case, so the address is not required to be a network address).
    /// </summary>
    /// <param name="subnetAddress">The subnet address, e.g. <c>10.244.1.0</c>.</param>
    /// <param name="prefixLength">The prefix length, e.g. 24.</param>
    /// <param name="rangeStart">The first address to hand out, or <see langword="null"/> for network+1.</param>
    /// <param name="rangeEnd">The last address to hand out, or <see langword="null"/> for the default end.</param>
    /// <param name="gateway">The gateway, or <see langword="null"/> for network+1.</param>
    /// <returns>The canonical range.</returns>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/> with the reference's text: "Network has host bits set. For
    /// a subnet mask of length N the network address is A", "Network S too small to allocate from" (a /31,
    /// /32, /127 or /128), "RangeStart A not in network S", "RangeEnd A not in network S", or a range whose end
    /// lies before its start.
    /// </exception>
    public static IpRange Create(IPAddress subnetAddress, int prefixLength, IPAddress? rangeStart = null, IPAddress? rangeEnd = null, IPAddress? gateway = null)
    {
        ArgumentNullException.ThrowIfNull(subnetAddress);
        IPAddress address = IpAddressMath.Canonicalize(subnetAddress);
        AddressFamily family = address.AddressFamily;
        int bits = IpAddressMath.BitLength(family);
        if (prefixLength < 0 || prefixLength > bits)
        {
            throw Invalid($"invalid prefix length {prefixLength} for {IpAddressMath.Format(address)}");
        }

        string cidr = $"{IpAddressMath.Format(address)}/{prefixLength}";
        UInt128 number = IpAddressMath.ToNumber(address);
        UInt128 network = number & IpAddressMath.Mask(prefixLength, family);

        // The order of the checks is the reference's: size first, then host bits.
        if (prefixLength > bits - 2)
        {
            throw Invalid($"Network {IpAddressMath.Format(IpAddressMath.FromNumber(network, family))}/{prefixLength} too small to allocate from");
        }

        if (network != number)
        {
            throw Invalid($"Network has host bits set. For a subnet mask of length {prefixLength} the network address is {IpAddressMath.Format(IpAddressMath.FromNumber(network, family))}");
        }

        var subnet = new IPNetwork(address, prefixLength);
        IPAddress networkPlusOne = IpAddressMath.FromNumber(network + 1, family);
        IPAddress gw = gateway is null ? networkPlusOne : IpAddressMath.Canonicalize(gateway);

        IPAddress start = networkPlusOne;
        if (rangeStart is not null)
        {
            start = IpAddressMath.Canonicalize(rangeStart);
            if (!InSubnet(start, subnet))
            {
                throw Invalid($"RangeStart {IpAddressMath.Format(start)} not in network {cidr}");
            }
        }

        UInt128 last = network | IpAddressMath.HostMask(prefixLength, family);
        IPAddress end = IpAddressMath.FromNumber(family == AddressFamily.InterNetwork ? last - 1 : last, family);
        if (rangeEnd is not null)
        {
            end = IpAddressMath.Canonicalize(rangeEnd);
            if (!InSubnet(end, subnet))
            {
                throw Invalid($"RangeEnd {IpAddressMath.Format(end)} not in network {cidr}");
            }
        }

        if (IpAddressMath.ToNumber(end) < IpAddressMath.ToNumber(start))
        {
            throw Invalid($"RangeEnd {IpAddressMath.Format(end)} is before RangeStart {IpAddressMath.Format(start)} in network {cidr}");
        }

        return new IpRange(subnet, start, end, gw);
    }

    /// <summary>Validates a range given as a subnet.</summary>
    /// <param name="subnet">The subnet.</param>
    /// <param name="rangeStart">The first address to hand out, or <see langword="null"/> for network+1.</param>
    /// <param name="rangeEnd">The last address to hand out, or <see langword="null"/> for the default end.</param>
    /// <param name="gateway">The gateway, or <see langword="null"/> for network+1.</param>
    /// <returns>The canonical range.</returns>
    /// <exception cref="CniException">As <see cref="Create(IPAddress, int, IPAddress?, IPAddress?, IPAddress?)"/>.</exception>
    public static IpRange Create(IPNetwork subnet, IPAddress? rangeStart, IPAddress? rangeEnd, IPAddress? gateway) =>
        Create(subnet.BaseAddress, subnet.PrefixLength, rangeStart, rangeEnd, gateway);

    /// <summary>Whether an address lies inside the subnet and between <see cref="RangeStart"/> and <see cref="RangeEnd"/>.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when the address is in the range (the gateway included).</returns>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = IpAddressMath.Canonicalize(address);
        if (address.AddressFamily != AddressFamily)
        {
            return false;
        }

        UInt128 n = IpAddressMath.ToNumber(address);
        return n >= _start && n <= _end;
    }

    /// <summary>
    /// Whether an address of this range may be handed out: it is in the range, is not the gateway and, for
    /// IPv4, is neither the network nor the broadcast address.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="true"/> when the address may be allocated.</returns>
    public bool IsAllocatable(IPAddress address) =>
        Contains(address) && IsAllocatable(IpAddressMath.ToNumber(IpAddressMath.Canonicalize(address)));

    /// <summary>Whether the ranges share at least one address (ranges of different families never overlap).</summary>
    /// <param name="other">The other range.</param>
    /// <returns><see langword="true"/> when they overlap.</returns>
    public bool Overlaps(IpRange other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.AddressFamily == AddressFamily && _start <= other._end && other._start <= _end;
    }

    /// <summary>The reference's text for a range: <c>rangeStart-rangeEnd</c>, e.g. <c>10.10.0.1-10.10.0.254</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{IpAddressMath.Format(RangeStart)}-{IpAddressMath.Format(RangeEnd)}";

    /// <inheritdoc/>
    public bool Equals(IpRange? other) =>
        other is not null && Subnet.Equals(other.Subnet) && _start == other._start && _end == other._end && Gateway.Equals(other.Gateway);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as IpRange);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Subnet, _start, _end, Gateway);

    internal UInt128 Start => _start;

    internal UInt128 End => _end;

    internal bool IsAllocatable(UInt128 n) =>
        n != _gateway && (AddressFamily != AddressFamily.InterNetwork || (n != _network && n != _broadcast));

    /// <summary>How many addresses of the range can never be handed out (gateway, IPv4 network/broadcast inside it).</summary>
    internal int ExcludedCount
    {
        get
        {
            int count = 0;
            if (_gateway >= _start && _gateway <= _end)
            {
                count++;
            }

            if (AddressFamily == AddressFamily.InterNetwork)
            {
                if (_network >= _start && _network <= _end && _network != _gateway)
                {
                    count++;
                }

                if (_broadcast >= _start && _broadcast <= _end && _broadcast != _gateway)
                {
                    count++;
                }
            }

            return count;
        }
    }

    internal IPAddress ToAddress(UInt128 n) => IpAddressMath.FromNumber(n, AddressFamily);

    private static bool InSubnet(IPAddress address, IPNetwork subnet) =>
        address.AddressFamily == subnet.BaseAddress.AddressFamily && subnet.Contains(address);

    private static CniException Invalid(string message) => new(CniErrorCode.InvalidNetworkConfig, message);
}
