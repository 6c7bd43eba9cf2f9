using System.Buffers.Binary;

namespace Cni.Netlink.Protocol;

/// <summary>Enumerates attributes (TLVs) as views, skipping padding; see <see cref="NetlinkAttribute"/>.</summary>
/// <remarks>
/// An <c>nla_len</c> below 4 or past the end of the enclosing span, or 1 to 3 trailing bytes that cannot
/// hold an attribute header, throw a <see cref="NetlinkException"/> (<see cref="NetlinkException.IsMalformedReply"/>).
/// Unknown attribute types are returned like any other; callers skip what they do not know.
/// </remarks>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;
    private NetlinkAttribute _current;

    /// <summary>Creates a reader over a run of attributes.</summary>
    /// <param name="attributes">The bytes of the attributes.</param>
    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _remaining = attributes;
        _current = default;
    }

    /// <summary>The attribute at the current position.</summary>
    public readonly NetlinkAttribute Current => _current;

    /// <summary>Returns this reader, so that it can be used in <c>foreach</c>.</summary>
    /// <returns>This reader.</returns>
    public readonly NetlinkAttributeReader GetEnumerator() => this;

    /// <summary>Moves to the next attribute.</summary>
    /// <returns>False at the end.</returns>
    public bool MoveNext()
    {
        if (_remaining.IsEmpty)
        {
            return false;
        }

        if (_remaining.Length < NetlinkWriter.AttributeHeaderSize)
        {
            throw NetlinkException.Malformed($"{_remaining.Length} trailing bytes cannot hold a 4-byte attribute header");
        }

        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(_remaining);
        if (length < NetlinkWriter.AttributeHeaderSize || length > _remaining.Length)
        {
            throw NetlinkException.Malformed($"nla_len {length} is outside 4..{_remaining.Length}, the bytes left");
        }

        ushort rawType = BinaryPrimitives.ReadUInt16LittleEndian(_remaining[2..]);
        _current = new NetlinkAttribute(rawType, _remaining[NetlinkWriter.AttributeHeaderSize..length]);
        _remaining = _remaining[Math.Min(NetlinkWriter.Align(length), _remaining.Length)..];
        return true;
    }

    /// <summary>Finds the first attribute of a type among the remaining ones.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="attribute">The attribute found.</param>
    /// <returns>True when found.</returns>
    public bool TryFind<TAttribute>(TAttribute type, out NetlinkAttribute attribute)
        where TAttribute : unmanaged, Enum
    {
        ushort wanted = NetlinkWriter.ToType(type);
        while (MoveNext())
        {
            if (_current.Type == wanted)
            {
                attribute = _current;
                return true;
            }
        }

        attribute = default;
        return false;
    }
}
