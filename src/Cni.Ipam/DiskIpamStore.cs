using System.Globalization;
using System.IO.Enumeration;
using System.Net;
using System.Text;
using Cni.Spec;
using static Tmds.Linux.LibC;

namespace Cni.Ipam;

/// <summary>
/// The lease store of the reference host-local plugin, file for file, so that a node can switch between the
/// Go binary and ours (in either direction) without losing or duplicating a lease.
/// </summary>
/// <remarks>
/// <para>Layout of <c>&lt;dataDir&gt;/&lt;network name&gt;/</c> (directories 0755, files 0644, <c>lock</c> 0750,
/// all less the umask, as the reference creates them):</para>
/// <list type="bullet">
/// <item><c>&lt;address&gt;</c>: one file per reserved address, named by its text (<c>10.244.1.2</c>,
/// <c>fd00::2</c>), holding <c>&lt;containerID&gt;\r\n&lt;ifname&gt;</c>; files of older plugins holding only
/// the container ID are read too.</item>
/// <item><c>last_reserved_ip.&lt;range set index&gt;</c>: where round-robin resumes.</item>
/// <item><c>lock</c>: locked with <c>flock(2)</c> around every operation, which excludes the Go binary too.</item>
/// </list>
/// <para>Beyond the reference: a reservation is written into a file that has no name yet (<c>O_TMPFILE</c>),
/// flushed (<c>fdatasync</c>), and only then linked into place under its address (failing if the address is
/// taken), so neither a crash nor a power loss ever leaves an empty or partial lease, and a crash before the
/// link leaves nothing at all. Where the file system has no <c>O_TMPFILE</c>, the file is written under a
/// temporary name starting with a dot instead, and leftovers are removed by the next scan. And an owner index,
/// one file <c>.cni-ipam-index</c> inside the network directory (see <see cref="LeaseIndex"/>; removing the
/// directory removes it), makes release and lookup by owner read one file instead of every lease; an ADD
/// appends to it and a DEL flips a byte in it, so an ADD creates one file, the lease, as the reference's does.
/// The index is checked against the directory on every operation and rebuilt by a full scan when it is missing
/// or when anyone else (the Go binary, a person) has changed the directory since. It never holds text the Go
/// binary could take for an owner.</para>
/// <para>Symbolic links inside the network directory are never followed, and the network directory itself must
/// not be one. The constructor touches no file; the directory is created on first use.</para>
/// </remarks>
public sealed class DiskIpamStore : IIpamStore
{
    /// <summary>The reference's default data directory.</summary>
    public const string DefaultDataDirectory = "/var/lib/cni/networks";

    internal const string LockFileName = "lock";
    internal const string LastReservedPrefix = "last_reserved_ip.";
    internal const string TempPrefix = ".cni-ipam-tmp-";
    private const int MaxRecordBytes = 64 * 1024;

    private readonly object _gate = new();
    private readonly LeaseIndex _index;
    private int _dirFd = -1;
    private int _lockFd = -1;
    private int _depth;
    private bool _anonymousFiles = true;
    private bool _disposed;

