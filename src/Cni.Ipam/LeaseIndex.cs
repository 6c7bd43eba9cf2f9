using System.Globalization;
using System.Text;
using static Tmds.Linux.LibC;

namespace Cni.Ipam;

/// <summary>
/// The disk store's owner index: one file, <c>&lt;dataDir&gt;/&lt;network&gt;/.cni-ipam-index</c>, inside the
/// network directory it describes (so removing that directory removes it too), listing which lease belongs to
/// whom. It lets DEL and the duplicate check of ADD read one file instead of every lease, while the leases
/// themselves stay in the reference's layout, and it is written in place: an ADD appends a line, a DEL flips
/// one byte, so no operation creates a second file.
/// </summary>
/// <remarks>
/// <para>The file is text, one line each: a header starting with <c>#</c>; <c>+&lt;lease&gt; &lt;container ID&gt;
/// &lt;ifname&gt;</c> for a lease (no ifname for a legacy one); the same line starting with <c>-</c> once released;
/// and last, <c>=&lt;stamp&gt;</c>. Released lines are dropped when they are more than half of a file larger than
/// <see cref="CompactAbove"/> bytes. The first byte of a line never starts a container ID, and the text never
/// trims to a container ID, so the Go binary (which reads every file of the network directory on each ADD and
/// DEL) never takes it for a lease; its name is no address either.</para>
/// <para>Trust comes from the stamp: after changing the directory, the store sets the network directory's
/// modification time to a moment one second before its last change and writes that time, with the directory's
/// identity and the index's own length (so a hand edit shows too), as the file's last line. Any later change by anyone else (creating or removing a lease) moves the
/// modification time to the present, which no longer matches, and the next operation rebuilds the index from a
/// full scan. The stamp is cut off before the store changes anything and written again only after, so a crash
/// in between leaves a file that does not end with a stamp: untrusted, rebuilt. An entry is written before its
/// lease is linked into place, and entries are verified against the lease files when read, so an entry can be
/// missing only when the stamp says so, and is never wrong.</para>
/// <para>The index is a cache: it is never flushed to disk (only leases are), and deleting it costs one scan.
/// After a power loss it can be older than the directory; that shows as a stamp that no longer matches, unless the
/// file system wrote the directory's time but not the index's last lines, in which case a lease it lacks is found
/// again by the next rebuild (any change by the Go binary or a person, or deleting the index).</para>
/// </remarks>
internal sealed class LeaseIndex(DiskIpamStore store)
{
    /// <summary>The index file's name inside the network directory.</summary>
    internal const string FileName = ".cni-ipam-index";

    /// <summary>Where earlier versions kept the index: <c>&lt;dataDir&gt;/.cni-ipam-index/&lt;network&gt;/</c>, removed on the first rebuild.</summary>
    internal const string LegacyDirectoryName = ".cni-ipam-index";

    /// <summary>Above this size, a file that is more than half released lines is rewritten without them.</summary>
    internal const int CompactAbove = 16 * 1024;

    private const byte Live = (byte)'+';
    private const byte Released = (byte)'-';
    private const byte StampMark = (byte)'=';
    private static readonly byte[] Header = "# cni-ipam owner index v2: which lease belongs to whom, for our host-local (a cache; safe to delete)\n"u8.ToArray();

    private int _fd = -1;
    private byte[] _data = [];
    private int _length;
    private int _stampStart = -1;
    private bool _checked;
    private bool _dirty;

    /// <summary>How many times the index was rebuilt by this instance (for tests and diagnostics).</summary>
    public int RebuildCount { get; private set; }

    /// <summary>How many times the index was compacted by this instance (for tests and diagnostics).</summary>
    public int CompactionCount { get; private set; }

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
            // No stamp is written, so the next operation rebuilds: nothing is lost.
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

    /// <summary>
    /// Must be called before the store changes the network directory in any way: checks the index and cuts its
    /// stamp off, so that from now until <see cref="EndScope"/> a crash leaves it untrusted.
    /// </summary>
    public void BeforeModify()
    {
        EnsureValid();
        if (_dirty)
        {
            return;
        }

        if (_stampStart >= 0)
        {
            if (Posix.Truncate(_fd, _stampStart) != 0)
            {
                throw Errno.IOError("failed to write", IndexPath, Errno.Last);
            }

            _length = _stampStart;
            _stampStart = -1;
        }

        _dirty = true;
    }

