using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Adds a neighbour or FDB entry; fails if it exists.</summary>
    /// <param name="neighbour">The entry.</param>
    /// <remarks>Equivalent to: <c>ip neigh add &lt;ip&gt; lladdr &lt;mac&gt; dev &lt;dev&gt; nud permanent</c>, or <c>bridge fdb add</c> for <see cref="NetlinkAddressFamily.Bridge"/>.</remarks>
    public void AddNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Exclusive, neighbour);

    /// <summary>Adds or replaces a neighbour or FDB entry (what flannel does for its VTEP peers).</summary>
    /// <param name="neighbour">The entry.</param>
    /// <remarks>Equivalent to: <c>ip neigh replace ...</c>, or <c>bridge fdb replace</c> for <see cref="NetlinkAddressFamily.Bridge"/>.</remarks>
    public void SetNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Replace, neighbour);

    /// <summary>Appends an FDB entry: a VXLAN can have several remotes for one MAC (the all-zero MAC floods to each).</summary>
    /// <param name="neighbour">The entry, with family <see cref="NetlinkAddressFamily.Bridge"/>.</param>
    /// <remarks>Equivalent to: <c>bridge fdb append &lt;mac&gt; dev &lt;vxlan&gt; dst &lt;ip&gt; self permanent</c>.</remarks>
    public void AppendNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.NewNeighbour, NetlinkFlags.Create | NetlinkFlags.Append, neighbour);

    /// <summary>Deletes a neighbour or FDB entry.</summary>
    /// <param name="neighbour">The entry.</param>
    /// <exception cref="NetlinkException">No such entry (<see cref="NetlinkException.IsNotFound"/>), or another failure.</exception>
    /// <remarks>Equivalent to: <c>ip neigh del &lt;ip&gt; dev &lt;dev&gt;</c>, or <c>bridge fdb del</c>.</remarks>
    public void DeleteNeighbour(Neighbour neighbour) => NeighbourRequest(RtmType.DelNeighbour, NetlinkFlags.None, neighbour);

    private void NeighbourRequest(RtmType type, NetlinkFlags flags, Neighbour neighbour)
    {
        ArgumentNullException.ThrowIfNull(neighbour);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..NeighbourEncoder.Neighbour(buffer, NextSequence(), type, NetlinkFlags.Request | NetlinkFlags.Ack | flags, neighbour)], neighbour.ToString());
    }

    /// <summary>Lists neighbour entries, or FDB entries with <see cref="NetlinkAddressFamily.Bridge"/>.</summary>
    /// <param name="index">Only this interface's; 0 for all.</param>
    /// <param name="family">IPv4, IPv6, <see cref="NetlinkAddressFamily.Bridge"/> for the FDB, or unspecified for IPv4 and IPv6.</param>
    /// <returns>The entries.</returns>
    /// <remarks>Equivalent to: <c>ip neigh show [dev &lt;dev&gt;]</c>, or <c>bridge fdb show [dev &lt;dev&gt;]</c>.</remarks>
    public IReadOnlyList<Neighbour> ListNeighbours(int index = 0, NetlinkAddressFamily family = NetlinkAddressFamily.Unspecified)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = NeighbourEncoder.DumpNeighbours(buffer, NextSequence(), family);
        IReadOnlyList<Neighbour> all = DumpAll(buffer[..length], (ushort)RtmType.NewNeighbour, NeighbourDecoder.ParseNeighbour);
        return index == 0 ? all : all.Where(n => n.Index == index).ToList();
    }
}
