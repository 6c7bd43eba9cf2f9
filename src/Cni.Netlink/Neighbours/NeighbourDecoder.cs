using System.Net;
using System.Net.NetworkInformation;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Turns <c>RTM_NEWNEIGH</c> replies into <see cref="Neighbour"/>; unknown attributes are skipped.</summary>
internal static class NeighbourDecoder
{
    public static Neighbour ParseNeighbour(NetlinkMessage message)
    {
        NeighbourMessage header = message.ReadStruct<NeighbourMessage>();
        IPAddress? address = null;
        PhysicalAddress? mac = null;
        ushort vlan = 0;
        int master = 0;
        foreach (NetlinkAttribute attribute in message.GetAttributes<NeighbourMessage>())
        {
            switch ((NeighbourAttribute)attribute.Type)
            {
                case NeighbourAttribute.Destination: address = attribute.GetIPAddress(); break;
                case NeighbourAttribute.LinkLayerAddress: mac = new PhysicalAddress(attribute.Payload.ToArray()); break;
                case NeighbourAttribute.Vlan: vlan = attribute.GetUInt16(); break;
                case NeighbourAttribute.Master: master = (int)attribute.GetUInt32(); break;
            }
        }

        return new Neighbour
        {
            Index = header.Index,
            Family = header.Family,
            Address = address,
            LinkLayerAddress = mac,
            State = header.State,
            Flags = header.Flags,
            Vlan = vlan,
            MasterIndex = master,
        };
    }
}
