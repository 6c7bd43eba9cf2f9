using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cni.Netlink.Protocol;

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
