using System.Net;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>Turns <c>RTM_NEWADDR</c> replies into <see cref="LinkAddress"/>; unknown attributes are skipped.</summary>
internal static class AddressDecoder
{
    public static LinkAddress ParseAddress(NetlinkMessage message)
    {
        IfAddrMessage header = message.ReadStruct<IfAddrMessage>();
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        AddressFlags flags = (AddressFlags)header.Flags;
        foreach (NetlinkAttribute attribute in message.GetAttributes<IfAddrMessage>())
        {
            switch ((IfAddrAttribute)attribute.Type)
            {
                case IfAddrAttribute.Local: local = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Address: address = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Broadcast: broadcast = attribute.GetIPAddress(); break;
                case IfAddrAttribute.Label: label = attribute.GetString(); break;
                case IfAddrAttribute.Flags: flags = (AddressFlags)attribute.GetUInt32(); break;
            }
        }

        return new LinkAddress
        {
            Index = header.Index,
            Address = local ?? address ?? throw NetlinkException.Malformed("an RTM_NEWADDR message without IFA_LOCAL or IFA_ADDRESS"),
            PrefixLength = header.PrefixLength,
            Scope = header.Scope,
            Flags = flags,
            Broadcast = broadcast,
            Label = label,
        };
    }
}
