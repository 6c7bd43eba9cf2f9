using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Gets a link by name.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>The link.</returns>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link show dev &lt;name&gt;</c>.</remarks>
    public Link GetLink(string name)
    {
        InterfaceName.Check(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = LinkEncoder.GetLinkByName(buffer, NextSequence(), name);
        return GetOne(buffer[..length], LinkDecoder.ParseLink, name);
    }

    /// <summary>Gets a link by index.</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The link.</returns>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link show</c> of the link with that index.</remarks>
    public Link GetLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = LinkEncoder.GetLinkByIndex(buffer, NextSequence(), index);
        return GetOne(buffer[..length], LinkDecoder.ParseLink, "index " + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Gets a link by name, or null when there is none.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>The link, or null.</returns>
    /// <remarks>Equivalent to: <c>ip link show dev &lt;name&gt;</c>, with "does not exist" mapped to null.</remarks>
    public Link? TryGetLink(string name)
    {
        try
        {
            return GetLink(name);
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Lists all links.</summary>
    /// <returns>The links, in the kernel's order.</returns>
    /// <remarks>Equivalent to: <c>ip link show</c>.</remarks>
    public IReadOnlyList<Link> ListLinks()
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = LinkEncoder.DumpLinks(buffer, NextSequence());
        return DumpAll(buffer[..length], (ushort)RtmType.NewLink, LinkDecoder.ParseLink);
    }

    /// <summary>Brings a link up.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; up</c>.</remarks>
    public void SetLinkUp(int index) => SetLinkFlags(index, InterfaceFlags.Up, InterfaceFlags.Up);

    /// <summary>Takes a link down.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; down</c>.</remarks>
    public void SetLinkDown(int index) => SetLinkFlags(index, InterfaceFlags.None, InterfaceFlags.Up);

    /// <summary>Turns promiscuous mode on or off.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="on">True for on.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; promisc on|off</c>.</remarks>
    public void SetPromiscuous(int index, bool on) =>
        SetLinkFlags(index, on ? InterfaceFlags.Promiscuous : InterfaceFlags.None, InterfaceFlags.Promiscuous);

    private void SetLinkFlags(int index, InterfaceFlags flags, InterfaceFlags change)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.SetLinkFlags(buffer, NextSequence(), index, flags, change)], null);
    }

    /// <summary>Makes a link a port of a master device (a bridge).</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="masterIndex">The master's index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; master &lt;bridge&gt;</c>.</remarks>
    public void SetLinkMaster(int index, int masterIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(masterIndex);
        SetLinkUInt32(index, IfLinkAttribute.Master, (uint)masterIndex);
    }

    /// <summary>Releases a link from its master.</summary>
    /// <param name="index">The interface index.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; nomaster</c>.</remarks>
    public void SetLinkNoMaster(int index) => SetLinkUInt32(index, IfLinkAttribute.Master, 0);

    /// <summary>Sets a link's MTU.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="mtu">The MTU.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; mtu &lt;mtu&gt;</c>.</remarks>
    public void SetLinkMtu(int index, int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        SetLinkUInt32(index, IfLinkAttribute.Mtu, (uint)mtu);
    }

    /// <summary>Moves a link into another network namespace.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="target">The namespace to move it to.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; netns &lt;ns&gt;</c>.</remarks>
    public void SetLinkNamespace(int index, NetworkNamespace target)
    {
        ArgumentNullException.ThrowIfNull(target);
        SetLinkUInt32(index, IfLinkAttribute.NetNsFd, (uint)target.FileDescriptor);
        GC.KeepAlive(target);
    }

    private void SetLinkUInt32(int index, IfLinkAttribute attribute, uint value)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.SetLinkUInt32(buffer, NextSequence(), index, attribute, value)], null);
    }

    /// <summary>Sets a link's hardware address.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="macAddress">The address.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; address &lt;mac&gt;</c>.</remarks>
    public void SetLinkMacAddress(int index, PhysicalAddress macAddress)
    {
        ArgumentNullException.ThrowIfNull(macAddress);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.SetLinkAddress(buffer, NextSequence(), index, macAddress)], null);
    }

    /// <summary>Renames a link (it must be down).</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="name">The new name.</param>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; name &lt;name&gt;</c>.</remarks>
    public void SetLinkName(int index, string name)
    {
        InterfaceName.Check(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.SetLinkName(buffer, NextSequence(), index, name)], name);
    }

    /// <summary>The longest alias the kernel keeps, in UTF-8 bytes (<c>IFALIASZ</c> - 1).</summary>
    public const int MaxAliasLength = 255;

    /// <summary>Sets a link's alias (<c>IFLA_IFALIAS</c>), a free text the kernel keeps with the link; an empty text removes it.</summary>
    /// <param name="index">The interface index.</param>
    /// <param name="alias">The alias, at most <see cref="MaxAliasLength"/> UTF-8 bytes.</param>
    /// <exception cref="ArgumentException">The alias is longer than <see cref="MaxAliasLength"/> bytes.</exception>
    /// <remarks>Equivalent to: <c>ip link set &lt;dev&gt; alias &lt;text&gt;</c>.</remarks>
    public void SetLinkAlias(int index, string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        if (System.Text.Encoding.UTF8.GetByteCount(alias) > MaxAliasLength)
        {
            throw new ArgumentException($"An interface alias has at most {MaxAliasLength} UTF-8 bytes.", nameof(alias));
        }

        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.SetLinkAlias(buffer, NextSequence(), index, alias)], null);
    }

    /// <summary>Reads a link's RFC 2863 operational state.</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The state.</returns>
    /// <remarks>Equivalent to: <c>cat /sys/class/net/&lt;dev&gt;/operstate</c>.</remarks>
    public OperationalState GetOperationalState(int index) => GetLink(index).OperationalState;

    /// <summary>Deletes a link (for a veth, both ends).</summary>
    /// <param name="index">The interface index.</param>
    /// <exception cref="NetlinkException">No such link (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip link del &lt;dev&gt;</c>.</remarks>
    public void DeleteLink(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..LinkEncoder.DeleteLink(buffer, NextSequence(), index)], null);
    }

    /// <summary>Deletes a link by name.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>False when there was no such link (so DEL can be idempotent).</returns>
    /// <remarks>Equivalent to: <c>ip link del &lt;name&gt;</c>, with "does not exist" mapped to false.</remarks>
    public bool DeleteLink(string name)
    {
        Link? link = TryGetLink(name);
        if (link is null)
        {
            return false;
        }

        try
        {
            DeleteLink(link.Index);
            return true;
        }
        catch (NetlinkException e) when (e.IsNotFound)
        {
            return false;
        }
    }
}