    /// <summary>Creates the store of one network. No file is touched until the first operation.</summary>
    /// <param name="dataDirectory">The data directory (<c>ipam.dataDir</c>), or <see langword="null"/>/empty for <see cref="DefaultDataDirectory"/>.</param>
    /// <param name="networkName">The network name (the configuration's <c>name</c>).</param>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.InvalidNetworkConfig"/> when the name is missing or not a valid network name
    /// (<see cref="ConfigRules.ValidateName"/>): a valid one is a single path component that does not start with a dot,
    /// so it can never leave the data directory or meet the owner index.
    /// </exception>
    public DiskIpamStore(string? dataDirectory, string networkName)
    {
        ConfigRules.ValidateName(networkName);
        DataDirectory = string.IsNullOrEmpty(dataDirectory) ? DefaultDataDirectory : dataDirectory;
        NetworkName = networkName;
        NetworkDirectory = Path.Combine(DataDirectory, networkName);
        _index = new LeaseIndex(this);
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The network name.</summary>
    public string NetworkName { get; }

    /// <summary>The network's directory, <c>&lt;dataDir&gt;/&lt;network name&gt;</c>.</summary>
    public string NetworkDirectory { get; }

    internal int DirectoryFd => _dirFd;

    /// <summary>This network's owner index: <c>&lt;dataDir&gt;/&lt;network&gt;/.cni-ipam-index</c>.</summary>
    internal string IndexPath => PathOf(LeaseIndex.FileName);

    internal LeaseIndex Index => _index;

    /// <summary>
    /// Whether leases are written into files without a name (<c>O_TMPFILE</c>); turned off by the store itself
    /// on a file system without them, and by tests to exercise the named temporary files used there.
    /// </summary>
    internal bool AnonymousFiles
    {
        get => _anonymousFiles;
        set => _anonymousFiles = value;
    }

    /// <inheritdoc/>
    /// <remarks>Re-entrant per thread; takes <c>flock(LOCK_EX)</c> on <c>lock</c> for the outermost scope.</remarks>
    public IDisposable Lock()
    {
        Monitor.Enter(_gate);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_depth == 0)
            {
                EnsureOpen();
                if (Posix.Flock(_lockFd, exclusive: true) != 0)
                {
                    throw Errno.IOError("failed to lock", Path.Combine(NetworkDirectory, LockFileName), Errno.Last);
                }

                _index.BeginScope();
            }

            _depth++;
            return new Scope(this);
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    /// <inheritdoc/>
    public bool TryReserve(IPAddress address, LeaseOwner owner, int rangeSetIndex)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(rangeSetIndex);
        owner.Validate();
        address = IpAddressMath.Canonicalize(address);
        string name = IpAddressMath.Format(address);
        using IDisposable scope = Lock();
        if (Posix.TryStatAt(_dirFd, name, out _))
        {
            return false;
        }

        int line = _index.Add(owner, name); // before the name appears: a crash in between leaves the index untrusted
        bool linked = false;
        try
        {
            linked = CreateLease(name, Encoding.UTF8.GetBytes(owner.ToString()));
        }
        finally
        {
            if (!linked)
            {
                _index.Retract(line);
            }
        }

        if (!linked)
        {
            return false;
        }

        WriteLastReserved(rangeSetIndex, name);
        return true;
    }

