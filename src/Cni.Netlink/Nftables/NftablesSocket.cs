using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Cni.Netlink.Protocol;
using Tmds.Linux;

namespace Cni.Netlink.Nftables;

/// <summary>
/// An nf_tables socket (<c>AF_NETLINK</c>, <c>NETLINK_NETFILTER</c>, extended ACK on) bound to the network
/// namespace it was opened in: atomic transactions (<see cref="Begin"/>) and dumps of tables, chains and rules.
/// </summary>
/// <remarks>
/// <para>
/// Like <see cref="RtnlSocket"/>, a socket belongs to the namespace that was current when it was opened
/// (<see cref="OpenIn(NetworkNamespace)"/>) and can then be used from any thread; requests are serialized.
/// Nothing is executed: this replaces <c>nft -f</c> and <c>nft -j list</c>.
/// </para>
/// <example>
/// <code>
/// using var nft = NftablesSocket.Open();
/// using NftTransaction tx = nft.Begin();
/// tx.AddTable(NftFamily.Inet, "t");
/// tx.AddChain(NftFamily.Inet, "t", "c");
/// var e = new NftExpressionWriter(stackalloc byte[256]);
/// e.Verdict(NftVerdict.Accept);
/// tx.AddRule(NftFamily.Inet, "t", "c", e.WrittenSpan, "my rule");
/// tx.Commit();                                   // all or nothing
/// IReadOnlyList&lt;NftRule&gt; rules = nft.ListRules(NftFamily.Inet, "t", "c");
/// </code>
/// </example>
/// </remarks>
public sealed class NftablesSocket : IDisposable
{
    /// <summary>How many times a dump interrupted by a concurrent change is retried before it fails with <c>EINTR</c>.</summary>
    public const int DumpAttempts = 5;

    private const int ReceiveBufferSize = 64 * 1024;

    private readonly NetlinkChannel _channel;

    private NftablesSocket(NetlinkChannel channel) => _channel = channel;

    /// <summary>The port id the kernel gave this socket.</summary>
    public uint PortId => _channel.PortId;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    /// <returns>The socket.</returns>
    /// <exception cref="NetlinkException">A system call failed.</exception>
    public static NftablesSocket Open() => new(NetlinkChannel.Open(Interop.NETLINK_NETFILTER, "NETLINK_NETFILTER", ReceiveBufferSize));

    /// <summary>Opens a socket inside <paramref name="networkNamespace"/>; it stays there and can be used from any thread.</summary>
    /// <param name="networkNamespace">The namespace.</param>
    /// <returns>The socket.</returns>
    /// <exception cref="NetlinkException">Entering the namespace or a socket call failed.</exception>
    public static NftablesSocket OpenIn(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        return networkNamespace.Run(Open);
    }

    /// <summary>Starts a transaction: operations added to it are sent as one batch by <see cref="NftTransaction.Commit"/>.</summary>
    /// <returns>The transaction; dispose it to return its buffer.</returns>
    public NftTransaction Begin()
    {
        _channel.ThrowIfDisposed(this);
        return new NftTransaction(this);
    }

    /// <summary>Lists tables.</summary>
    /// <param name="family">Only this family's; null for every family.</param>
    /// <returns>The tables.</returns>
    /// <remarks>Equivalent to: <c>nft list tables [family]</c>.</remarks>
    public IReadOnlyList<NftTable> ListTables(NftFamily? family = null)
    {
        Span<byte> request = stackalloc byte[64];
        int length = NftEncoder.Dump(request, NftMessageType.GetTable, NextSequence(), family, null, null);
        return Dump(request[..length], NftMessageType.NewTable, NftDecoder.ParseTable, "GETTABLE");
    }

    /// <summary>Lists chains.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">Only this table's; null for every table of the family.</param>
    /// <returns>The chains, base and regular.</returns>
    /// <remarks>Equivalent to: <c>nft list chains</c> (the kernel dumps a family's chains; the table is filtered here).</remarks>
    public IReadOnlyList<NftChain> ListChains(NftFamily family, string? table = null)
    {
        Span<byte> request = stackalloc byte[64];
        int length = NftEncoder.Dump(request, NftMessageType.GetChain, NextSequence(), family, null, null);
        List<NftChain> chains = Dump(request[..length], NftMessageType.NewChain, NftDecoder.ParseChain, "GETCHAIN");
        return table is null ? chains : chains.FindAll(c => c.Table == table);
    }

