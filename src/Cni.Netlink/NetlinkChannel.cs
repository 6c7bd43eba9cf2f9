using Cni.Netlink.Protocol;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// What <see cref="RtnlSocket"/> and <see cref="Nftables.NftablesSocket"/> share below their protocols: one netlink
/// socket opened and bound as every socket of ours is (<see cref="Interop.OpenConfiguredNetlinkSocket"/>), its port
/// id, its sequence numbers, the lock that serializes requests, sending to the kernel, and receiving one datagram
/// whole into a buffer that grows to fit. How requests and answers pair, and what a failure says, stay with the sockets.
/// </summary>
internal sealed class NetlinkChannel : IDisposable
{
    private int _fd;
    private uint _sequence;
    private byte[] _receiveBuffer;

    private NetlinkChannel(int fd, uint portId, int receiveBufferSize)
    {
        _fd = fd;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
        _receiveBuffer = new byte[receiveBufferSize];
    }

    /// <summary>Held for a whole request and its answers, so that one request is in flight at a time.</summary>
    public Lock Lock { get; } = new();

    /// <summary>The port id the kernel gave the socket (<c>nl_pid</c>).</summary>
    public uint PortId { get; }

    /// <summary>Opens a socket of <paramref name="protocol"/> in the calling thread's network namespace.</summary>
    /// <exception cref="NetlinkException">A system call failed.</exception>
    public static NetlinkChannel Open(int protocol, string protocolName, int receiveBufferSize)
    {
        int fd = Interop.OpenConfiguredNetlinkSocket(protocol, protocolName, RtnlSocket.ReceiveTimeout, out uint portId);
        return new NetlinkChannel(fd, portId, receiveBufferSize);
    }

    public uint NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Reserves <paramref name="count"/> consecutive sequence numbers and returns the first.</summary>
    public uint ReserveSequences(int count) => Interlocked.Add(ref _sequence, (uint)count) - (uint)count + 1;

    /// <summary>Throws when the socket is closed, naming <paramref name="owner"/>; a request checks with <see cref="Lock"/> held, so that <see cref="Dispose"/> waits for it.</summary>
    public void ThrowIfDisposed(object owner) => ObjectDisposedException.ThrowIf(_fd < 0, owner);

    /// <summary>Whether an answer is for this socket: from the kernel to our port, or to port 0.</summary>
    public bool IsOurs(NetlinkMessage message) => message.PortId == 0 || message.PortId == PortId;

    /// <summary>With <see cref="Lock"/> held: sends one request or batch to the kernel.</summary>
    /// <returns>The bytes sent, or -1 with <paramref name="errno"/> set.</returns>
    public long Send(ReadOnlySpan<byte> request, out int errno) => Interop.SendToKernel(_fd, request, out errno);

    /// <summary>
    /// With <see cref="Lock"/> held: receives the next datagram whole (its size is peeked first and the buffer grown
    /// to fit), retrying when a signal interrupts the wait.
    /// </summary>
    /// <param name="dontWait">Fail with <c>EAGAIN</c> at once when nothing is queued, instead of waiting up to <see cref="RtnlSocket.ReceiveTimeout"/>.</param>
    /// <param name="datagram">The datagram, valid until the next receive.</param>
    /// <param name="errno">On failure, the errno: <c>EAGAIN</c> when nothing came (in time).</param>
    /// <returns>Whether a datagram was received.</returns>
    public bool TryReceive(bool dontWait, out ReadOnlySpan<byte> datagram, out int errno)
    {
        datagram = default;
        while (true)
        {
            long size = Interop.Receive(_fd, default, peek: true, out errno, dontWait);
            if (size < 0)
            {
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                return false;
            }

            if (size > _receiveBuffer.Length)
            {
                _receiveBuffer = new byte[Math.Max((int)size, _receiveBuffer.Length * 2)];
            }

            long received = Interop.Receive(_fd, _receiveBuffer, peek: false, out errno);
            if (received < 0)
            {
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                return false;
            }

            datagram = _receiveBuffer.AsSpan(0, (int)received);
            return true;
        }
    }

    /// <summary>Closes the socket; later requests throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (Lock)
        {
            if (_fd >= 0)
            {
                Interop.Close(_fd);
                _fd = -1;
            }
        }
    }
}
