using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cni.Netlink;

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

/// <summary>A view of one netlink message: its header and payload.</summary>
public readonly ref struct NetlinkMessage
{
    private readonly ReadOnlySpan<byte> _bytes;

    /// <summary>Creates a view over one whole message, header included (see <see cref="NetlinkMessageReader"/>).</summary>
    /// <param name="bytes">The message bytes; at least 16.</param>
    public NetlinkMessage(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < NetlinkMessageHeader.Size)
        {
            throw NetlinkException.Malformed($"a message of {bytes.Length} bytes cannot hold a 16-byte header");
        }

        _bytes = bytes;
    }

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The header.</summary>
    public NetlinkMessageHeader Header => MemoryMarshal.Read<NetlinkMessageHeader>(_bytes);

    /// <summary>The message type: a <see cref="NetlinkMessageType"/> or an <see cref="RtmType"/>.</summary>
    public ushort Type => BinaryPrimitives.ReadUInt16LittleEndian(_bytes[4..]);

    /// <summary>The header flags.</summary>
    public NetlinkFlags Flags => (NetlinkFlags)BinaryPrimitives.ReadUInt16LittleEndian(_bytes[6..]);

    /// <summary>The sequence number.</summary>
    public uint Sequence => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[8..]);

    /// <summary>The sender's port id.</summary>
    public uint PortId => BinaryPrimitives.ReadUInt32LittleEndian(_bytes[12..]);

    /// <summary>Everything after the header.</summary>
    public ReadOnlySpan<byte> Payload => _bytes[NetlinkMessageHeader.Size..];

    /// <summary>True for <c>NLMSG_ERROR</c> (which is also how the kernel acknowledges).</summary>
    public bool IsError => Type == (ushort)NetlinkMessageType.Error;

    /// <summary>True for <c>NLMSG_DONE</c>, the end of a dump.</summary>
    public bool IsDone => Type == (ushort)NetlinkMessageType.Done;

    /// <summary>Reads the fixed structure at the start of the payload.</summary>
    /// <typeparam name="T">The structure (<see cref="IfInfoMessage"/>, <see cref="IfAddrMessage"/>...).</typeparam>
    /// <returns>The structure.</returns>
    /// <exception cref="NetlinkException">The payload is shorter than the structure.</exception>
    public T ReadStruct<T>()
        where T : unmanaged
    {
        ReadOnlySpan<byte> payload = Payload;
        if (payload.Length < Unsafe.SizeOf<T>())
        {
            throw NetlinkException.Malformed($"a payload of {payload.Length} bytes cannot hold a {typeof(T).Name} of {Unsafe.SizeOf<T>()}");
        }

        return MemoryMarshal.Read<T>(payload);
    }

    /// <summary>The attributes that follow the fixed structure <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The fixed structure of this message type.</typeparam>
    /// <returns>An enumerator of the attributes.</returns>
    public NetlinkAttributeReader GetAttributes<T>()
        where T : unmanaged
        => GetAttributes(Unsafe.SizeOf<T>());

    /// <summary>The attributes that follow a fixed header of <paramref name="headerLength"/> bytes.</summary>
    /// <param name="headerLength">The size of the fixed structure (aligned to 4 here).</param>
    /// <returns>An enumerator of the attributes.</returns>
    public NetlinkAttributeReader GetAttributes(int headerLength)
    {
        ReadOnlySpan<byte> payload = Payload;
        int start = NetlinkWriter.Align(headerLength);
        if (start > payload.Length)
        {
            throw NetlinkException.Malformed($"a payload of {payload.Length} bytes cannot hold a {headerLength}-byte header");
        }

        return new NetlinkAttributeReader(payload[start..]);
    }

    /// <summary>For <c>NLMSG_ERROR</c> and <c>NLMSG_DONE</c>: the error code, 0 or a negative errno.</summary>
    /// <returns>The error field.</returns>
    public int GetErrorCode()
    {
        if (Payload.Length < 4)
        {
            throw NetlinkException.Malformed($"an error or done message of {Payload.Length} payload bytes has no error code");
        }

        return BinaryPrimitives.ReadInt32LittleEndian(Payload);
    }

    /// <summary>
    /// For <c>NLMSG_ERROR</c>: the extended-ACK attributes (<see cref="NetlinkErrorAttribute"/>) after
    /// the echoed request header (and its payload unless the kernel capped it), or none.
    /// </summary>
    /// <returns>An enumerator of the attributes.</returns>
    public NetlinkAttributeReader GetErrorAttributes()
    {
        if (!Flags.HasFlag(NetlinkFlags.AckTlvs))
        {
            return new NetlinkAttributeReader(default);
        }

        ReadOnlySpan<byte> payload = Payload;
        if (IsDone)
        {
            return payload.Length < 4 ? throw NetlinkException.Malformed("a done message has no error code") : new NetlinkAttributeReader(payload[4..]);
        }

        // struct nlmsgerr { int error; struct nlmsghdr msg; } then the request payload unless capped.
        int offset = 4 + NetlinkMessageHeader.Size;
        if (payload.Length < offset)
        {
            throw NetlinkException.Malformed($"an error message of {payload.Length} payload bytes cannot hold struct nlmsgerr");
        }

        if (!Flags.HasFlag(NetlinkFlags.Capped))
        {
            uint echoed = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
            if (echoed < NetlinkMessageHeader.Size || echoed > payload.Length - 4)
            {
                throw NetlinkException.Malformed($"the echoed request length {echoed} is outside the error message");
            }

            offset = 4 + NetlinkWriter.Align((int)echoed);
        }

        return new NetlinkAttributeReader(offset >= payload.Length ? default : payload[offset..]);
    }

    /// <summary>For <c>NLMSG_ERROR</c>: the <c>nlmsg_type</c> of the request the error answers.</summary>
    /// <returns>The request type.</returns>
    public ushort GetErrorRequestType()
    {
        ReadOnlySpan<byte> payload = Payload;
        if (payload.Length < 4 + NetlinkMessageHeader.Size)
        {
            throw NetlinkException.Malformed($"an error message of {payload.Length} payload bytes cannot hold struct nlmsgerr");
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]);
    }
}

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

