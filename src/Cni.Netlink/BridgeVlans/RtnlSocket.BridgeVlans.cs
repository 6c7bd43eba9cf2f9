using Cni.Netlink.Protocol;

namespace Cni.Netlink;

public sealed partial class RtnlSocket
{
    /// <summary>Adds a VLAN, or a range of tagged VLANs, to a bridge port (needs <c>vlan_filtering</c> on the bridge).</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="vid">The VLAN id, or the first of the range.</param>
    /// <param name="lastVid">The last VLAN id of the range; 0 or <paramref name="vid"/> for a single VLAN.</param>
    /// <param name="pvid">Untagged ingress frames get this VLAN.</param>
    /// <param name="untagged">Frames leave untagged.</param>
    /// <param name="target">For the port's master (the default), the device itself, or both.</param>
    /// <remarks>Equivalent to: <c>bridge vlan add dev &lt;dev&gt; vid &lt;vid&gt;[-&lt;last&gt;] [pvid] [untagged] [self] [master]</c>.</remarks>
    public void AddBridgeVlan(int index, ushort vid, ushort lastVid = 0, bool pvid = false, bool untagged = false, BridgeFlags target = BridgeFlags.None)
    {
        CheckVlans(vid, ref lastVid);
        BridgeVlanFlags flags = (pvid ? BridgeVlanFlags.Pvid : 0) | (untagged ? BridgeVlanFlags.Untagged : 0);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..BridgeVlanEncoder.BridgeVlan(buffer, NextSequence(), add: true, index, vid, lastVid, flags, target)], null);
    }

    /// <summary>Removes a VLAN, or a range, from a bridge port.</summary>
    /// <param name="index">The port's interface index.</param>
    /// <param name="vid">The VLAN id, or the first of the range.</param>
    /// <param name="lastVid">The last VLAN id of the range; 0 or <paramref name="vid"/> for a single VLAN.</param>
    /// <param name="target">For the port's master (the default), the device itself, or both.</param>
    /// <remarks>Equivalent to: <c>bridge vlan del dev &lt;dev&gt; vid &lt;vid&gt;[-&lt;last&gt;]</c>.</remarks>
    public void DeleteBridgeVlan(int index, ushort vid, ushort lastVid = 0, BridgeFlags target = BridgeFlags.None)
    {
        CheckVlans(vid, ref lastVid);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        Execute(buffer[..BridgeVlanEncoder.BridgeVlan(buffer, NextSequence(), add: false, index, vid, lastVid, BridgeVlanFlags.None, target)], null);
    }

    private static void CheckVlans(ushort vid, ref ushort lastVid)
    {
        if (lastVid == 0)
        {
            lastVid = vid;
        }

        if (vid is < 1 or > 4094 || lastVid is < 1 or > 4094 || lastVid < vid)
        {
            throw new ArgumentOutOfRangeException(nameof(vid), $"VLAN range {vid}-{lastVid} is not within 1..4094 in order.");
        }
    }

    /// <summary>Lists the VLANs of a bridge port (or of the bridge itself).</summary>
    /// <param name="index">The interface index.</param>
    /// <returns>The VLANs, ranges expanded.</returns>
    /// <remarks>Equivalent to: <c>bridge vlan show dev &lt;dev&gt;</c>.</remarks>
    public IReadOnlyList<BridgeVlan> ListBridgeVlans(int index)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        int length = BridgeVlanEncoder.DumpBridgeVlans(buffer, NextSequence());
        var vlans = new List<BridgeVlan>();
        using NetlinkReply reply = Dump(buffer[..length]);
        foreach (NetlinkMessage message in reply.GetMessages())
        {
            if (message.Type == (ushort)RtmType.NewLink && message.ReadStruct<IfInfoMessage>().Index == index)
            {
                BridgeVlanDecoder.ParseBridgeVlans(message, vlans);
            }
        }

        return vlans;
    }
}
