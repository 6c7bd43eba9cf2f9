using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Cni.Netlink.Protocol;

namespace Cni.Netlink.Nftables;

/// <summary>
/// Operations on tables, chains and rules collected into one nf_tables batch and applied by <see cref="Commit"/>
/// all together or not at all.
/// </summary>
/// <remarks>
/// <para>
/// The requests are written as nft writes them (see <see cref="NftExpressionWriter"/>), each with
/// <c>NLM_F_ACK</c> added so that the kernel answers every one: <see cref="Commit"/> reads all the answers
/// (none stays queued on the socket) and, when the kernel refuses the batch, throws a
/// <see cref="NetlinkException"/> naming the first operation that failed, for example
/// <c>NEWRULE in inet cni_plugins_masquerade postrouting (operation 4 of 6): Invalid argument (EINVAL 22): ...</c>.
/// Then nothing of the batch was applied.
/// </para>
/// <para>
/// "Add" follows <c>nft add</c>: adding a table or chain that exists succeeds (and a table's comment is
/// left as it was), adding a rule appends it. Names and comments are checked when added: comments have at
/// most 128 bytes (libnftnl's limit). A transaction is committed once; dispose it to return its buffer.
/// </para>
/// <para>
/// The batch is one datagram and must fit the socket's send buffer (<c>net.core.wmem_default</c>, about
/// 200 KiB: some thousand rules); a bigger one fails with <c>EMSGSIZE</c> before the kernel sees it.
/// </para>
/// </remarks>
public sealed class NftTransaction : IDisposable
{
    private const int BatchHeaderSize = 20;

    private readonly NftablesSocket _socket;
    private byte[] _buffer;
    private int _length;
    private readonly List<Operation> _operations = [];
    private bool _committed;

    internal NftTransaction(NftablesSocket socket)
    {
        _socket = socket;
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
        _length = BatchHeaderSize; // BATCH_BEGIN is written at commit, when the sequence numbers are known.
    }

    /// <summary>How many operations were added.</summary>
    public int Count => _operations.Count;

    /// <summary>The batch as it would be sent now (BEGIN, the operations, END) with sequence numbers from 0, for tests and logs.</summary>
    /// <returns>A copy of the batch.</returns>
    public byte[] ToBatchBytes()
    {
        ThrowIfDone();
        Seal(0);
        byte[] copy = _buffer.AsSpan(0, _length + BatchHeaderSize).ToArray();
        return copy;
    }

    /// <summary>Adds a table (nothing happens to an existing one).</summary>
    /// <param name="family">The family.</param>
    /// <param name="name">The table name.</param>
    /// <param name="comment">The comment, at most 128 bytes; null for none.</param>
    /// <remarks>Equivalent to: <c>nft add table family name { comment "..." ; }</c>.</remarks>
    public void AddTable(NftFamily family, string name, string? comment = null)
    {
        ValidateName(name, nameof(name));
        NftWire.ValidateComment(comment, nameof(comment));
        var writer = Reserve(MaxEncodedName(name) + MaxEncodedComment(comment));
        NftEncoder.Table(ref writer, NftMessageType.NewTable, NftEncoder.Request, 0, family, name, comment);
        Added(ref writer, new Operation(NftMessageType.NewTable, family, name, null, null));
    }

    /// <summary>Deletes a table and everything in it; fails (ENOENT) when it does not exist.</summary>
    /// <param name="family">The family.</param>
    /// <param name="name">The table name.</param>
    /// <remarks>Equivalent to: <c>nft delete table family name</c>.</remarks>
    public void DeleteTable(NftFamily family, string name) => TableOperation(NftMessageType.DelTable, family, name);

    /// <summary>Deletes a table and everything in it if it exists (kernel 6.3+).</summary>
    /// <param name="family">The family.</param>
    /// <param name="name">The table name.</param>
    /// <remarks>Equivalent to: <c>nft destroy table family name</c>.</remarks>
    public void DestroyTable(NftFamily family, string name) => TableOperation(NftMessageType.DestroyTable, family, name);

    /// <summary>Adds a regular chain (nothing happens to an existing one).</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="name">The chain name.</param>
    /// <param name="comment">The comment, at most 128 bytes (kernel 5.10+); null for none.</param>
    /// <remarks>Equivalent to: <c>nft add chain family table name { comment "..." ; }</c>.</remarks>
    public void AddChain(NftFamily family, string table, string name, string? comment = null) => ChainOperation(NftMessageType.NewChain, family, table, name, null, comment);