    /// <summary>Gets one chain by name, without dumping the family's other chains.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="name">The chain name.</param>
    /// <returns>The chain; null when it (or its table) does not exist.</returns>
    /// <remarks>Equivalent to: <c>nft list chain family table name</c> (GETCHAIN without <c>NLM_F_DUMP</c>), rules aside.</remarks>
    public NftChain? GetChain(NftFamily family, string table, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] request = new byte[64 + NftTransaction.MaxEncodedName(table) + NftTransaction.MaxEncodedName(name)];
        var writer = new NetlinkWriter(request);
        NftEncoder.Chain(ref writer, NftMessageType.GetChain, NetlinkFlags.Request, NextSequence(), family, table, name, null, null);
        int length = writer.Length;
        return Get(request.AsSpan(0, length), NftMessageType.NewChain, NftDecoder.ParseChain, $"GETCHAIN {NftTransaction.FamilyName(family)} {table} {name}");
    }

    /// <summary>Lists the rules of a table, or of one of its chains, with their handles, comments and expressions.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="chain">Only this chain's; null for the whole table.</param>
    /// <returns>The rules, in chain order; empty when the table or chain does not exist.</returns>
    /// <remarks>Equivalent to: <c>nft -a list chain family table chain</c> (GETRULE dump filtered by the kernel).</remarks>
    public IReadOnlyList<NftRule> ListRules(NftFamily family, string table, string? chain = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        int max = 64 + (2 * NftTransaction.MaxEncodedName(table)) + (chain is null ? 0 : NftTransaction.MaxEncodedName(chain));
        byte[] request = new byte[max];
        int length = NftEncoder.Dump(request, NftMessageType.GetRule, NextSequence(), family, table, chain);
        try
        {
            return Dump(request.AsSpan(0, length), NftMessageType.NewRule, NftDecoder.ParseRule, $"GETRULE in {NftTransaction.FamilyName(family)} {table}{(chain is null ? "" : " " + chain)}");
        }
        catch (NetlinkException e) when (e.ErrorCode == LibC.ENOENT)
        {
            return [];
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _channel.Dispose();

    internal uint NextSequence() => _channel.NextSequence();

    /// <summary>Reserves <paramref name="count"/> consecutive sequence numbers and returns the first.</summary>
    internal uint ReserveSequences(int count) => _channel.ReserveSequences(count);

    /// <summary>
    /// Sends a whole batch (BEGIN, the operations, the last with <c>NLM_F_ACK</c>, END) and reads the kernel's
    /// answers: an error for each failing operation, then the answer to the last one, which ends them (the kernel
    /// queues them in order while it processes the batch, before <c>sendmsg</c> returns). Nothing stays queued.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="beginSequence">The sequence number of BEGIN; operation i has beginSequence + 1 + i, END the next.</param>
    /// <param name="errors">Per operation: 0, or the positive errno; filled in.</param>
    /// <param name="messages">Per operation: the extended-ACK text, if any; filled in.</param>
    /// <param name="batchMessage">The extended-ACK text of an error that answered the batch as a whole.</param>
    /// <returns>0, or the positive errno of an error that answered the batch as a whole (BEGIN or END: EPERM, a commit error).</returns>
    internal int SendBatch(ReadOnlySpan<byte> batch, uint beginSequence, Span<int> errors, string?[] messages, out string? batchMessage)
    {
        batchMessage = null;
        int operations = errors.Length;
        uint lastSequence = beginSequence + (uint)operations;
        uint endSequence = lastSequence + 1;
        lock (_channel.Lock)
        {
            _channel.ThrowIfDisposed(this);
            long sent = _channel.Send(batch, out int errno);
            if (sent < 0)
            {
                throw NetlinkException.FromErrno(errno, "sendto(NETLINK_NETFILTER batch)");
            }

            while (true)
            {
                foreach (NetlinkMessage message in new NetlinkMessageReader(ReceiveDatagram(dontWait: false)))
                {
                    if (!message.IsError || !_channel.IsOurs(message))
                    {
                        continue;
                    }

                    uint sequence = message.Sequence;
                    int code = -message.GetErrorCode();
                    if (sequence == beginSequence || sequence == endSequence)
                    {
                        if (code == 0)
                        {
                            continue;
                        }

                        // The batch as a whole failed (EPERM, a commit error, ENOMEM queueing errors). Whatever else the
                        // kernel answered is queued already: read it off so that nothing stays behind.
                        batchMessage = message.GetErrorMessage();
                        while (!ReceiveDatagram(dontWait: true).IsEmpty)
                        {
                        }

                        return code;
                    }

                    long index = (long)sequence - beginSequence - 1;
                    if (index < 0 || index >= operations)
                    {
                        continue; // Not ours: a late answer to an earlier request.
                    }

                    errors[(int)index] = code;
                    if (code != 0)
                    {
                        messages[(int)index] = message.GetErrorMessage();
                    }

                    if (sequence == lastSequence)
                    {
                        return 0;
                    }
                }
            }
        }
    }

    // A GET without NLM_F_DUMP: one reply message, or an error (ENOENT is null).
    private T? Get<T>(ReadOnlySpan<byte> request, NftMessageType replyType, Func<NetlinkMessage, T> parse, string what)
        where T : class
    {
        ushort type = NftMessageTypes.ToNetlinkType(replyType);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        lock (_channel.Lock)
        {
            _channel.ThrowIfDisposed(this);
            if (_channel.Send(request, out int errno) < 0)
            {
                throw NetlinkException.FromErrno(errno, "sendto(NETLINK_NETFILTER get)");
            }

            while (true)
            {
                foreach (NetlinkMessage message in new NetlinkMessageReader(ReceiveDatagram(dontWait: false)))
                {
                    if (message.Sequence != sequence || !_channel.IsOurs(message))
                    {
                        continue;
                    }

                    if (message.IsError)
                    {
                        int code = -message.GetErrorCode();
                        if (code == LibC.ENOENT)
                        {
                            return null;
                        }

                        throw Failure(what, code, RequestTypeOf(request), message.GetErrorMessage());
                    }

                    if (message.Type == type)
                    {
                        return parse(message);
                    }
                }
            }
        }
    }

    private List<T> Dump<T>(ReadOnlySpan<byte> request, NftMessageType replyType, Func<NetlinkMessage, T> parse, string what)
    {
        ushort type = NftMessageTypes.ToNetlinkType(replyType);
        byte[] copy = request.ToArray();
        for (int attempt = 1; ; attempt++)
        {
            uint sequence = NextSequence();
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(8), sequence);
            var items = new List<T>();
            bool interrupted = false;
            lock (_channel.Lock)
            {
                _channel.ThrowIfDisposed(this);
                if (_channel.Send(copy, out int errno) < 0)
                {
                    throw NetlinkException.FromErrno(errno, "sendto(NETLINK_NETFILTER dump)");
                }

                bool done = false;
                while (!done)
                {
                    foreach (NetlinkMessage message in new NetlinkMessageReader(ReceiveDatagram(dontWait: false)))
                    {
                        if (message.Sequence != sequence || !_channel.IsOurs(message))
                        {
                            continue;
                        }

                        if ((message.Flags & NetlinkFlags.DumpInterrupted) != 0)
                        {
                            interrupted = true;
                        }

                        if (message.IsError || message.IsDone)
                        {
                            int code = message.Payload.Length >= 4 ? -message.GetErrorCode() : 0;
                            if (code != 0)
                            {
                                throw Failure(what, code, RequestTypeOf(request), message.GetErrorMessage());
                            }

                            done = true;
                            break;
                        }

                        if (message.Type == type)
                        {
                            items.Add(parse(message));
                        }
                    }
                }
            }

            if (!interrupted)
            {
                return items;
            }

            if (attempt == DumpAttempts)
            {
                throw Failure(what, LibC.EINTR, RequestTypeOf(request), null, $"the ruleset kept changing during {DumpAttempts} dumps");
            }
        }
    }

    // kernelMessage is the kernel's extended-ACK text (kept in KernelMessage); detail is ours, for the message only.
    internal static NetlinkException Failure(string what, int errno, ushort requestType, string? kernelMessage, string? detail = null)
    {
        string? extra = string.IsNullOrEmpty(kernelMessage) ? detail : kernelMessage;
        return new($"{what}: {Errno.Describe(errno)}{(string.IsNullOrEmpty(extra) ? "" : ": " + extra)}", errno, requestType, kernelMessage);
    }

    // The nlmsg_type of a request this socket wrote (host byte order, after the 4-byte length).
    private static ushort RequestTypeOf(ReadOnlySpan<byte> request) => MemoryMarshal.Read<ushort>(request[4..]);

    // One datagram; with dontWait, empty when none is queued.
    private ReadOnlySpan<byte> ReceiveDatagram(bool dontWait)
    {
        if (_channel.TryReceive(dontWait, out ReadOnlySpan<byte> datagram, out int errno))
        {
            return datagram;
        }

        if (dontWait && errno == LibC.EAGAIN)
        {
            return default;
        }

        throw NetlinkException.FromErrno(errno, errno == LibC.EAGAIN ? $"recv (no answer from nf_tables within {RtnlSocket.ReceiveTimeout.TotalSeconds:0} s)" : "recv(NETLINK_NETFILTER)");
    }
}
