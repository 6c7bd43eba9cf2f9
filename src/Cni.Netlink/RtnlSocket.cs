using System.Buffers;
using System.Buffers.Binary;
using Cni.Netlink.Protocol;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// An rtnetlink socket (<c>AF_NETLINK</c>, <c>NETLINK_ROUTE</c>) bound to the network namespace it was
/// opened in, with request/ACK and dump handling and the typed operations CNI plugins need.
/// </summary>
/// <remarks>
/// <para>
/// A socket belongs to the namespace that was current on the thread that opened it, for its whole
/// life: <see cref="OpenIn(NetworkNamespace)"/> switches a dedicated thread into the namespace, opens
/// the socket there and switches back, and the socket can then be used from any thread (and across
/// <c>await</c>). Requests are serialized: one request is in flight at a time.
/// </para>
/// <para>
/// Every request carries a fresh sequence number and waits for the kernel's answer with that number.
/// Errors become a <see cref="NetlinkException"/> with the errno, the request type and the kernel's
/// extended-ACK message (extended ACK is switched on for every socket). Dumps that the kernel marks
/// <c>NLM_F_DUMP_INTR</c> (the data changed while it was being dumped) are retried.
/// </para>
/// <example>
/// <code>
/// using var pod = NetworkNamespace.Open(request.NetNs);
/// using var rtnl = RtnlSocket.OpenIn(pod);
/// rtnl.SetLinkUp(rtnl.GetLink("eth0").Index);
/// </code>
/// </example>
/// </remarks>
public sealed partial class RtnlSocket : IDisposable
{
    /// <summary>How many times a dump interrupted by a concurrent change is retried before its (possibly inconsistent) data is returned.</summary>
    public const int DumpAttempts = 5;

    private const int InitialReceiveBufferSize = 32 * 1024;
    private const int RequestBufferSize = 1024;

    private readonly NetlinkChannel _channel;

    private RtnlSocket(NetlinkChannel channel) => _channel = channel;

    /// <summary>The port id the kernel gave this socket (<c>nl_pid</c>).</summary>
    public uint PortId => _channel.PortId;

