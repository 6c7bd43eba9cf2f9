using System.Text;
using Cni.Netlink;
using Cni.Netlink.Nftables;
using Cni.Spec;

namespace Cni.Plugins.Bridge;

/// <summary>
/// The mark ADD puts on every host-side veth it makes, in the link's alias (<c>IFLA_IFALIAS</c>, what
/// <c>ip link show</c> prints as <c>alias</c>), so that GC can tell our links from every other link on the
/// bridge and name the attachment each one belongs to.
/// </summary>
/// <remarks>
/// <para>
/// The readable form is <c>cni-bridge1 &lt;H(network)&gt; &lt;ifName&gt; &lt;containerId&gt;</c>: a fixed tag with
/// the format's version, the first 16 hex digits of the SHA-512 of the network name (the masquerade rules'
/// network prefix, <see cref="MasqueradeRules.NetworkPrefix"/>; a hash because a network name may be long
/// and several networks may share one bridge), then the attachment. Interface names hold no space; a
/// container id with spaces (the specification forbids them) stays whole as the last field.
/// </para>
/// <para>
/// When that is longer than the kernel keeps (255 bytes: a container id over about 220 bytes), the short
/// form <c>cni-bridge1 &lt;H(network)&gt;-&lt;H(ifName:containerId)&gt;</c> is written instead (the masquerade
/// rules' instance prefix, <see cref="MasqueradeRules.InstancePrefix"/>). GC recognises both; from the short
/// form it cannot name the attachment, so it removes the link and the masquerade rules (found by the
/// network) but the spoof check of that attachment only once its link is gone (see
/// <see cref="BridgePlugin.GarbageCollect"/>).
/// </para>
/// <para>Any other alias, or none, is not ours: GC never touches such a link.</para>
/// </remarks>
internal sealed record AttachmentMark(string NetworkHash, string? IfName, string? ContainerId, string? InstanceHash)
{
    /// <summary>The tag every mark starts with (the format's version is in it).</summary>
    public const string Tag = "cni-bridge1";

    /// <summary>The alias of an attachment's host veth.</summary>
    public static string Format(string network, string containerId, string ifName)
    {
        string readable = $"{Tag} {MasqueradeRules.NetworkPrefix(network)} {ifName} {containerId}";
        return Encoding.UTF8.GetByteCount(readable) <= RtnlSocket.MaxAliasLength
            ? readable
            : $"{Tag} {MasqueradeRules.InstancePrefix(network, ifName, containerId)}";
    }

    /// <summary>Reads a mark; null when the alias is not one (another format, another tool's, none).</summary>
    public static AttachmentMark? Parse(string? alias)
    {
        if (alias is null || !alias.StartsWith(Tag + " ", StringComparison.Ordinal))
        {
            return null;
        }

        string[] fields = alias.Split(' ', 4);
        if (fields.Length == 4 && IsHash(fields[1]) && fields[2].Length > 0 && fields[3].Length > 0)
        {
            return new AttachmentMark(fields[1], fields[2], fields[3], null);
        }

        if (fields.Length == 2 && fields[1].Length == 33 && fields[1][16] == '-' && IsHash(fields[1][..16]) && IsHash(fields[1][17..]))
        {
            return new AttachmentMark(fields[1][..16], null, null, fields[1]);
        }

        return null;
    }

    /// <summary>True when the mark is of <paramref name="network"/>.</summary>
    public bool IsOf(string network) => NetworkHash == MasqueradeRules.NetworkPrefix(network);

    private static bool IsHash(string text) => text.Length == 16 && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>Marks the valid attachments of a GC request would carry, to look links' aliases up.</summary>
internal sealed class ValidMarks(string network, IEnumerable<Attachment> valid)
{
    private readonly HashSet<string> _marks = valid.Select(a => AttachmentMark.Format(network, a.ContainerId, a.IfName)).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when the alias is the mark of a valid attachment.</summary>
    public bool Contains(string alias) => _marks.Contains(alias);
}