    /// <summary>The lease names the index lists for exactly this owner (unverified).</summary>
    public List<string> Get(LeaseOwner owner)
    {
        EnsureValid();
        List<string> names = [];
        if (Suffix(owner) is not { } suffix)
        {
            return names;
        }

        ReadOnlySpan<byte> data = _data.AsSpan(0, _length);
        int from = 0;
        while (from < data.Length)
        {
            int hit = data[from..].IndexOf(suffix);
            if (hit < 0)
            {
                break;
            }

            hit += from;
            from = hit + suffix.Length;
            int start = data[..hit].LastIndexOf((byte)'\n') + 1;
            // A line that starts with the suffix itself has no marker and no name: not an entry (a corrupt index).
            ReadOnlySpan<byte> name = start < hit ? data[(start + 1)..hit] : [];
            if (start < hit && data[start] == Live && name.Length != 0 && name.IndexOf((byte)' ') < 0)
            {
                names.Add(Encoding.UTF8.GetString(name));
            }
        }

        return names;
    }

    /// <summary>Records a lease before it is linked into place; returns the line's offset for <see cref="Retract"/>, or -1 when the owner cannot be indexed.</summary>
    public int Add(LeaseOwner owner, string name)
    {
        BeforeModify();
        if (Line(Live, name, owner) is not { } line)
        {
            return -1;
        }

        int offset = _length;
        Append(line);
        return offset;
    }

    /// <summary>Marks the line written by <see cref="Add"/> released, when its lease could not be linked.</summary>
    public void Retract(int offset)
    {
        if (offset >= 0)
        {
            Mark(offset);
        }
    }

    /// <summary>Marks every line of a lease that is gone released.</summary>
    public void Remove(string name)
    {
        BeforeModify();
        byte[] needle = Encoding.UTF8.GetBytes("\n+" + name + " ");
        int from = 0;
        while (from < _length)
        {
            int hit = _data.AsSpan(from, _length - from).IndexOf(needle);
            if (hit < 0)
            {
                break;
            }

            Mark(from + hit + 1);
            from += hit + needle.Length;
        }
    }

    /// <summary>The index's line for a lease, or <see langword="null"/> for an owner whose text has white space (only another writer can record one, and no request can match it).</summary>
    private static byte[]? Line(byte marker, string name, LeaseOwner owner)
    {
        if (Suffix(owner) is not { } suffix || name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            return null;
        }

        byte[] line = new byte[1 + Encoding.UTF8.GetByteCount(name) + suffix.Length];
        line[0] = marker;
        int n = Encoding.UTF8.GetBytes(name, line.AsSpan(1));
        suffix.CopyTo(line.AsSpan(1 + n));
        return line;
    }

    /// <summary>The end of an owner's lines: <c>" id ifname\n"</c>, or <c>" id\n"</c> for a legacy owner.</summary>
    private static byte[]? Suffix(LeaseOwner owner)
    {
        if (owner.ContainerId.Length == 0 || owner.ContainerId.Any(char.IsWhiteSpace) || (owner.IfName is { } i && (i.Length == 0 || i.Any(char.IsWhiteSpace))))
        {
            return null;
        }

        return Encoding.UTF8.GetBytes(owner.IfName is null ? $" {owner.ContainerId}\n" : $" {owner.ContainerId} {owner.IfName}\n");
    }

    private string IndexPath => store.PathOf(FileName);

    private void EnsureValid()
    {
        if (_checked)
        {
            return;
        }

        Open();
        int length = Posix.ReadAll(_fd, ref _data);
        if (length < 0)
        {
            throw Errno.IOError("failed to read", IndexPath, Errno.Last);
        }

        _length = length;
        _stampStart = StampStart();
        if (_stampStart < 0)
        {
            Rebuild();
        }

        _checked = true;
    }

    private void Open()
    {
        if (_fd >= 0)
        {
            return;
        }

        int fd = Posix.OpenAt(store.DirectoryFd, FileName, O_RDWR | O_CREAT, 0b110_100_100);
        if (fd < 0 && Errno.Last is var e && (e == ELOOP || e == EISDIR))
        {
            // Not ours (a symbolic link, a directory): replace it rather than follow it.
            Posix.UnlinkAt(store.DirectoryFd, FileName);
            fd = Posix.OpenAt(store.DirectoryFd, FileName, O_RDWR | O_CREAT, 0b110_100_100);
        }

        if (fd < 0)
        {
            throw Errno.IOError("failed to open", IndexPath, Errno.Last);
        }

        _fd = fd;
    }

    /// <summary>Where the stamp line starts when the file ends with the stamp of the network directory as it is now, else -1.</summary>
    private int StampStart()
    {
        ReadOnlySpan<byte> data = _data.AsSpan(0, _length);
        if (data.Length < 2 || data[^1] != (byte)'\n')
        {
            return -1;
        }

        int start = data[..^1].LastIndexOf((byte)'\n') + 1;
        return start > 0 && data[start] == StampMark && data[start..].SequenceEqual(CurrentStamp(start)) ? start : -1;
    }