    /// <inheritdoc/>
    public IPAddress? GetLastReserved(int rangeSetIndex)
    {
        using IDisposable scope = Lock();
        byte[]? data = Posix.ReadSmallFile(_dirFd, LastReservedPrefix + rangeSetIndex.ToString(CultureInfo.InvariantCulture), 256);
        return data is null ? null : IpAddressMath.TryParse(Encoding.UTF8.GetString(data));
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> FindByOwner(string containerId, string ifName)
    {
        using IDisposable scope = Lock();
        List<Lease> found = [];
        foreach (LeaseOwner owner in new[] { new LeaseOwner(containerId, ifName), new LeaseOwner(containerId, null) })
        {
            foreach (string name in _index.Get(owner))
            {
                if (ReadOwner(name) == owner && IpAddressMath.TryParse(name) is { } address)
                {
                    found.Add(new Lease(address, owner));
                }
            }
        }

        return found;
    }

    /// <inheritdoc/>
    public bool Release(IPAddress address, LeaseOwner owner)
    {
        ArgumentNullException.ThrowIfNull(address);
        string name = IpAddressMath.Format(IpAddressMath.Canonicalize(address));
        using IDisposable scope = Lock();
        return ReleaseName(name, owner);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Lease> ReleaseByOwner(string containerId, string ifName)
    {
        using IDisposable scope = Lock();
        List<Lease> released = [];
        foreach (LeaseOwner owner in new[] { new LeaseOwner(containerId, ifName), new LeaseOwner(containerId, null) })
        {
            foreach (string name in _index.Get(owner).ToArray())
            {
                if (IpAddressMath.TryParse(name) is { } address && ReleaseName(name, owner))
                {
                    released.Add(new Lease(address, owner));
                }
            }

            if (released.Count != 0)
            {
                break;
            }
        }

        return released;
    }

    /// <inheritdoc/>
    /// <remarks>Reads every lease file; also removes temporary files left by a crash.</remarks>
    public IReadOnlyList<Lease> GetLeases()
    {
        using IDisposable scope = Lock();
        _index.BeforeModify(); // the scan may remove stale temporary files
        return [.. Scan().Select(e => new Lease(e.Address, e.Owner))];
    }

    /// <inheritdoc/>
    /// <remarks>Lists the directory without reading any lease file.</remarks>
    public IReadOnlyCollection<IPAddress> GetReservedAddresses()
    {
        using IDisposable scope = Lock();
        List<IPAddress> addresses = [];
        foreach (string name in ListNames())
        {
            if (IsLeaseName(name) && IpAddressMath.TryParse(name) is { } address)
            {
                addresses.Add(address);
            }
        }

        return addresses;
    }

    /// <inheritdoc/>
    /// <remarks>Creates the directory if needed, takes the lock, and writes and removes a probe file.</remarks>
    public void CheckUsable()
    {
        try
        {
            using IDisposable scope = Lock();
            int fd = _anonymousFiles ? Posix.OpenAnonymous(_dirFd, 0b110_100_100) : -1;
            if (fd >= 0)
            {
                Posix.Close(fd); // a file that never had a name: the directory is writable, and unchanged
                return;
            }

            if (_anonymousFiles && !Posix.AnonymousUnsupported(Errno.Last))
            {
                throw Errno.IOError("failed to create a file in", NetworkDirectory, Errno.Last);
            }

            _index.BeforeModify();
            string probe = WriteTempFile([], durable: false);
            Posix.UnlinkAt(_dirFd, probe);
        }
        catch (CniException e)
        {
            throw new CniException(CniErrorCode.PluginNotAvailable, e.Message, e.Details, e);
        }
    }

    /// <summary>Closes the lock file and the directory.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Posix.Close(_lockFd);
            _index.Close();
            Posix.Close(_dirFd);
            _lockFd = _dirFd = -1;
        }
    }

    internal static bool IsLeaseName(string name) => name.Length > 0 && name[0] != '.' && name != LockFileName && !name.StartsWith(LastReservedPrefix, StringComparison.Ordinal);

    internal string PathOf(string name) => Path.Combine(NetworkDirectory, name);

    /// <summary>The owner recorded in a lease file, or <see langword="null"/> when there is no such regular file.</summary>
    internal LeaseOwner? ReadOwner(string name)
    {
        byte[]? data = Posix.ReadSmallFile(_dirFd, name, MaxRecordBytes);
        return data is null ? null : ParseOwner(Encoding.UTF8.GetString(data));
    }

    internal static LeaseOwner ParseOwner(string content)
    {
        string text = content.Trim();
        int split = text.IndexOf("\r\n", StringComparison.Ordinal);
        return split < 0 ? new LeaseOwner(text, null) : new LeaseOwner(text[..split], text[(split + 2)..]);
    }

