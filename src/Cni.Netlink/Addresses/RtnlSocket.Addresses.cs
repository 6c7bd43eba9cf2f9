using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Adds an address to a link.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">The prefix length.</param>
    /// <param name="options">No DAD, broadcast, scope, label.</param>
    /// <exception cref="NetlinkException">It is there already (<see cref="NetlinkException.IsExists"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip addr add &lt;address&gt;/&lt;prefix&gt; [brd +] dev &lt;dev&gt; [nodad]</c>. IPv4 gets the computed broadcast, as with <c>brd +</c>, unless told otherwise.</remarks>
    public void AddAddress(int index, IPAddress address, int prefixLength, AddressOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..AddressEncoder.Address(buffer, NextSequence(), add: true, index, address, prefixLength, options)], $"{address}/{prefixLength}");
    }

    /// <summary>Deletes an address from a link.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">The prefix length.</param>
    /// <exception cref="NetlinkException">No such address (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip addr del &lt;address&gt;/&lt;prefix&gt; dev &lt;dev&gt;</c>.</remarks>
    public void DeleteAddress(int index, IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..AddressEncoder.Address(buffer, NextSequence(), add: false, index, address, prefixLength, null)], $"{address}/{prefixLength}");
    }

    /// <summary>Lists addresses.</summary>
    /// <param name="index">Only this interface's; 0 for all.</param>
    /// <param name="family">Only this family's; <see cref="NetlinkAddressFamily.Unspecified"/> for both.</param>
    /// <returns>The addresses.</returns>
    /// <remarks>Equivalent to: <c>ip [-4|-6] addr show [dev &lt;dev&gt;]</c>.</remarks>
    public IReadOnlyList<LinkAddress> ListAddresses(int index = 0, NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = AddressEncoder.DumpAddresses(buffer, NextSequence(), family);
        IReadOnlyList<LinkAddress> all = DumpAll(buffer[..length], (ushort)RtmType.NewAddress, AddressDecoder.ParseAddress);
        return index == 0 ? all : all.Where(a => a.Index == index).ToList();
    }
}