    /// <summary>
    /// The stamp line for the network directory as it is now, written at <paramref name="offset"/>: the
    /// directory's identity and modification time, and the offset itself, so an edit of the index that changes
    /// its length is noticed too.
    /// </summary>
    private byte[] CurrentStamp(int offset)
    {
        if (Posix.FStat(store.DirectoryFd, out Tmds.Linux.stat net) != 0)
        {
            throw Errno.IOError("failed to stat", store.NetworkDirectory, Errno.Last);
        }

        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"=v2 {(ulong)net.st_dev} {(ulong)net.st_ino} {(long)net.st_mtim.tv_sec}.{(long)net.st_mtim.tv_nsec:D9} {offset}\n"));
    }

    private void Rebuild()
    {
        RebuildCount++;
        var content = new MemoryStream();
        content.Write(Header);
        foreach ((string name, _, LeaseOwner owner) in store.Scan())
        {
            if (Line(Live, name, owner) is { } line)
            {
                content.Write(line);
            }
        }

        Replace(content);
        _stampStart = -1;
        _dirty = true;
        RemoveLegacyIndex();
    }

    /// <summary>Replaces the whole file: emptied first, so a crash while writing leaves no stamp at its end.</summary>
    private void Replace(MemoryStream content)
    {
        if (Posix.Truncate(_fd, 0) != 0 || !Posix.WriteAllAt(_fd, content.GetBuffer().AsSpan(0, (int)content.Length), 0))
        {
            throw Errno.IOError("failed to write", IndexPath, Errno.Last);
        }

        _length = 0;
        Append(content.GetBuffer().AsSpan(0, (int)content.Length), written: true);
    }

    private void Append(ReadOnlySpan<byte> bytes, bool written = false)
    {
        if (!written && !Posix.WriteAllAt(_fd, bytes, _length))
        {
            throw Errno.IOError("failed to write", IndexPath, Errno.Last);
        }

        if (_data.Length < _length + bytes.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + bytes.Length + 4096));
        }

        bytes.CopyTo(_data.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Mark(int offset)
    {
        if (!Posix.WriteAllAt(_fd, [Released], offset))
        {
            throw Errno.IOError("failed to write", IndexPath, Errno.Last);
        }

        _data[offset] = Released;
    }

    private void Commit()
    {
        if (_length > CompactAbove)
        {
            Compact();
        }

        // Moves the directory's modification time one second before its last change, a value that no later
        // change can produce, since every change stamps the present; then records it.
        if (Posix.FStat(store.DirectoryFd, out Tmds.Linux.stat st) != 0 ||
            Posix.SetModificationTime(store.DirectoryFd, (long)st.st_mtim.tv_sec - 1, (long)st.st_mtim.tv_nsec) != 0)
        {
            throw Errno.IOError("failed to set the modification time of", store.NetworkDirectory, Errno.Last);
        }

        int start = _length;
        Append(CurrentStamp(start));
        _stampStart = start;
    }

    /// <summary>Rewrites the file without its released lines when they are more than half of its lines (counted, not parsed).</summary>
    private void Compact()
    {
        ReadOnlySpan<byte> data = _data.AsSpan(0, _length);
        if (data.Count("\n-"u8) * 2 <= data.Count((byte)'\n'))
        {
            return;
        }

        var content = new MemoryStream();
        content.Write(Header);
        for (int start = data.IndexOf((byte)'\n') + 1; start > 0 && start < data.Length;)
        {
            int end = data[start..].IndexOf((byte)'\n');
            end = end < 0 ? data.Length : start + end + 1;
            if (data[start] == Live)
            {
                content.Write(data[start..end]);
            }

            start = end;
        }

        CompactionCount++;
        Replace(content);
    }

    /// <summary>Removes this network's index as earlier versions kept it, beside the network directory.</summary>
    private void RemoveLegacyIndex()
    {
        string root = Path.Combine(store.DataDirectory, LegacyDirectoryName);
        string legacy = Path.Combine(root, store.NetworkName);
        try
        {
            if (Posix.TryStatAt(AT_FDCWD, legacy, out Tmds.Linux.stat st) && Posix.IsDirectory(st))
            {
                Directory.Delete(legacy, recursive: true);
                Directory.Delete(root, recursive: false); // only when no other network's is left
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another network's index is still there, or the directory cannot be changed: it does no harm.
        }
    }
}
