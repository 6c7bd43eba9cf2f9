using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Nftables;

/// <summary>The small wire helpers every nf_tables encoder shares: big-endian integers, nested values, libnftnl comments.</summary>
internal static class NftWire
{
    /// <summary>libnftnl's limit on a comment (<c>NFTNL_UDATA_COMMENT_MAXLEN</c>), in bytes, the NUL not counted.</summary>
    public const int CommentMaxLength = 128;

    /// <summary>The libnftnl userdata TLV type of a comment (<c>NFTNL_UDATA_{TABLE,CHAIN,RULE}_COMMENT</c>).</summary>
    public const byte CommentType = 0;

    public static void WriteBigEndian<TAttribute>(ref NetlinkWriter writer, TAttribute type, uint value)
        where TAttribute : unmanaged, Enum
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        writer.WriteAttribute(type, bytes);
    }

    public static void WriteBigEndian<TAttribute>(ref NetlinkWriter writer, TAttribute type, ulong value)
        where TAttribute : unmanaged, Enum
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        writer.WriteAttribute(type, bytes);
    }

    /// <summary>A nested <c>NFTA_DATA_VALUE</c>: how cmp, bitwise and immediate carry bytes.</summary>
    public static void WriteValue<TAttribute>(ref NetlinkWriter writer, TAttribute type, scoped ReadOnlySpan<byte> value)
        where TAttribute : unmanaged, Enum
    {
        var nested = writer.BeginNested(type, markNested: true);
        writer.WriteAttribute(NftDataAttribute.Value, value);
        writer.EndNested(nested);
    }

    /// <summary>Checks a comment against libnftnl's limit (and for NULs, which would cut it).</summary>
    public static void ValidateComment(string? comment, string parameterName)
    {
        if (comment is null)
        {
            return;
        }

        if (comment.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An nftables comment cannot contain a NUL character.", parameterName);
        }

        int length = Encoding.UTF8.GetByteCount(comment);
        if (length > CommentMaxLength)
        {
            throw new ArgumentException($"An nftables comment has at most {CommentMaxLength} bytes; this one has {length}.", parameterName);
        }
    }

    /// <summary>
    /// The comment as userdata: one libnftnl TLV <c>{ u8 type 0, u8 length, text, NUL }</c>, the length counting the NUL
    /// (<c>"abc"</c> is <c>00 04 61 62 63 00</c>).
    /// </summary>
    public static void WriteComment<TAttribute>(ref NetlinkWriter writer, TAttribute type, string comment)
        where TAttribute : unmanaged, Enum
    {
        Span<byte> tlv = stackalloc byte[2 + CommentMaxLength + 1];
        int length = Encoding.UTF8.GetBytes(comment, tlv[2..^1]);
        tlv[0] = CommentType;
        tlv[1] = (byte)(length + 1);
        tlv[2 + length] = 0;
        writer.WriteAttribute(type, tlv[..(length + 3)]);
    }

    /// <summary>Finds the comment in userdata (TLVs of other types are skipped); null when there is none or the TLVs are malformed.</summary>
    public static string? ReadComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            byte type = userData[0];
            int length = userData[1];
            if (2 + length > userData.Length)
            {
                return null;
            }

            if (type == CommentType)
            {
                ReadOnlySpan<byte> text = userData.Slice(2, length);
                int nul = text.IndexOf((byte)0);
                return Encoding.UTF8.GetString(nul < 0 ? text : text[..nul]);
            }

            userData = userData[(2 + length)..];
        }

        return null;
    }

    public static byte NfProto(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => (byte)NftFamily.IPv4,
        AddressFamily.InterNetworkV6 => (byte)NftFamily.IPv6,
        _ => throw new ArgumentException($"Only IPv4 and IPv6 have a network protocol match, not {family}.", nameof(family)),
    };

    /// <summary>Fills <paramref name="mask"/> with <paramref name="prefixLength"/> leading one bits.</summary>
    public static void PrefixMask(Span<byte> mask, int prefixLength)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            int bits = Math.Clamp(prefixLength - (i * 8), 0, 8);
            mask[i] = (byte)(0xff00 >> bits);
        }
    }
}
