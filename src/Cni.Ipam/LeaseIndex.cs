using System.Globalization;
using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using static Tmds.Linux.LibC;

namespace Cni.Ipam;

/// <summary>
/// The disk store's owner index: one file per owner in <c>&lt;dataDir&gt;/.cni-ipam-index/&lt;network&gt;/</c>, named by the owner's record
/// text in hex and listing the lease file names the owner holds. It lets DEL and the duplicate check
/// touch a few files instead of reading every lease, while the leases themselves stay in the reference's layout.
/// </summary>
/// <remarks>
/// <para>Trust comes from a stamp: after changing the directory, the store sets the modification times of the
/// network directory and of the index directory to a moment one second in the past and records them, with the
/// directories' identity, in <c>stamp</c>. Any later change by anyone else (creating or removing a file in
/// either directory) moves a modification time to the present, which no longer matches, and the next operation
/// rebuilds the index from a full scan. A crash between a lease change and the stamp leaves a mismatch too.</para>
/// <para>Entries are also verified against the lease files when read, so an entry can only be missing, never
/// wrong. The index lives beside the network directory, not in it, so the Go binary (which reads every file
/// under the network directory on each ADD and DEL) never pays for it; its files start with <c>#</c> anyway,
/// which no container ID can, so none could ever be taken for a lease.</para>
/// </remarks>
internal sealed class LeaseIndex(DiskIpamStore store)
{
    internal const string DirectoryName = ".cni-ipam-index";
    internal const string StampName = "stamp";
    private const string Header = "# cni-ipam owner index v1";
    private const string StampVersion = "# cni-ipam stamp v1";

    private int _fd = -1;
    private bool _checked;
    private bool _dirty;

    /// <summary>How many times the index was rebuilt by this instance (for tests and diagnostics).</summary>
    public int RebuildCount { get; private set; }

    public void BeginScope()
    {
        _checked = false;
        _dirty = false;
    }

    public void EndScope()
    {
        try
        {
            if (_dirty && _fd >= 0)
            {
                Commit();
            }
        }
        catch (Cni.Spec.CniException)
        {
            // The stamp stays stale, so the next operation rebuilds: nothing is lost.
        }
        finally
        {
            _checked = false;
            _dirty = false;
        }
    }

    public void Close()
    {
        Posix.Close(_fd);
        _fd = -1;
    }

    /// <summary>Must be called before the store changes the network directory in any way.</summary>
    public void BeforeModify()
    {
        EnsureValid();
        _dirty = true;
    }

    public List<string> Get(LeaseOwner owner)
    {
        EnsureValid();
        return Read(EntryName(owner));
    }

    private List<string> Read(string entry)
    {
        byte[]? data = Posix.ReadSmallFile(_fd, entry, 16 * 1024 * 1024);
        if (data is null)
        {
            return [];
        }

        List<string> names = [];
        foreach (string line in Encoding.UTF8.GetString(data).Split('\n'))
        {
            if (line.Length != 0 && line[0] != '#')
            {
                names.Add(line);
            }
        }

        return names;
    }

    public void Add(LeaseOwner owner, string name)
    {
        BeforeModify();
        List<string> names = Get(owner);
        if (!names.Contains(name))
        {
            names.Add(name);
            WriteEntry(EntryName(owner), names);
        }
    }

    public void Remove(LeaseOwner owner, string name)
    {
        BeforeModify();
        List<string> names = Get(owner);
        if (names.Remove(name))
        {
            WriteEntry(EntryName(owner), names);
        }
    }

    /// <summary>
    /// The entry's file name: the owner's record text in hex, which is collision-free and needs no hashing
    /// (SHA-256 loads OpenSSL, about a millisecond of every process's start); only an owner too long for a
    /// file name is hashed, and its name starts with <c>h</c>, which hex never does.
    /// </summary>
    internal static string EntryName(LeaseOwner owner)
    {
        byte[] record = Encoding.UTF8.GetBytes(owner.ToString());
        return record.Length <= MaxPlainEntryBytes
            ? Convert.ToHexStringLower(record)
            : "h" + Convert.ToHexStringLower(SHA256.HashData(record));
    }

    private const int MaxPlainEntryBytes = 120;

    private void EnsureValid()
    {
        if (_checked)
        {
            return;
        }

        OpenDirectory();
        if (!StampMatches())
        {
            Rebuild();
        }

        _checked = true;
    }

    private void OpenDirectory()
    {
        if (_fd >= 0)
        {
            return;
        }

        int dataFd = Posix.OpenDirectory(store.DataDirectory, noFollow: false);
        if (dataFd < 0)
        {
            throw Errno.IOError("failed to open", store.DataDirectory, Errno.Last);
        }

        try
        {
            int rootFd = OpenOrCreate(dataFd, DirectoryName, store.IndexRoot);
            try
            {
                _fd = OpenOrCreate(rootFd, store.NetworkName, store.IndexDirectory);
            }
            finally
            {
                Posix.Close(rootFd);
            }
        }
        finally
        {
            Posix.Close(dataFd);
        }
    }

