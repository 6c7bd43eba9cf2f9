using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>The <c>veth</c> link kind: its create request, with the peer's own <c>ifinfomsg</c> nested in <c>IFLA_INFO_DATA</c>.</summary>
internal static class VethKind
{
    /// <summary>The kind's name (<c>IFLA_INFO_KIND</c>).</summary>
    public const string Name = "veth";

    // ip link add NAME [mtu N] [address MAC] type veth peer name PEER [mtu N] [address MAC] [netns NS]
    //
    // +---------------------------------------------------------------------------+
    // | nlmsghdr   RTM_NEWLINK  NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL   |
    // +---------------------------------------------------------------------------+
    // | ifinfomsg  all zero                                                       |
    // +---------------------------------------------------------------------------+
    // | IFLA_MTU                      u32                   if MTU set            |
    // | IFLA_ADDRESS                  6 bytes               if MAC set            |
    // | IFLA_IFNAME                   "NAME\0"                                    |
    // | IFLA_LINKINFO                 nested                                      |
    // |   IFLA_INFO_KIND              "veth" (no NUL)                             |
    // |   IFLA_INFO_DATA              nested                                      |
    // |     VETH_INFO_PEER            nested                                      |
    // |       ifinfomsg               16 bytes, all zero    the peer's own header |
    // |       IFLA_MTU                u32                   if PeerMtu set        |
    // |       IFLA_ADDRESS            6 bytes               if PeerMacAddress set |
    // |       IFLA_NET_NS_FD          u32                   if PeerNamespace set  |
    // |       IFLA_IFNAME             "PEER\0"                                    |
    // +---------------------------------------------------------------------------+
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