/// <summary>A view of one attribute: its type and payload.</summary>
/// <remarks>The typed getters check the payload length first and throw a <see cref="NetlinkException"/> (<see cref="NetlinkException.IsMalformedReply"/>) when it is too short.</remarks>
public readonly ref struct NetlinkAttribute
{
    /// <summary>Creates a view.</summary>
    /// <param name="rawType">The <c>nla_type</c>, flags included.</param>
    /// <param name="payload">The payload, without the header or padding.</param>
    public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> payload)
    {
        RawType = rawType;
        Payload = payload;
    }

    /// <summary>The <c>nla_type</c> as sent, <c>NLA_F_NESTED</c> and <c>NLA_F_NET_BYTEORDER</c> included.</summary>
    public ushort RawType { get; }

    /// <summary>The attribute type without its flags (<c>nla_type &amp; NLA_TYPE_MASK</c>).</summary>
    public ushort Type => (ushort)(RawType & ~(NetlinkWriter.NestedFlag | NetlinkWriter.NetByteOrderFlag));

    /// <summary>True when <c>NLA_F_NESTED</c> is set.</summary>
    public bool IsNestedFlagSet => (RawType & NetlinkWriter.NestedFlag) != 0;

    /// <summary>The payload, without the header or padding.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Tells whether this attribute has the given type.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <returns>True when the types match (flags ignored).</returns>
    public bool Is<TAttribute>(TAttribute type)
        where TAttribute : unmanaged, Enum
        => Type == NetlinkWriter.ToType(type);

    /// <summary>Reads a u8 payload.</summary>
    /// <returns>The value.</returns>
    public byte GetUInt8() => Need(1)[0];

    /// <summary>Reads a u16 payload in host byte order.</summary>
    /// <returns>The value.</returns>
    public ushort GetUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Need(2));

    /// <summary>Reads a u16 payload in network byte order (a <c>__be16</c>).</summary>
    /// <returns>The value.</returns>
    public ushort GetBigEndianUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Need(2));

    /// <summary>Reads a u32 payload in host byte order.</summary>
    /// <returns>The value.</returns>
    public uint GetUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Need(4));

    /// <summary>Reads an s32 payload in host byte order.</summary>
    /// <returns>The value.</returns>
    public int GetInt32() => BinaryPrimitives.ReadInt32LittleEndian(Need(4));

    /// <summary>Reads a u64 payload in host byte order.</summary>
    /// <returns>The value.</returns>
    public ulong GetUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Need(8));

    /// <summary>The payload of a string attribute up to its first NUL (or all of it).</summary>
    /// <returns>The UTF-8 bytes, without the terminator.</returns>
    public ReadOnlySpan<byte> GetStringBytes()
    {
        int nul = Payload.IndexOf((byte)0);
        return nul < 0 ? Payload : Payload[..nul];
    }

    /// <summary>Decodes a string attribute (allocates the string).</summary>
    /// <returns>The string, without the terminator.</returns>
    public string GetString() => Encoding.UTF8.GetString(GetStringBytes());

    /// <summary>Decodes a 4- or 16-byte address payload (allocates the address).</summary>
    /// <returns>The address.</returns>
    public IPAddress GetIPAddress() => Payload.Length is 4 or 16
        ? new IPAddress(Payload)
        : throw NetlinkException.Malformed($"attribute {Type}: an IP address of {Payload.Length} bytes");

    /// <summary>Reads a fixed structure from the payload.</summary>
    /// <typeparam name="T">The structure.</typeparam>
    /// <returns>The structure.</returns>
    public T GetStruct<T>()
        where T : unmanaged
        => MemoryMarshal.Read<T>(Need(Unsafe.SizeOf<T>()));

    /// <summary>The attributes nested in this one.</summary>
    /// <returns>An enumerator of the nested attributes.</returns>
    public NetlinkAttributeReader GetNested() => new(Payload);

    private ReadOnlySpan<byte> Need(int length) => Payload.Length >= length
        ? Payload
        : throw NetlinkException.Malformed($"attribute {Type} has {Payload.Length} payload bytes, {length} needed");
}