    private static int OpenOrCreate(int parentFd, string name, string path)
    {
        int fd = Posix.OpenAt(parentFd, name, O_RDONLY | O_DIRECTORY, 0);
        if (fd < 0 && Errno.Last == ENOENT)
        {
            if (Posix.MkdirAt(parentFd, name, 0b111_101_101) != 0 && Errno.Last != EEXIST)
            {
                throw Errno.IOError("failed to create", path, Errno.Last);
            }

            fd = Posix.OpenAt(parentFd, name, O_RDONLY | O_DIRECTORY, 0);
        }

        if (fd < 0 && Errno.Last is var e && (e == ELOOP || e == ENOTDIR))
        {
            // Not ours (a symbolic link or a file): replace it rather than follow it.
            Posix.UnlinkAt(parentFd, name);
            Posix.MkdirAt(parentFd, name, 0b111_101_101);
            fd = Posix.OpenAt(parentFd, name, O_RDONLY | O_DIRECTORY, 0);
        }

        if (fd < 0)
        {
            throw Errno.IOError("failed to open", path, Errno.Last);
        }

        return fd;
    }

    private string CurrentStamp()
    {
        if (Posix.FStat(store.DirectoryFd, out Tmds.Linux.stat net) != 0 || Posix.FStat(_fd, out Tmds.Linux.stat idx) != 0)
        {
            throw Errno.IOError("failed to stat", store.NetworkDirectory, Errno.Last);
        }

        return string.Join(' ', StampVersion,
            net.st_dev.ToString(), net.st_ino.ToString(), Time(net.st_mtim),
            idx.st_ino.ToString(), Time(idx.st_mtim));

        static string Time(Tmds.Linux.timespec t) =>
            ((long)t.tv_sec).ToString(CultureInfo.InvariantCulture) + "." + ((long)t.tv_nsec).ToString("D9", CultureInfo.InvariantCulture);
    }

    private bool StampMatches()
    {
        byte[]? data = Posix.ReadSmallFile(_fd, StampName, 4096);
        return data is not null && Encoding.UTF8.GetString(data).TrimEnd('\n') == CurrentStamp();
    }

    private void Rebuild()
    {
        RebuildCount++;
        Posix.UnlinkAt(_fd, StampName); // a crash during the rebuild must leave the index untrusted
        var owners = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach ((string name, _, LeaseOwner owner) in store.Scan())
        {
            string entry = EntryName(owner);
            if (!owners.TryGetValue(entry, out List<string>? names))
            {
                owners[entry] = names = [];
            }

            names.Add(name);
        }

        // Incremental: entries that still say the right thing are kept, since creating and removing tens of
        // thousands of files costs far more than reading them.
        foreach (string entry in ListIndex())
        {
            if (entry == StampName)
            {
                continue;
            }

            if (owners.Remove(entry, out List<string>? names) && SameNames(Read(entry), names))
            {
                continue;
            }

            if (names is null)
            {
                Posix.UnlinkAt(_fd, entry);
            }
            else
            {
                WriteEntry(entry, names);
            }
        }

        foreach ((string entry, List<string> names) in owners)
        {
            WriteEntry(entry, names);
        }

        _dirty = true;

        static bool SameNames(List<string> a, List<string> b) => a.Count == b.Count && a.Order(StringComparer.Ordinal).SequenceEqual(b.Order(StringComparer.Ordinal));
    }

    private void Commit()
    {
        // The stamp file must exist before the times are set: creating it would change the index directory.
        int fd = Posix.OpenAt(_fd, StampName, O_WRONLY | O_CREAT, 0b110_100_100);
        if (fd < 0)
        {
            throw Errno.IOError("failed to open", Path.Combine(store.IndexDirectory, StampName), Errno.Last);
        }

        try
        {
            PushBack(store.DirectoryFd);
            PushBack(_fd);
            string stamp = CurrentStamp() + "\n";
            if (Posix.FStat(fd, out _) != 0 || ftruncate(fd, 0) != 0 || !Posix.WriteAll(fd, Encoding.UTF8.GetBytes(stamp)))
            {
                throw Errno.IOError("failed to write", Path.Combine(store.IndexDirectory, StampName), Errno.Last);
            }
        }
        finally
        {
            Posix.Close(fd);
        }

        // Moves a directory's modification time one second before its last change, a value that no later
        // change can produce, since every change stamps the present.
        static void PushBack(int dirFd)
        {
            if (Posix.FStat(dirFd, out Tmds.Linux.stat st) != 0 ||
                Posix.SetModificationTime(dirFd, (long)st.st_mtim.tv_sec - 1, (long)st.st_mtim.tv_nsec) != 0)
            {
                throw Errno.IOError("failed to set the modification time of", "directory", Errno.Last);
            }
        }
    }

    private void WriteEntry(string entry, List<string> names)
    {
        if (names.Count == 0)
        {
            if (Posix.UnlinkAt(_fd, entry) != 0 && Errno.Last != ENOENT)
            {
                throw Errno.IOError("failed to remove", Path.Combine(store.IndexDirectory, entry), Errno.Last);
            }

            return;
        }

        var text = new StringBuilder(Header).Append('\n');
        foreach (string name in names)
        {
            text.Append(name).Append('\n');
        }

        int fd = Posix.OpenAt(_fd, entry, O_WRONLY | O_CREAT | O_TRUNC, 0b110_100_100);
        if (fd < 0)
        {
            throw Errno.IOError("failed to write", Path.Combine(store.IndexDirectory, entry), Errno.Last);
        }

        bool ok = Posix.WriteAll(fd, Encoding.UTF8.GetBytes(text.ToString()));
        int errno = Errno.Last;
        Posix.Close(fd);
        if (!ok)
        {
            throw Errno.IOError("failed to write", Path.Combine(store.IndexDirectory, entry), errno);
        }
    }

    private List<string> ListIndex() =>
        [.. new FileSystemEnumerable<string>(store.IndexDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), new EnumerationOptions
        {
            AttributesToSkip = 0,
            IgnoreInaccessible = true,
        })];
}
