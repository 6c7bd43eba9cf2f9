using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cni.Netlink.Protocol;

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

    /// <summary>For <c>NLMSG_ERROR</c> and <c>NLMSG_DONE</c>: the kernel's extended-ACK text (<see cref="NetlinkErrorAttribute.Message"/>), if it sent one.</summary>
    /// <returns>The text, or <see langword="null"/>.</returns>
    internal string? GetErrorMessage()
    {
        foreach (NetlinkAttribute attribute in GetErrorAttributes())
        {
            if (attribute.Is(NetlinkErrorAttribute.Message))
            {
                return attribute.GetString();
            }
        }

        return null;
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
