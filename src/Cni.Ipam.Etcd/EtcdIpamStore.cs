using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Cni.Ipam.Etcd.Transport;
using Cni.Spec;

namespace Cni.Ipam.Etcd;

/// <summary>
/// A lease store on etcd's v3 API, shared by every node of a cluster: one network's address space with no
/// double grant and no leak, whichever node allocates.
/// </summary>
/// <remarks>
/// <para>Key layout under <c>&lt;prefix&gt;/&lt;network&gt;/</c> (<see cref="KeyPrefix"/>):</para>
/// <list type="bullet">
/// <item><c>ips/&lt;address&gt;</c>: one key per reserved address, holding the lease record
/// <c>{"containerId":"…","ifName":"…","node":"…","rangeSet":N}</c>.</item>
/// <item><c>owners/&lt;containerId&gt;/&lt;ifName&gt;/&lt;rangeSet&gt;</c>: the owner index, holding
/// <c>&lt;address&gt; &lt;node&gt;</c>; it makes release and lookup by owner one range read of the owner's keys
/// instead of a scan, and allows one lease per (container ID, interface, range set).</item>
/// <item><c>nodes/&lt;node&gt;/&lt;containerId&gt;/&lt;ifName&gt;/&lt;rangeSet&gt;</c>: the node index, holding the
/// address; garbage collection on a node reads only its own (<see cref="GetLeases"/>).</item>
/// <item><c>last_reserved_ip/&lt;rangeSet&gt;</c>: where round-robin resumes in the range set.</item>
/// </list>
/// <para>A reservation is one transaction: the address key and the owner key are created only if neither exists
/// (compare <c>create_revision == 0</c>), with the node key and the hint, so there is never a read-then-write. A
/// release deletes the address, owner and node keys in one transaction, only if they are still at the revision
/// that wrote them together. After a release only the hints remain.</para>
/// <para><see cref="Lock"/> takes no lock: every method is atomic by itself in etcd, and the one sequence the
/// allocator runs under the lock (look up the owner, read the hint, try addresses) stays correct without it,
/// because a reservation that lost a race fails its transaction and the allocator tries the next address. A
/// distributed lock would add round trips to every ADD and leave a dead node's lock to expire.</para>
/// <para>Failures: no answer from a quorum within <see cref="EtcdStoreOptions.Timeout"/> raises
/// <see cref="CniErrorCode.TryAgainLater"/> (11), having written nothing; a missing or unusable certificate,
/// key or CA file, or a server certificate the CA did not sign, raises <see cref="CniErrorCode.InvalidNetworkConfig"/>
/// naming the file. A reservation sent without an answer by its deadline (the leader killed with it outstanding)
/// is not reported as failed while it may still be applied: it is sent again, for at most one more
/// <see cref="EtcdStoreOptions.Timeout"/>, until a member answers; the transaction is idempotent and the answer
/// settles it (an address key already holding this very lease counts as reserved). So a reservation that fails
/// with <see cref="CniErrorCode.TryAgainLater"/> has written nothing, except when no member answered that extra
/// time either, as the error then says (a leader that lost its quorum with the reservation in its log may apply
/// it when the quorum returns: the runtime's DEL after a failed ADD releases it). An ADD without a quorum fails at
/// its first read, before any write, within the timeout.</para>
/// <para><see cref="GetLeases"/> returns only this node's leases, so that garbage collection on one node
/// (<see cref="HostLocalIpam.CollectGarbage"/>) never frees another node's; <see cref="GetAllLeases"/> returns
/// every node's.</para>
/// </remarks>
public sealed class EtcdIpamStore : IIpamStore
{
    private const string RangePath = "/v3/kv/range";
    private const string TxnPath = "/v3/kv/txn";
    private const int ReleaseAttempts = 5;

    private readonly EtcdClient _client;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the store of one network. No connection is made until the first operation.</summary>
    /// <param name="options">Where etcd is and how to reach it.</param>
    /// <param name="networkName">The network name (the configuration's <c>name</c>).</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/>: no endpoint, an endpoint that is not an absolute
    /// <c>http</c>/<c>https</c> URL, <c>https</c> without a CA file, a certificate without its key (or the
    /// reverse), a file that does not exist, a timeout that is not positive, an invalid network or node name.
    /// </exception>
    public EtcdIpamStore(EtcdStoreOptions options, string networkName)
        : this(options, networkName, null)
    {
    }