    internal IEnumerable<string> ListNames() =>
        new FileSystemEnumerable<string>(NetworkDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), new EnumerationOptions
        {
            AttributesToSkip = 0,
            IgnoreInaccessible = true,
            RecurseSubdirectories = false,
        });

    /// <summary>Reads every lease; removes stale temporary files (none can be in use: the lock is held).</summary>
    internal List<(string Name, IPAddress Address, LeaseOwner Owner)> Scan()
    {
        List<(string, IPAddress, LeaseOwner)> leases = [];
        foreach (string name in ListNames())
        {
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal))
            {
                Posix.UnlinkAt(_dirFd, name);
                continue;
            }

            if (!IsLeaseName(name) || IpAddressMath.TryParse(name) is not { } address)
            {
                continue;
            }

            if (ReadOwner(name) is { } owner)
            {
                leases.Add((name, address, owner));
            }
        }

        return leases;
    }

    internal string WriteTempFile(ReadOnlySpan<byte> content, bool durable) => WriteTempFile(_dirFd, NetworkDirectory, TempPrefix, content, 0b110_100_100, durable);

    internal static string WriteTempFile(int dirFd, string dirPath, string prefix, ReadOnlySpan<byte> content, ushort mode, bool durable)
    {
        string temp = prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");
        int fd = Posix.OpenAt(dirFd, temp, O_WRONLY | O_CREAT | O_EXCL, mode);
        if (fd < 0)
        {
            throw Errno.IOError("failed to create", Path.Combine(dirPath, temp), Errno.Last);
        }

        bool ok = Posix.WriteAll(fd, content) && (!durable || fdatasync(fd) == 0);
        int errno = Errno.Last;
        Posix.Close(fd);
        if (!ok)
        {
            Posix.UnlinkAt(dirFd, temp);
            throw Errno.IOError("failed to write", Path.Combine(dirPath, temp), errno);
        }

        return temp;
    }

    /// <summary>
    /// Creates the lease file <paramref name="name"/> holding <paramref name="content"/>, flushed before the name
    /// appears. Returns <see langword="false"/> when the name is taken.
    /// </summary>
    private bool CreateLease(string name, byte[] content)
    {
        if (_anonymousFiles)
        {
            int fd = Posix.OpenAnonymous(_dirFd, 0b110_100_100);
            if (fd >= 0)
            {
                int rc = -1, errno;
                try
                {
                    if (!Posix.WriteAll(fd, content) || fdatasync(fd) != 0)
                    {
                        throw Errno.IOError("failed to write", PathOf(name), Errno.Last);
                    }

                    rc = Posix.LinkAnonymous(fd, _dirFd, name);
                    errno = Errno.Last;
                }
                finally
                {
                    Posix.Close(fd);
                }

                if (rc == 0)
                {
                    return true;
                }

                if (errno == EEXIST)
                {
                    return false;
                }

                if (errno != EPERM && errno != ENOENT)
                {
                    throw Errno.IOError("failed to reserve", PathOf(name), errno);
                }
            }
            else if (!Posix.AnonymousUnsupported(Errno.Last))
            {
                throw Errno.IOError("failed to create a file in", NetworkDirectory, Errno.Last);
            }

            _anonymousFiles = false; // no O_TMPFILE here, or no way to link one: named temporary files from now on
        }

        string temp = WriteTempFile(content, durable: true);
        int linked = Posix.LinkAt(_dirFd, temp, name);
        int linkErrno = Errno.Last;
        Posix.UnlinkAt(_dirFd, temp);
        if (linked != 0)
        {
            if (linkErrno == EEXIST)
            {
                return false;
            }

            throw Errno.IOError("failed to reserve", PathOf(name), linkErrno);
        }

        return true;
    }

    private bool ReleaseName(string name, LeaseOwner owner)
    {
        if (ReadOwner(name) != owner)
        {
            return false;
        }

        _index.BeforeModify();
        if (Posix.UnlinkAt(_dirFd, name) != 0)
        {
            int errno = Errno.Last;
            if (errno == ENOENT)
            {
                return false;
            }

            throw Errno.IOError("failed to release", PathOf(name), errno);
        }

        _index.Remove(name);
        return true;
    }

    private void WriteLastReserved(int rangeSetIndex, string name)
    {
        // Written in place as the reference does: it is only a hint, and an unreadable one restarts round-robin.
        string file = LastReservedPrefix + rangeSetIndex.ToString(CultureInfo.InvariantCulture);
        int fd = Posix.OpenAt(_dirFd, file, O_WRONLY | O_CREAT | O_TRUNC, 0b110_100_100);
        if (fd < 0 && Errno.Last is var e && (e == ELOOP || e == EISDIR))
        {
            Posix.UnlinkAt(_dirFd, file); // a symbolic link is not ours to follow: replace it
            fd = Posix.OpenAt(_dirFd, file, O_WRONLY | O_CREAT | O_TRUNC, 0b110_100_100);
        }

        if (fd < 0)
        {
            throw Errno.IOError("failed to write", PathOf(file), Errno.Last);
        }

        bool ok = Posix.WriteAll(fd, Encoding.UTF8.GetBytes(name));
        int errno = Errno.Last;
        Posix.Close(fd);
        if (!ok)
        {
            throw Errno.IOError("failed to write", PathOf(file), errno);
        }
    }

    private void EnsureOpen()
    {
        if (_dirFd >= 0)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the disk store uses POSIX file locks and links");
        }

        // mkdir -p with mode 0755 (less the umask), as the reference; failures name the directory and the
        // system's reason (exception texts can be bare resource keys in trimmed NativeAOT builds).
        CreateDirectories(NetworkDirectory);

        int dirFd = Posix.OpenDirectory(NetworkDirectory, noFollow: true);
        if (dirFd < 0)
        {
            int errno = Errno.Last;
            // O_NOFOLLOW on a link gives ELOOP, but with O_DIRECTORY Linux answers ENOTDIR: ask which it was.
            throw errno == ELOOP || (errno == ENOTDIR && new FileInfo(NetworkDirectory).LinkTarget is not null)
                ? new CniException(CniErrorCode.IOFailure, $"{NetworkDirectory} is a symbolic link, which the store does not follow")
                : Errno.IOError("failed to open", NetworkDirectory, errno);
        }

        int lockFd = Posix.OpenAt(dirFd, LockFileName, O_RDWR | O_CREAT, 0b111_101_000);
        if (lockFd < 0)
        {
            int errno = Errno.Last;
            Posix.Close(dirFd);
            throw Errno.IOError("failed to open", Path.Combine(NetworkDirectory, LockFileName), errno);
        }

        _dirFd = dirFd;
        _lockFd = lockFd;
    }

    private static void CreateDirectories(string path)
    {
        string full = Path.GetFullPath(path);
        int from = 1;
        while (from <= full.Length)
        {
            int slash = full.IndexOf('/', from);
            string prefix = slash < 0 ? full : full[..slash];
            from = slash < 0 ? full.Length + 1 : slash + 1;
            if (prefix.Length == 0 || prefix.EndsWith('/'))
            {
                continue;
            }

            if (Posix.MkdirAt(AT_FDCWD, prefix, 0b111_101_101) != 0)
            {
                int errno = Errno.Last;
                if (errno == EEXIST && Posix.TryStatAt(AT_FDCWD, prefix, out Tmds.Linux.stat st) && !Posix.IsDirectory(st) && !IsLinkToDirectory(prefix))
                {
                    throw Errno.IOError("failed to create", prefix, ENOTDIR);
                }

                if (errno != EEXIST)
                {
                    throw Errno.IOError("failed to create", prefix, errno);
                }
            }
        }

        static bool IsLinkToDirectory(string p) => Directory.Exists(p);
    }

    private void ExitScope()
    {
        try
        {
            if (--_depth == 0)
            {
                try
                {
                    _index.EndScope();
                }
                finally
                {
                    Posix.Flock(_lockFd, exclusive: false);
                }
            }
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    private sealed class Scope(DiskIpamStore store) : IDisposable
    {
        private DiskIpamStore? _store = store;

        public void Dispose() => Interlocked.Exchange(ref _store, null)?.ExitScope();
    }
}
