using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The <c>veth</c> link kind: its create request, with the peer's own <c>ifinfomsg</c> nested in <c>IFLA_INFO_DATA</c>.</summary>
internal static class VethKind
{
    /// <summary>The kind's name (<c>IFLA_INFO_KIND</c>).</summary>
    public const string Name = "veth";

    public static int AddVeth(Span<byte> buffer, uint sequence, string name, string peerName, VethOptions? options, int peerNamespaceFd)
    {
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(RtmType.NewLink, RequestFlags.CreateExclusive, sequence);
        w.WriteStruct(new IfInfoMessage());
        LinkEncoder.WriteCommonLinkAttributes(ref w, options?.Mtu, options?.MacAddress, -1, name);
        var info = w.BeginNested(IfLinkAttribute.LinkInfo);
        w.WriteAttribute(LinkInfoAttribute.Kind, Name, nulTerminate: false);
        var data = w.BeginNested(LinkInfoAttribute.Data);
        var peer = w.BeginNested(VethInfoAttribute.Peer);
        w.WriteStruct(new IfInfoMessage());
        LinkEncoder.WriteCommonLinkAttributes(ref w, options?.PeerMtu, options?.PeerMacAddress, peerNamespaceFd, peerName);
        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(info);
        return w.EndMessage();
    }
}
