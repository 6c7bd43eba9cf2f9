using System.Buffers.Binary;

namespace Cni.Netlink.Protocol;

/// <summary>
/// Enumerates the netlink messages in a buffer as views, without copying or allocating.
/// </summary>
/// <remarks>
/// Every length is checked before it is used: a header shorter than 16 bytes, an <c>nlmsg_len</c>
/// below the header size or past the end of the buffer, or trailing bytes that cannot hold a header
/// throw a <see cref="NetlinkException"/> with <see cref="NetlinkException.IsMalformedReply"/> set.
/// Nothing is read outside the buffer.
/// <example>
/// <code>
/// foreach (NetlinkMessage message in new NetlinkMessageReader(reply))
/// {
///     if (message.Type == (ushort)RtmType.NewLink)
///     {
///         IfInfoMessage info = message.ReadStruct&lt;IfInfoMessage&gt;();
///         foreach (NetlinkAttribute attribute in message.GetAttributes&lt;IfInfoMessage&gt;())
///         {
///             if (attribute.Is(IfLinkAttribute.IfName)) { ... attribute.GetStringBytes() ... }
///         }
///     }
/// }
/// </code>
/// </example>
/// </remarks>
public ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _remaining;
    private NetlinkMessage _current;

    /// <summary>Creates a reader over <paramref name="buffer"/>, which holds zero or more whole messages.</summary>
    /// <param name="buffer">The bytes received from the kernel (or captured).</param>
    public NetlinkMessageReader(ReadOnlySpan<byte> buffer)
    {
        _remaining = buffer;
        _current = default;
    }

    /// <summary>The message at the current position.</summary>
    public readonly NetlinkMessage Current => _current;

    /// <summary>Returns this reader, so that it can be used in <c>foreach</c>.</summary>
    /// <returns>This reader.</returns>
    public readonly NetlinkMessageReader GetEnumerator() => this;

    /// <summary>Moves to the next message.</summary>
    /// <returns>False at the end of the buffer.</returns>
    public bool MoveNext()
    {
        if (_remaining.IsEmpty)
        {
            return false;
        }

        if (_remaining.Length < NetlinkMessageHeader.Size)
        {
            throw NetlinkException.Malformed($"{_remaining.Length} trailing bytes cannot hold a 16-byte message header");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_remaining);
        if (length < NetlinkMessageHeader.Size || length > (uint)_remaining.Length)
        {
            throw NetlinkException.Malformed($"nlmsg_len {length} is outside 16..{_remaining.Length}, the bytes left");
        }

        _current = new NetlinkMessage(_remaining[..(int)length]);
        int advance = Math.Min(NetlinkWriter.Align((int)length), _remaining.Length);
        _remaining = _remaining[advance..];
        return true;
    }
}
