using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cni.Netlink.Protocol;

/// <summary>
/// Writes netlink messages and their attributes into memory the caller owns, without allocating.
/// </summary>
/// <remarks>
/// <para>A message is a header, a fixed structure, then attributes (TLVs), each padded to 4 bytes:</para>
/// <code>
/// +------------------+----------------------+------------------------------------+
/// | nlmsghdr (16)    | ifinfomsg/rtmsg/...  | nlattr nlattr ...                  |
/// +------------------+----------------------+------------------------------------+
///   nlattr:  +---------+---------+-----------------+---------+
///            | nla_len | nla_type| payload         | padding |   nla_len = 4 + payload
///            +---------+---------+-----------------+---------+   (padding not counted)
/// </code>
/// <para>
/// Lengths that are only known at the end (the message's <c>nlmsg_len</c>, a nested attribute's
/// <c>nla_len</c>) are back-patched: <see cref="BeginMessage(RtmType, NetlinkFlags, uint)"/> and
/// <see cref="BeginNested{TAttribute}(TAttribute, bool)"/> remember where the length goes, and
/// <see cref="EndMessage"/> and <see cref="EndNested(NetlinkNestedToken)"/> fill it in. Alignment and
/// padding are written in exactly one place; padding bytes are always zero. Several messages may be
/// written one after another (a batch).
/// </para>
/// <para>
/// Overflow policy: nothing is ever written past the end of the buffer. A write that does not fit
/// throws <see cref="InternalBufferOverflowException"/> naming the bytes needed and available; what
/// the buffer then holds is unspecified and must not be sent. Size the buffer for the request
/// (a few hundred bytes cover every request the typed operations send).
/// </para>
/// <example>
/// <code>
/// Span&lt;byte&gt; buffer = stackalloc byte[512];
/// var w = new NetlinkWriter(buffer);
/// w.BeginMessage(RtmType.NewLink, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create, seq);
/// w.WriteStruct(new IfInfoMessage { Family = NetlinkAddressFamily.Unspecified });
/// w.WriteAttribute(IfLinkAttribute.IfName, "cni0");
/// var info = w.BeginNested(IfLinkAttribute.LinkInfo);
/// w.WriteAttribute(LinkInfoAttribute.Kind, "bridge");
/// w.EndNested(info);
/// int length = w.EndMessage();
/// </code>
/// </example>
/// </remarks>
public ref struct NetlinkWriter
{
    /// <summary>Netlink aligns headers and attributes to 4 bytes (<c>NLMSG_ALIGNTO</c>, <c>NLA_ALIGNTO</c>).</summary>
    public const int Alignment = 4;

    /// <summary>The size of an attribute header (<c>struct nlattr</c>).</summary>
    public const int AttributeHeaderSize = 4;

    /// <summary><c>NLA_F_NESTED</c>: the attribute holds attributes.</summary>
    public const ushort NestedFlag = 0x8000;

    /// <summary><c>NLA_F_NET_BYTEORDER</c>: the payload is in network byte order.</summary>
    public const ushort NetByteOrderFlag = 0x4000;

    private readonly Span<byte> _buffer;
    private int _position;
    private int _messageStart;

    /// <summary>Creates a writer that writes from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The memory to write into; the caller owns it.</param>
    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        _messageStart = -1;
    }

    /// <summary>The number of bytes written so far (all messages).</summary>
    public readonly int Length => _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer[.._position];

    /// <summary>Rounds <paramref name="length"/> up to the netlink alignment (<c>NLMSG_ALIGN</c>, <c>NLA_ALIGN</c>).</summary>
    /// <param name="length">A length in bytes.</param>
    /// <returns>The aligned length.</returns>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>Starts an rtnetlink message: writes its header with a length to be filled in by <see cref="EndMessage"/>.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="flags">The header flags (<see cref="NetlinkFlags.Request"/> for anything sent to the kernel).</param>
    /// <param name="sequence">The sequence number that pairs the reply with this request.</param>
    public void BeginMessage(RtmType type, NetlinkFlags flags, uint sequence) => BeginMessage((ushort)type, flags, sequence, 0);

    /// <summary>Starts a message of any netlink type.</summary>
    /// <param name="type">The raw <c>nlmsg_type</c>.</param>
    /// <param name="flags">The header flags.</param>
    /// <param name="sequence">The sequence number.</param>
    /// <param name="portId">The sender's port id (<c>nlmsg_pid</c>); 0 lets the kernel fill it in.</param>
    public void BeginMessage(ushort type, NetlinkFlags flags, uint sequence, uint portId)
    {
        if (_messageStart >= 0)
        {
            throw new InvalidOperationException("BeginMessage called before the previous message was ended with EndMessage.");
        }

        _messageStart = _position;
        var header = new NetlinkMessageHeader { Length = 0, Type = type, Flags = flags, Sequence = sequence, PortId = portId };
        MemoryMarshal.Write(Reserve(NetlinkMessageHeader.Size), in header);
    }

    /// <summary>Ends the current message: back-patches its <c>nlmsg_len</c>.</summary>
    /// <returns>The total number of bytes written (all messages so far), ready to send.</returns>
    public int EndMessage()
    {
        if (_messageStart < 0)
        {
            throw new InvalidOperationException("EndMessage called without BeginMessage.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_messageStart..], (uint)(_position - _messageStart));
        _messageStart = -1;
        return _position;
    }

    /// <summary>Writes a fixed structure (<see cref="IfInfoMessage"/>, <see cref="RouteMessage"/>...) padded to 4 bytes.</summary>
    /// <typeparam name="T">The structure type.</typeparam>
    /// <param name="value">The structure.</param>
    public void WriteStruct<T>(in T value)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> slot = Reserve(Align(size));
        MemoryMarshal.Write(slot, in value);
        slot[size..].Clear();
    }

    /// <summary>Writes an attribute with an opaque payload.</summary>
    /// <typeparam name="TAttribute">An attribute enum such as <see cref="IfLinkAttribute"/>.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The payload.</param>
    public void WriteAttribute<TAttribute>(TAttribute type, scoped ReadOnlySpan<byte> value)
        where TAttribute : unmanaged, Enum
        => value.CopyTo(ReserveAttribute(ToType(type), value.Length));

    /// <summary>Writes an attribute with a raw type (flags included) and an opaque payload.</summary>
    /// <param name="rawType">The <c>nla_type</c>, with <see cref="NestedFlag"/> or <see cref="NetByteOrderFlag"/> if wanted.</param>
    /// <param name="value">The payload.</param>
    public void WriteAttribute(ushort rawType, scoped ReadOnlySpan<byte> value) => value.CopyTo(ReserveAttribute(rawType, value.Length));

    /// <summary>Writes a string attribute in UTF-8, NUL-terminated unless told otherwise.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The string.</param>
    /// <param name="nulTerminate">
    /// True (the default) to end the payload with a NUL, as the kernel writes names and as <c>ip</c> sends
    /// <c>IFLA_IFNAME</c>; false for the unterminated form <c>ip</c> uses for <c>IFLA_INFO_KIND</c>.
    /// The kernel accepts both.
    /// </param>
    public void WriteAttribute<TAttribute>(TAttribute type, string value, bool nulTerminate = true)
        where TAttribute : unmanaged, Enum
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> payload = ReserveAttribute(ToType(type), length + (nulTerminate ? 1 : 0));
        Encoding.UTF8.GetBytes(value, payload);
        if (nulTerminate)
        {
            payload[length] = 0;
        }
    }

    /// <summary>Writes an IP address attribute: 4 bytes for IPv4, 16 for IPv6, in network byte order.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The address.</param>
    public void WriteAttribute<TAttribute>(TAttribute type, IPAddress value)
        where TAttribute : unmanaged, Enum
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, out int written);
        bytes[..written].CopyTo(ReserveAttribute(ToType(type), written));
    }

    /// <summary>Writes an attribute with no payload (a flag).</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    public void WriteFlag<TAttribute>(TAttribute type)
        where TAttribute : unmanaged, Enum
        => ReserveAttribute(ToType(type), 0);

    /// <summary>Writes a u8 attribute.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt8<TAttribute>(TAttribute type, byte value)
        where TAttribute : unmanaged, Enum
        => ReserveAttribute(ToType(type), 1)[0] = value;

    /// <summary>Writes a u16 attribute in host byte order.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt16<TAttribute>(TAttribute type, ushort value)
        where TAttribute : unmanaged, Enum
        => MemoryMarshal.Write(ReserveAttribute(ToType(type), 2), in value);

    /// <summary>Writes a u16 attribute in network byte order (a <c>__be16</c>, such as a UDP port).</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteBigEndianUInt16<TAttribute>(TAttribute type, ushort value)
        where TAttribute : unmanaged, Enum
        => BinaryPrimitives.WriteUInt16BigEndian(ReserveAttribute(ToType(type), 2), value);

    /// <summary>Writes a u32 attribute in host byte order.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt32<TAttribute>(TAttribute type, uint value)
        where TAttribute : unmanaged, Enum
        => MemoryMarshal.Write(ReserveAttribute(ToType(type), 4), in value);

    /// <summary>Writes an s32 attribute in host byte order.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteInt32<TAttribute>(TAttribute type, int value)
        where TAttribute : unmanaged, Enum
        => MemoryMarshal.Write(ReserveAttribute(ToType(type), 4), in value);

    /// <summary>Writes a u64 attribute in host byte order.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The value.</param>
    public void WriteUInt64<TAttribute>(TAttribute type, ulong value)
        where TAttribute : unmanaged, Enum
        => MemoryMarshal.Write(ReserveAttribute(ToType(type), 8), in value);

    /// <summary>Writes an attribute whose payload is a fixed structure (for example a <see cref="BridgeVlanInfo"/>).</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <typeparam name="T">The structure type.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="value">The structure.</param>
    public void WriteStructAttribute<TAttribute, T>(TAttribute type, in T value)
        where TAttribute : unmanaged, Enum
        where T : unmanaged
        => MemoryMarshal.Write(ReserveAttribute(ToType(type), Unsafe.SizeOf<T>()), in value);

    /// <summary>Starts a nested attribute; write its children, then call <see cref="EndNested(NetlinkNestedToken)"/>.</summary>
    /// <typeparam name="TAttribute">An attribute enum.</typeparam>
    /// <param name="type">The attribute type.</param>
    /// <param name="markNested">
    /// True to set <c>NLA_F_NESTED</c> in the type. Some kernel parsers require it (a bridge port's
    /// <c>IFLA_PROTINFO</c>); <c>ip</c> leaves it out elsewhere.
    /// </param>
    /// <returns>The token to pass to <see cref="EndNested(NetlinkNestedToken)"/>.</returns>
    public NetlinkNestedToken BeginNested<TAttribute>(TAttribute type, bool markNested = false)
        where TAttribute : unmanaged, Enum
        => BeginNested((ushort)(ToType(type) | (markNested ? NestedFlag : 0)));

    /// <summary>Starts a nested attribute with a raw type (flags included).</summary>
    /// <param name="rawType">The <c>nla_type</c>.</param>
    /// <returns>The token to pass to <see cref="EndNested(NetlinkNestedToken)"/>.</returns>
    public NetlinkNestedToken BeginNested(ushort rawType)
    {
        int start = _position;
        ReserveAttribute(rawType, 0);
        return new NetlinkNestedToken(start);
    }

    /// <summary>Ends a nested attribute: back-patches its <c>nla_len</c> to cover everything written since it began.</summary>
    /// <param name="token">The token <see cref="BeginNested(ushort)"/> returned.</param>
    public void EndNested(NetlinkNestedToken token)
    {
        int length = _position - token.Offset;
        if (token.Offset < 0 || token.Offset + AttributeHeaderSize > _position)
        {
            throw new InvalidOperationException("EndNested called with a token this writer did not produce.");
        }

        if (length > ushort.MaxValue)
        {
            throw new InternalBufferOverflowException($"A nested netlink attribute of {length} bytes exceeds the 65535-byte attribute limit.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[token.Offset..], (ushort)length);
    }

    /// <summary>Writes bytes as they are (for example a structure inside a nested attribute, such as a veth peer's <see cref="IfInfoMessage"/>), padded to 4 bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        Span<byte> slot = Reserve(Align(bytes.Length));
        bytes.CopyTo(slot);
        slot[bytes.Length..].Clear();
    }

    // The one place that writes an attribute header and its padding.
    private Span<byte> ReserveAttribute(ushort rawType, int payloadLength)
    {
        int length = AttributeHeaderSize + payloadLength;
        if (length > ushort.MaxValue)
        {
            throw new InternalBufferOverflowException($"A netlink attribute payload of {payloadLength} bytes exceeds the 65535-byte attribute limit.");
        }

        Span<byte> slot = Reserve(Align(length));
        BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(slot[2..], rawType);
        slot[length..].Clear();
        return slot.Slice(AttributeHeaderSize, payloadLength);
    }

    private Span<byte> Reserve(int count)
    {
        if (count > _buffer.Length - _position)
        {
            ThrowTooSmall(count);
        }

        Span<byte> slot = _buffer.Slice(_position, count);
        _position += count;
        return slot;
    }

    private readonly void ThrowTooSmall(int count) =>
        throw new InternalBufferOverflowException(
            $"The netlink buffer is too small: {count} more bytes needed at offset {_position}, {_buffer.Length - _position} available.");

    internal static ushort ToType<TAttribute>(TAttribute type)
        where TAttribute : unmanaged, Enum
    {
        if (Unsafe.SizeOf<TAttribute>() == 2)
        {
            return Unsafe.As<TAttribute, ushort>(ref type);
        }

        if (Unsafe.SizeOf<TAttribute>() == 1)
        {
            return Unsafe.As<TAttribute, byte>(ref type);
        }

        if (Unsafe.SizeOf<TAttribute>() == 4)
        {
            return checked((ushort)Unsafe.As<TAttribute, uint>(ref type));
        }

        return checked((ushort)Unsafe.As<TAttribute, ulong>(ref type));
    }
}