    internal EtcdIpamStore(EtcdStoreOptions options, string networkName, IEtcdTransport? transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigRules.ValidateName(networkName);
        NetworkName = networkName;
        NodeName = string.IsNullOrEmpty(options.NodeName) ? Environment.MachineName : options.NodeName;
        if (NodeName.Length == 0 || NodeName.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/') || NodeName.Length > 253)
        {
            throw Config($"invalid etcd node name \"{NodeName}\": it must be 1 to 253 characters without white space, control characters or '/'");
        }

        string prefix = (options.Prefix ?? EtcdStoreOptions.DefaultPrefix).TrimEnd('/');
        KeyPrefix = prefix + "/" + networkName + "/";
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw Config($"invalid etcd timeout {options.Timeout}: it must be positive");
        }

        _timeout = options.Timeout;
        _client = new EtcdClient(transport ?? CreateTransport(options));
    }

    /// <summary>The network name.</summary>
    public string NetworkName { get; }

    /// <summary>The name this node records in its leases.</summary>
    public string NodeName { get; }

    /// <summary>The prefix of every key of this network, <c>&lt;prefix&gt;/&lt;network&gt;/</c>.</summary>
    public string KeyPrefix { get; }

    private string IpsPrefix => KeyPrefix + "ips/";

    private string OwnersPrefix => KeyPrefix + "owners/";

    private string HintsPrefix => KeyPrefix + "last_reserved_ip/";

    private string NodesPrefix => KeyPrefix + "nodes/";

    /// <summary>No lock is needed: see the remarks of <see cref="EtcdIpamStore"/>.</summary>
    /// <returns>A scope that does nothing.</returns>
    public IDisposable Lock() => NoLock.Instance;

    /// <inheritdoc/>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.Internal"/> when the owner already holds an address in this range set;
    /// <see cref="CniErrorCode.InvalidEnvironmentVariables"/> for a legacy owner (this store records an interface
    /// name with every lease); <see cref="CniErrorCode.TryAgainLater"/> without an answer from a quorum.
    /// </exception>
    public bool TryReserve(IPAddress address, LeaseOwner owner, int rangeSetIndex)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(rangeSetIndex);
        ValidateOwner(owner);
        address = Canonical(address);
        string text = address.ToString();
        string ipKey = IpsPrefix + text;
        string ownerKey = OwnerKey(owner.ContainerId, owner.IfName!, rangeSetIndex);
        var record = new LeaseRecord(owner.ContainerId, owner.IfName!, NodeName, rangeSetIndex);
        byte[] request = EtcdJson.Txn(
            [new(ipKey, CompareTarget.Create, 0), new(ownerKey, CompareTarget.Create, 0)],
            [
                EtcdOp.Put(ipKey, record.ToJson()),
                EtcdOp.Put(ownerKey, OwnerValue(text, NodeName)),
                EtcdOp.Put(NodeKey(NodeName, owner.ContainerId, owner.IfName!, rangeSetIndex), text),
                EtcdOp.Put(HintsPrefix + rangeSetIndex.ToString(CultureInfo.InvariantCulture), text),
            ],
            [EtcdOp.Get(ipKey), EtcdOp.Get(ownerKey)]);
        bool ambiguous = false;
        EtcdResult result;
        try
        {
            result = _client.CallTracked(TxnPath, request, Deadline.After(_timeout), ref ambiguous);
        }
        catch (CniException e) when (e.Code == CniErrorCode.TryAgainLater && ambiguous)
        {
            result = ResolveReservation(request, text, owner, e);
        }

        if (result.Succeeded)
        {
            return true;
        }