    /// <summary>How long a request waits for the kernel before it fails with <c>EAGAIN</c>. Set at open time.</summary>
    public static TimeSpan ReceiveTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens a socket in the calling thread's network namespace (normally the process's).</summary>
    /// <returns>The socket.</returns>
    /// <exception cref="NetlinkException">A system call failed.</exception>
    public static RtnlSocket Open() => new(NetlinkChannel.Open(Interop.NETLINK_ROUTE, "NETLINK_ROUTE", InitialReceiveBufferSize));

    /// <summary>Opens a socket inside <paramref name="networkNamespace"/>; the socket stays there and can be used from any thread.</summary>
    /// <param name="networkNamespace">The namespace.</param>
    /// <returns>The socket.</returns>
    /// <exception cref="NetlinkException">Entering the namespace or a socket call failed.</exception>
    public static RtnlSocket OpenIn(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        return networkNamespace.Run(Open);
    }

    /// <summary>Returns a fresh sequence number for a request written by hand.</summary>
    /// <returns>The sequence number.</returns>
    public uint NextSequence() => _channel.NextSequence();

    /// <summary>
    /// Sends a request that asks for an acknowledgement (<see cref="NetlinkFlags.Ack"/>) and waits for it.
    /// </summary>
    /// <param name="request">One whole message, as <see cref="NetlinkWriter"/> wrote it; its sequence number pairs the answer.</param>
    /// <exception cref="NetlinkException">The kernel refused the request (see <see cref="NetlinkException.ErrorCode"/>).</exception>
    public void Execute(ReadOnlySpan<byte> request) => Transact(request, null, out _);

    /// <summary>
    /// Sends a GET request without <see cref="NetlinkFlags.Dump"/> and returns its single reply.
    /// </summary>
    /// <param name="request">One whole message.</param>
    /// <returns>The reply; dispose it to return its buffer.</returns>
    /// <exception cref="NetlinkException">The kernel answered with an error (for example <c>ENODEV</c>).</exception>
    public NetlinkReply Get(ReadOnlySpan<byte> request)
    {
        var reply = new NetlinkReply();
        try
        {
            Transact(request, reply, out _);
            return reply;
        }
        catch
        {
            reply.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a dump request (<see cref="NetlinkFlags.Dump"/>) and collects every reply message up to
    /// <c>NLMSG_DONE</c>. A dump the kernel marks interrupted is run again, up to <see cref="DumpAttempts"/> times.
    /// </summary>
    /// <param name="request">One whole message.</param>
    /// <returns>The replies; dispose to return the buffer. <see cref="NetlinkReply.Interrupted"/> tells whether even the last attempt was interrupted.</returns>
    /// <exception cref="NetlinkException">The kernel answered with an error.</exception>
    public NetlinkReply Dump(ReadOnlySpan<byte> request)
    {
        var reply = new NetlinkReply();
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                reply.Clear();
                Transact(request, reply, out bool interrupted);
                if (!interrupted || attempt == DumpAttempts)
                {
                    reply.Interrupted = interrupted;
                    return reply;
                }

                // The same sequence number would pair stale answers: give the retry a new one.
                request = Resequence(request, NextSequence(), ref reply.RequestCopy);
            }
        }
        catch
        {
            reply.Dispose();
            throw;
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _channel.Dispose();

    private static ReadOnlySpan<byte> Resequence(ReadOnlySpan<byte> request, uint sequence, ref byte[]? copy)
    {
        copy ??= new byte[request.Length];
        request.CopyTo(copy);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(8), sequence);
        return copy.AsSpan(0, request.Length);
    }

    private void Transact(ReadOnlySpan<byte> request, NetlinkReply? collector, out bool interrupted)
    {
        interrupted = false;
        if (request.Length < NetlinkMessageHeader.Size)
        {
            throw new ArgumentException("A netlink request needs at least its 16-byte header.", nameof(request));
        }

        ushort requestType = BinaryPrimitives.ReadUInt16LittleEndian(request[4..]);
        var requestFlags = (NetlinkFlags)BinaryPrimitives.ReadUInt16LittleEndian(request[6..]);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        bool isDump = (requestFlags & NetlinkFlags.Dump) == NetlinkFlags.Dump && IsGet(requestType);
        bool wantsAck = requestFlags.HasFlag(NetlinkFlags.Ack);

        lock (_channel.Lock)
        {
            _channel.ThrowIfDisposed(this);
            long sent = _channel.Send(request, out int errno);
            if (sent < 0)
            {
                throw new NetlinkException(errno, requestType, null, "sendto");
            }

            while (true)
            {
                foreach (NetlinkMessage message in new NetlinkMessageReader(ReceiveDatagram(requestType)))
                {
                    if (message.Sequence != sequence || !_channel.IsOurs(message))
                    {
                        continue; // A late answer to an earlier request, or a notification.
                    }

                    if ((message.Flags & NetlinkFlags.DumpInterrupted) != 0)
                    {
                        interrupted = true;
                    }

                    if (message.IsError)
                    {
                        int code = message.GetErrorCode();
                        if (code == 0)
                        {
                            return; // The ACK.
                        }

                        throw new NetlinkException(-code, requestType, message.GetErrorMessage(), null);
                    }

                    if (message.IsDone)
                    {
                        int code = message.Payload.Length >= 4 ? message.GetErrorCode() : 0;
                        if (code < 0)
                        {
                            throw new NetlinkException(-code, requestType, message.GetErrorMessage(), null);
                        }

                        return;
                    }

                    if (message.Type is (ushort)NetlinkMessageType.Noop)
                    {
                        continue;
                    }

                    if (message.Type is (ushort)NetlinkMessageType.Overrun)
                    {
                        throw new NetlinkException(LibC.ENOBUFS, requestType, null, "the kernel reported an overrun");
                    }

                    collector?.Append(message.Bytes);
                    if (!isDump && !wantsAck)
                    {
                        return; // The single answer to a GET.
                    }
                }
            }
        }
    }

    private static bool IsGet(ushort type) => type >= 16 && (type & 3) == 2;

    private ReadOnlySpan<byte> ReceiveDatagram(ushort requestType) =>
        _channel.TryReceive(dontWait: false, out ReadOnlySpan<byte> datagram, out int errno)
            ? datagram
            : throw new NetlinkException(errno, requestType, null, errno == LibC.EAGAIN ? $"no answer within {ReceiveTimeout.TotalSeconds:0} s" : "recv");

    // ---- shared by the typed operations in the object folders

    private delegate T Parser<T>(NetlinkMessage message);

    private void Execute(ReadOnlySpan<byte> request, string? context)
    {
        try
        {
            Transact(request, null, out _);
        }
        catch (NetlinkException e) when (context is not null && e.RequestType != 0)
        {
            throw new NetlinkException(e.ErrorCode, e.RequestType, e.KernelMessage, context);
        }
    }

    private T GetOne<T>(ReadOnlySpan<byte> request, Parser<T> parse, string context)
    {
        NetlinkReply reply;
        try
        {
            reply = Get(request);
        }
        catch (NetlinkException e) when (e.RequestType != 0)
        {
            throw new NetlinkException(e.ErrorCode, e.RequestType, e.KernelMessage, context);
        }

        using (reply)
        {
            foreach (NetlinkMessage message in reply.GetMessages())
            {
                return parse(message);
            }
        }

        throw NetlinkException.Malformed("the kernel answered a GET with no message");
    }

    private List<T> DumpAll<T>(ReadOnlySpan<byte> request, ushort type, Parser<T> parse)
    {
        var items = new List<T>();
        using NetlinkReply reply = Dump(request);
        foreach (NetlinkMessage message in reply.GetMessages())
        {
            if (message.Type == type)
            {
                items.Add(parse(message));
            }
        }

        return items;
    }
}
