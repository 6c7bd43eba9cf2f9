using System.Buffers;
using Cni.Netlink.Protocol;

namespace Cni.Netlink;

/// <summary>
/// The reply messages of a <see cref="RtnlSocket.Get(ReadOnlySpan{byte})"/> or
/// <see cref="RtnlSocket.Dump(ReadOnlySpan{byte})"/>, held in a pooled buffer until disposed.
/// </summary>
public sealed class NetlinkReply : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _length;
    internal byte[]? RequestCopy;

    internal NetlinkReply()
    {
    }

    /// <summary>True when the dump was still marked <c>NLM_F_DUMP_INTR</c> after every attempt: the data may be inconsistent.</summary>
    public bool Interrupted { get; internal set; }

    /// <summary>The reply messages, back to back.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Enumerates the reply messages.</summary>
    /// <returns>A reader over <see cref="Bytes"/>.</returns>
    public NetlinkMessageReader GetMessages() => new(Bytes);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal void Clear() => _length = 0;

    internal void Append(ReadOnlySpan<byte> message)
    {
        int needed = _length + NetlinkWriter.Align(message.Length);
        if (needed > _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        message.CopyTo(_buffer.AsSpan(_length));
        _buffer.AsSpan(_length + message.Length, NetlinkWriter.Align(message.Length) - message.Length).Clear();
        _length = needed;
    }
}