        EtcdKeyValue? ipNow = result.Responses.ElementAtOrDefault(0)?.Kvs.FirstOrDefault();
        EtcdKeyValue? ownerNow = result.Responses.ElementAtOrDefault(1)?.Kvs.FirstOrDefault();
        bool ours = ipNow is not null && LeaseRecord.TryParse(ipNow.Value) == record;
        if (ours && ambiguous && ownerNow is not null && ownerNow.ModRevision == ipNow!.ModRevision)
        {
            return true; // An earlier attempt of this very call went through; its answer was lost.
        }

        if (ownerNow is not null)
        {
            throw new CniException(CniErrorCode.Internal, $"{AddressPart(ownerNow.ValueText)} has been allocated to {owner.ContainerId}, duplicate allocation is not allowed");
        }

        return false;
    }

    /// <inheritdoc/>
    public IPAddress? GetLastReserved(int rangeSetIndex)
    {
        EtcdResult result = Range(HintsPrefix + rangeSetIndex.ToString(CultureInfo.InvariantCulture), prefix: false, Deadline.After(_timeout));
        return result.Kvs.FirstOrDefault() is { } kv && IPAddress.TryParse(kv.ValueText, out IPAddress? address) ? Canonical(address) : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> FindByOwner(string containerId, string ifName)
    {
        ValidateOwner(new LeaseOwner(containerId, ifName));
        return [.. ReadOwnerIndex(containerId, ifName, Deadline.After(_timeout)).Select(e => new Lease(e.Address, new LeaseOwner(containerId, ifName)))];
    }

    /// <inheritdoc/>
    public bool Release(IPAddress address, LeaseOwner owner)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (owner.IsLegacy)
        {
            return false; // Never recorded by this store.
        }

        return ReleaseOne(Canonical(address), owner, Deadline.After(_timeout));
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> ReleaseByOwner(string containerId, string ifName)
    {
        var owner = new LeaseOwner(containerId, ifName);
        ValidateOwner(owner);
        Deadline deadline = Deadline.After(_timeout);
        List<OwnerEntry> unanswered = [];
        for (int attempt = 0; attempt < ReleaseAttempts; attempt++)
        {
            List<OwnerEntry> entries = ReadOwnerIndex(containerId, ifName, deadline);

            // Entries an unanswered delete covered that are gone now: that delete went through.
            List<Lease> gone = [.. unanswered.Where(u => !entries.Any(e => e.Key == u.Key)).Select(u => new Lease(u.Address, owner))];
            if (entries.Count == 0)
            {
                return gone;
            }

            // The address key and the owner key were written by one transaction, so both carry its revision:
            // delete both only if they still do.
            List<EtcdCompare> compares = [];
            List<EtcdOp> deletes = [];
            foreach (OwnerEntry e in entries)
            {
                string ipKey = IpsPrefix + e.Address;
                compares.Add(new(e.Key, CompareTarget.Mod, e.Revision));
                compares.Add(new(ipKey, CompareTarget.Mod, e.Revision));
                deletes.Add(EtcdOp.Delete(ipKey));
                deletes.Add(EtcdOp.Delete(e.Key));
                if (e.Node is not null)
                {
                    deletes.Add(EtcdOp.Delete(NodeKey(e.Node, containerId, ifName, e.RangeSet)));
                }
            }

            EtcdResult result = _client.Call(TxnPath, EtcdJson.Txn(compares, deletes, []), deadline, out bool ambiguous);
            if (result.Succeeded)
            {
                return [.. gone, .. entries.Select(e => new Lease(e.Address, owner))];
            }

            if (ambiguous)
            {
                unanswered = entries;
                continue; // Perhaps applied: the next read of the index tells.
            }

            // Something changed in between, or an index entry is stale: release one by one.
            List<Lease> released = gone;
            foreach (OwnerEntry e in entries)
            {
                if (ReleaseOne(e.Address, owner, deadline))
                {
                    released.Add(new Lease(e.Address, owner));
                }
                else
                {
                    DeleteIfUnchanged(e.Key, e.Revision, deadline);
                }
            }

            return released;
        }

        throw _client.Unavailable(deadline, "the owner's leases kept changing during release");
    }

    /// <summary>
    /// The leases this node (<see cref="NodeName"/>) made, for garbage collection on this node: one range read of
    /// this node's index (<c>nodes/&lt;node&gt;/</c>), whose size grows with this node's leases only, never with
    /// other nodes'.
    /// </summary>
    /// <returns>The leases, in key order.</returns>
    public IReadOnlyList<Lease> GetLeases()
    {
        string prefix = NodesPrefix + NodeName + "/";
        EtcdResult result = Range(prefix, prefix: true, Deadline.After(_timeout));
        List<Lease> leases = new(result.Kvs.Count);
        foreach (EtcdKeyValue kv in result.Kvs)
        {
            string[] parts = kv.KeyText[prefix.Length..].Split('/');
            if (parts.Length == 3 && parts[0].Length != 0 && parts[1].Length != 0 &&
                int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _) &&
                IPAddress.TryParse(kv.ValueText, out IPAddress? address))
            {
                leases.Add(new Lease(Canonical(address), new LeaseOwner(parts[0], parts[1])));
            }
        }

        return leases;
    }

    /// <summary>
    /// How many addresses are reserved, of every node and range set: one count-only range read, which etcd answers
    /// from its index without sending a key, so its cost does not grow with the leases. STATUS uses it as an upper
    /// bound of the addresses used in each range set.
    /// </summary>
    /// <returns>The number of address keys.</returns>
    /// <exception cref="CniException"><see cref="CniErrorCode.TryAgainLater"/> without an answer from a quorum.</exception>
    public long CountReserved() =>
        _client.Call(RangePath, EtcdJson.Range(IpsPrefix, prefix: true, countOnly: true), Deadline.After(_timeout), out _).Count;

    /// <summary>Every node's leases with the node and range set that made them.</summary>
    /// <returns>The leases, in key order; records this store cannot read are left out.</returns>
    public IReadOnlyList<EtcdLease> GetAllLeases()
    {
        EtcdResult result = Range(IpsPrefix, prefix: true, Deadline.After(_timeout));
        List<EtcdLease> leases = new(result.Kvs.Count);
        foreach (EtcdKeyValue kv in result.Kvs)
        {
            if (AddressOf(kv.KeyText) is { } address && LeaseRecord.TryParse(kv.Value) is { } record)
            {
                leases.Add(new EtcdLease(address, new LeaseOwner(record.ContainerId, record.IfName), record.Node, record.RangeSet));
            }
        }

        return leases;
    }

    /// <summary>Every reserved address, of every node.</summary>
    /// <returns>The addresses.</returns>
    public IReadOnlyCollection<IPAddress> GetReservedAddresses()
    {
        EtcdResult result = Range(IpsPrefix, prefix: true, Deadline.After(_timeout), keysOnly: true);
        List<IPAddress> addresses = new(result.Kvs.Count);
        foreach (EtcdKeyValue kv in result.Kvs)
        {
            if (AddressOf(kv.KeyText) is { } address)
            {
                addresses.Add(address);
            }
        }

        return addresses;
    }

    /// <summary>Checks that a quorum answers a read now.</summary>
    /// <exception cref="CniException"><see cref="CniErrorCode.PluginNotAvailable"/> naming the endpoints and the reason.</exception>
    public void CheckUsable()
    {
        try
        {
            Range(HintsPrefix, prefix: true, Deadline.After(_timeout), keysOnly: true, limit: 1);
        }
        catch (CniException e) when (e.Code is CniErrorCode.TryAgainLater or CniErrorCode.IOFailure)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, e.Message, e.Details, e);
        }
    }

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _client.Dispose();

    private static IEtcdTransport CreateTransport(EtcdStoreOptions options)
    {
        if (options.Endpoints.Count == 0)
        {
            throw Config("no etcd endpoint: give at least one client URL, such as http://127.0.0.1:2379");
        }

        bool secure = false;
        foreach (Uri? url in options.Endpoints)
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0 ||
                (url.AbsolutePath != "/" && url.AbsolutePath.Length != 0) || url.Query.Length != 0 || url.UserInfo.Length != 0)
            {
                throw Config($"invalid etcd endpoint \"{url}\": it must be http://host:port or https://host:port");
            }

            secure |= url.Scheme == Uri.UriSchemeHttps;
        }

        if ((options.CertFile is null) != (options.KeyFile is null))
        {
            throw Config(options.CertFile is null
                ? $"the etcd client key {options.KeyFile} is configured without its certificate"
                : $"the etcd client certificate {options.CertFile} is configured without its key");
        }

        foreach (string? file in (string?[])[options.CaFile, options.CertFile, options.KeyFile])
        {
            if (file is not null && !File.Exists(file))
            {
                throw Config($"the etcd TLS file {file} does not exist");
            }
        }

        if (secure && options.CaFile is null)
        {
            throw Config("https etcd endpoints need a CA file: this store trusts only the configured CA, never the system's");
        }

        HttpEtcdTransport.TlsSettings? tls = secure ? new(options.CaFile!, options.CertFile, options.KeyFile) : null;
        return new HttpEtcdTransport([.. options.Endpoints], tls);
    }

    /// <summary>
    /// A reservation was sent and its answer never came (the member died, or answered that the request timed out)
    /// before the deadline: it may be in the new leader's log and be applied after we report failure. So before
    /// reporting failure, the same transaction is sent again, for at most one more <see cref="EtcdStoreOptions.Timeout"/>,
    /// until a member answers it. Its compares make it idempotent: the answer says whether this reservation holds
    /// (the first attempt was applied, or this one was) or the address is taken; and since the member that answers
    /// is a leader that has committed an entry of its own term, the lost attempt can no longer be applied later.
    /// Only when no member answers in that time either does the failure stay ambiguous, and says so.
    /// </summary>
    private EtcdResult ResolveReservation(byte[] request, string address, LeaseOwner owner, CniException timedOut)
    {
        bool ambiguous = true;
        try
        {
            return _client.CallTracked(TxnPath, request, Deadline.After(_timeout), ref ambiguous);
        }
        catch (CniException e) when (e.Code == CniErrorCode.TryAgainLater)
        {
            throw new CniException(
                CniErrorCode.TryAgainLater,
                $"{timedOut.Message}; the reservation of {address} for {owner.ContainerId}/{owner.IfName} was sent but etcd did not confirm or refuse it " +
                $"within another {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s: if a quorum applies it later, the DEL that follows a failed ADD releases it",
                null,
                e);
        }
    }

    private bool ReleaseOne(IPAddress address, LeaseOwner owner, Deadline deadline)
    {
        string ipKey = IpsPrefix + address;
        for (int attempt = 0; attempt < ReleaseAttempts; attempt++)
        {
            EtcdKeyValue? kv = Range(ipKey, prefix: false, deadline).Kvs.FirstOrDefault();
            if (kv is null || LeaseRecord.TryParse(kv.Value) is not { } record ||
                !string.Equals(record.ContainerId, owner.ContainerId, StringComparison.Ordinal) || !string.Equals(record.IfName, owner.IfName, StringComparison.Ordinal))
            {
                return false;
            }

            string ownerKey = OwnerKey(record.ContainerId, record.IfName, record.RangeSet);
            string nodeKey = NodeKey(record.Node, record.ContainerId, record.IfName, record.RangeSet);
            byte[] request = EtcdJson.Txn([new(ipKey, CompareTarget.Mod, kv.ModRevision)], [EtcdOp.Delete(ipKey), EtcdOp.Delete(ownerKey), EtcdOp.Delete(nodeKey)], []);
            EtcdResult result = _client.Call(TxnPath, request, deadline, out bool ambiguous);
            if (result.Succeeded)
            {
                return true;
            }

            if (ambiguous && Range(ipKey, prefix: false, deadline).Kvs.Count == 0)
            {
                return true; // Our delete went through; its answer was lost.
            }
        }

        return false;
    }

    private void DeleteIfUnchanged(string key, long revision, Deadline deadline) =>
        _client.Call(TxnPath, EtcdJson.Txn([new(key, CompareTarget.Mod, revision)], [EtcdOp.Delete(key)], []), deadline, out _);

    private List<OwnerEntry> ReadOwnerIndex(string containerId, string ifName, Deadline deadline)
    {
        string prefix = OwnerKey(containerId, ifName, null);
        List<OwnerEntry> entries = [];
        foreach (EtcdKeyValue kv in Range(prefix, prefix: true, deadline).Kvs)
        {
            string key = kv.KeyText;
            string value = kv.ValueText;
            int space = value.IndexOf(' ', StringComparison.Ordinal);
            string? node = space < 0 ? null : value[(space + 1)..];
            if (int.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int rangeSet) &&
                IPAddress.TryParse(space < 0 ? value : value[..space], out IPAddress? address))
            {
                entries.Add(new OwnerEntry(key, Canonical(address), kv.ModRevision, rangeSet, node is { Length: > 0 } ? node : null));
            }
        }

        return entries;
    }

    private EtcdResult Range(string key, bool prefix, Deadline deadline, bool keysOnly = false, long limit = 0) =>
        _client.Call(RangePath, EtcdJson.Range(key, prefix, keysOnly, limit), deadline, out _);

    /// <summary>The value of an owner key: the address, a space, the node that reserved it (node names hold no white space).</summary>
    private static string OwnerValue(string address, string node) => address + " " + node;

    private static string AddressPart(string ownerValue) => ownerValue.IndexOf(' ', StringComparison.Ordinal) is int i and >= 0 ? ownerValue[..i] : ownerValue;

    private string NodeKey(string node, string containerId, string ifName, int rangeSet) =>
        $"{NodesPrefix}{node}/{containerId}/{ifName}/{rangeSet.ToString(CultureInfo.InvariantCulture)}";

    private string OwnerKey(string containerId, string ifName, int? rangeSet) =>
        $"{OwnersPrefix}{containerId}/{ifName}/{(rangeSet is int i ? i.ToString(CultureInfo.InvariantCulture) : "")}";

    private IPAddress? AddressOf(string key) =>
        key.StartsWith(IpsPrefix, StringComparison.Ordinal) && IPAddress.TryParse(key.AsSpan(IpsPrefix.Length), out IPAddress? a) ? Canonical(a) : null;

    private static void ValidateOwner(LeaseOwner owner)
    {
        ConfigRules.ValidateContainerId(owner.ContainerId);
        if (owner.IfName is null)
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, $"the etcd store records an interface name with every lease: none given for container {owner.ContainerId}");
        }

        ConfigRules.ValidateInterfaceName(owner.IfName);
    }

    /// <summary>IPv4-mapped IPv6 as IPv4, IPv6 without scope: one text, hence one key, per address.</summary>
    private static IPAddress Canonical(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    private static CniException Config(string message) => new(CniErrorCode.InvalidNetworkConfig, message);

    private readonly record struct OwnerEntry(string Key, IPAddress Address, long Revision, int RangeSet, string? Node);

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>The value of an address key: who holds it, which node made it, in which range set.</summary>
internal sealed record LeaseRecord(string ContainerId, string IfName, string Node, int RangeSet)
{
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("containerId", ContainerId);
            w.WriteString("ifName", IfName);
            w.WriteString("node", Node);
            w.WriteNumber("rangeSet", RangeSet);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a record; <see langword="null"/> for anything else (a foreign or damaged value).</summary>
    public static LeaseRecord? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var r = new Utf8JsonReader(json);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? id = null, ifName = null, node = null;
            int rangeSet = -1;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                string name = r.GetString()!;
                r.Read();
                switch (name)
                {
                    case "containerId" when r.TokenType == JsonTokenType.String:
                        id = r.GetString();
                        break;
                    case "ifName" when r.TokenType == JsonTokenType.String:
                        ifName = r.GetString();
                        break;
                    case "node" when r.TokenType == JsonTokenType.String:
                        node = r.GetString();
                        break;
                    case "rangeSet" when r.TokenType == JsonTokenType.Number:
                        rangeSet = r.GetInt32();
                        break;
                    default:
                        r.Skip();
                        break;
                }
            }

            return id is { Length: > 0 } && ifName is { Length: > 0 } && node is not null && rangeSet >= 0 ? new LeaseRecord(id, ifName, node, rangeSet) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