    /// <summary>Adds a base chain, attached to a hook (nothing happens to an existing one with the same hook).</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="name">The chain name.</param>
    /// <param name="baseChain">Its type, hook, priority and policy.</param>
    /// <param name="comment">The comment; null for none.</param>
    /// <remarks>Equivalent to: <c>nft add chain family table name { type T hook H priority P ; [policy accept ;] }</c>.</remarks>
    public void AddBaseChain(NftFamily family, string table, string name, NftBaseChain baseChain, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseChain.Type, nameof(baseChain));
        ChainOperation(NftMessageType.NewChain, family, table, name, baseChain, comment);
    }

    /// <summary>Deletes a chain; it must exist (ENOENT) and no rule may jump to it (EBUSY). Its own rules go with it.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="name">The chain name.</param>
    /// <remarks>Equivalent to: <c>nft delete chain family table name</c>. Flush it first in the same transaction to drop its rules.</remarks>
    public void DeleteChain(NftFamily family, string table, string name) => ChainOperation(NftMessageType.DelChain, family, table, name, null, null);

    /// <summary>Deletes a chain if it exists (kernel 6.3+).</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="name">The chain name.</param>
    /// <remarks>Equivalent to: <c>nft destroy chain family table name</c>.</remarks>
    public void DestroyChain(NftFamily family, string table, string name) => ChainOperation(NftMessageType.DestroyChain, family, table, name, null, null);

    /// <summary>Appends a rule to a chain.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="expressions">The rule's expressions, from <see cref="NftExpressionWriter.WrittenSpan"/>.</param>
    /// <param name="comment">The comment, at most 128 bytes; null for none.</param>
    /// <remarks>Equivalent to: <c>nft add rule family table chain ... comment "..."</c>.</remarks>
    public void AddRule(NftFamily family, string table, string chain, ReadOnlySpan<byte> expressions, string? comment = null)
    {
        ValidateName(table, nameof(table));
        ValidateName(chain, nameof(chain));
        NftWire.ValidateComment(comment, nameof(comment));
        var writer = Reserve(MaxEncodedName(table) + MaxEncodedName(chain) + MaxEncodedComment(comment) + expressions.Length);
        NftEncoder.Rule(ref writer, NftEncoder.NewRule, 0, family, table, chain, expressions, comment);
        Added(ref writer, new Operation(NftMessageType.NewRule, family, table, chain, null));
    }

    /// <summary>Deletes a rule by handle; fails (ENOENT) when there is none.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="handle">The rule's handle (<see cref="NftRule.Handle"/>).</param>
    /// <remarks>Equivalent to: <c>nft delete rule family table chain handle N</c>.</remarks>
    public void DeleteRule(NftFamily family, string table, string chain, ulong handle) => RuleDeletion(NftMessageType.DelRule, family, table, chain, handle);

    /// <summary>Deletes a rule by handle if it exists (kernel 6.3+).</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="handle">The rule's handle.</param>
    /// <remarks>Equivalent to: <c>nft destroy rule family table chain handle N</c>.</remarks>
    public void DestroyRule(NftFamily family, string table, string chain, ulong handle) => RuleDeletion(NftMessageType.DestroyRule, family, table, chain, handle);

    /// <summary>Deletes every rule of a chain (DELRULE with only the table and chain); the chain must exist.</summary>
    /// <param name="family">The family.</param>
    /// <param name="table">The table.</param>
    /// <param name="chain">The chain.</param>
    /// <remarks>Equivalent to: <c>nft flush chain family table chain</c>.</remarks>
    public void FlushChain(NftFamily family, string table, string chain) => RuleDeletion(NftMessageType.DelRule, family, table, chain, null);

    /// <summary>
    /// Sends the batch and waits for the kernel's answer to every operation. An empty transaction sends nothing.
    /// </summary>
    /// <exception cref="NetlinkException">
    /// The kernel refused the batch; nothing of it was applied. The message names the first failing operation
    /// and carries the kernel's extended-ACK text; <see cref="NetlinkException.ErrorCode"/> is its errno.
    /// </exception>
    /// <exception cref="InvalidOperationException">The transaction was already committed.</exception>
    public void Commit()
    {
        ThrowIfDone();
        _committed = true;
        int count = _operations.Count;
        if (count == 0)
        {
            return;
        }

        uint begin = _socket.ReserveSequences(count + 2);
        Seal(begin);
        int[] errors = new int[count];
        string?[] messages = new string?[count];
        int batchError = _socket.SendBatch(_buffer.AsSpan(0, _length + BatchHeaderSize), begin, errors, messages, out string? batchMessage);
        if (batchError != 0)
        {
            throw NftablesSocket.Failure($"the nf_tables batch of {count} operation{(count == 1 ? "" : "s")} (first {Describe(0)})", batchError, (ushort)NfnetlinkMessageType.BatchBegin, batchMessage);
        }

        int failed = Array.FindIndex(errors, e => e != 0);
        if (failed >= 0)
        {
            int others = errors.Count(e => e != 0) - 1;
            string more = others > 0 ? $"; {others} later operation{(others == 1 ? "" : "s")} failed too" : "";
            throw NftablesSocket.Failure($"{Describe(failed)} (operation {failed + 1} of {count}{more})", errors[failed], NftMessageTypes.ToNetlinkType(_operations[failed].Type), messages[failed]);
        }
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _committed = true;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static int MaxEncodedName(string name) => Encoding.UTF8.GetMaxByteCount(name.Length) + 8;

    internal static string FamilyName(NftFamily family) => family switch
    {
        NftFamily.Inet => "inet",
        NftFamily.IPv4 => "ip",
        NftFamily.IPv6 => "ip6",
        NftFamily.Bridge => "bridge",
        NftFamily.Netdev => "netdev",
        NftFamily.Arp => "arp",
        _ => "family " + ((byte)family).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int MaxEncodedComment(string? comment) => comment is null ? 0 : NftWire.CommentMaxLength + 8;

    private static void ValidateName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameterName);
        if (name.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(name) > 255)
        {
            throw new ArgumentException($"An nftables name has 1 to 255 bytes and no NUL: '{name}'.", parameterName);
        }
    }

    private void TableOperation(NftMessageType type, NftFamily family, string name)
    {
        ValidateName(name, nameof(name));
        var writer = Reserve(MaxEncodedName(name));
        NftEncoder.Table(ref writer, type, NftEncoder.Request, 0, family, name, null);
        Added(ref writer, new Operation(type, family, name, null, null));
    }

    private void ChainOperation(NftMessageType type, NftFamily family, string table, string name, NftBaseChain? baseChain, string? comment)
    {
        ValidateName(table, nameof(table));
        ValidateName(name, nameof(name));
        NftWire.ValidateComment(comment, nameof(comment));
        int extra = baseChain is { } b ? MaxEncodedName(b.Type) + 40 : 0;
        var writer = Reserve(MaxEncodedName(table) + MaxEncodedName(name) + MaxEncodedComment(comment) + extra);
        NetlinkFlags flags = type == NftMessageType.NewChain ? NftEncoder.NewChain : NftEncoder.Request;
        NftEncoder.Chain(ref writer, type, flags, 0, family, table, name, baseChain, comment);
        Added(ref writer, new Operation(type, family, table, name, null));
    }

    private void RuleDeletion(NftMessageType type, NftFamily family, string table, string chain, ulong? handle)
    {
        ValidateName(table, nameof(table));
        ValidateName(chain, nameof(chain));
        var writer = Reserve(MaxEncodedName(table) + MaxEncodedName(chain) + 12);
        NftEncoder.DeleteRule(ref writer, type, NftEncoder.Request, 0, family, table, chain, handle);
        Added(ref writer, new Operation(type, family, table, chain, handle));
    }

    // Room for one message of the given variable size (plus headers) at the end of the batch, END included.
    private NetlinkWriter Reserve(int variable)
    {
        ThrowIfDone();
        int needed = _length + 64 + variable + (2 * BatchHeaderSize);
        if (needed > _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return new NetlinkWriter(_buffer.AsSpan(_length, _buffer.Length - _length - BatchHeaderSize));
    }

    private void Added(ref NetlinkWriter writer, Operation operation)
    {
        _operations.Add(operation with { Offset = _length });
        _length += writer.Length;
    }

    // Writes BEGIN and END and numbers the messages begin, begin + 1, ... (END is not counted in _length).
    private void Seal(uint begin)
    {
        var head = new NetlinkWriter(_buffer.AsSpan(0, BatchHeaderSize));
        NftEncoder.Batch(ref head, NfnetlinkMessageType.BatchBegin, begin);
        // NLM_F_ACK on the last operation only: its answer, queued after every error, tells that all answers are in.
        for (int i = 0; i < _operations.Count; i++)
        {
            Span<byte> header = _buffer.AsSpan(_operations[i].Offset);
            var flags = (NetlinkFlags)BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            flags = i == _operations.Count - 1 ? flags | NetlinkFlags.Ack : flags & ~NetlinkFlags.Ack;
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)flags);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], begin + 1 + (uint)i);
        }

        var tail = new NetlinkWriter(_buffer.AsSpan(_length, BatchHeaderSize));
        NftEncoder.Batch(ref tail, NfnetlinkMessageType.BatchEnd, begin + 1 + (uint)_operations.Count);
    }

    private string Describe(int index)
    {
        Operation op = _operations[index];
        string type = NftMessageTypes.NameOf(NftMessageTypes.ToNetlinkType(op.Type));
        string family = FamilyName(op.Family);
        return op.Type switch
        {
            NftMessageType.NewTable or NftMessageType.DelTable or NftMessageType.DestroyTable => $"{type} {family} {op.Table}",
            NftMessageType.NewChain or NftMessageType.DelChain or NftMessageType.DestroyChain => $"{type} {family} {op.Table} {op.Name}",
            NftMessageType.DelRule when op.Handle is null => $"{type} (flush) in {family} {op.Table} {op.Name}",
            NftMessageType.DelRule or NftMessageType.DestroyRule => $"{type} handle {op.Handle} in {family} {op.Table} {op.Name}",
            _ => $"{type} in {family} {op.Table} {op.Name}",
        };
    }

    private void ThrowIfDone()
    {
        if (_committed)
        {
            throw new InvalidOperationException("This nftables transaction was already committed or disposed; begin a new one.");
        }
    }

    private readonly record struct Operation(NftMessageType Type, NftFamily Family, string Table, string? Name, ulong? Handle)
    {
        public int Offset { get; init; }
    }
}
