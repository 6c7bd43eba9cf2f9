using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Cni.Ipam;

/// <summary>
/// The few system calls the disk store needs, relative to directory descriptors so that a path is resolved
/// once and no final component is ever followed as a symbolic link. Every call is Tmds.LibC's except
/// <c>flock</c>, which it does not provide (see <see cref="FlockNative"/>); <c>errno</c> is read through
/// <see cref="Errno"/>, and paths are marshalled by <see cref="WithPath"/> alone.
/// </summary>
internal static unsafe partial class Posix
{
    // flock(2)'s operations; Tmds.LibC declares neither the call nor its constants.
    private const int LockExclusive = 2; // LOCK_EX
    private const int LockUnlock = 8; // LOCK_UN

    public static int OpenDirectory(string path, bool noFollow)
    {
        int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (noFollow ? O_NOFOLLOW : 0);
        return WithPath(path, p => Retry(() => open(p, flags, 0)));
    }

    /// <summary>openat; returns the descriptor or -1 with errno set.</summary>
    public static int OpenAt(int dirFd, string name, int flags, ushort mode) =>
        WithPath(name, p => Retry(() => openat(dirFd, p, flags | O_CLOEXEC | O_NOFOLLOW, mode)));

    public static int MkdirAt(int dirFd, string name, ushort mode) => WithPath(name, p => mkdirat(dirFd, p, mode));

    public static int UnlinkAt(int dirFd, string name) => WithPath(name, p => unlinkat(dirFd, p, 0));

    /// <summary>linkat without following: fails with EEXIST when <paramref name="newName"/> exists, which is what makes a reservation exclusive.</summary>
    public static int LinkAt(int dirFd, string oldName, string newName) =>
        WithPath(oldName, o => WithPath(newName, n => linkat(dirFd, o, dirFd, n, 0)));

    /// <summary>
    /// Opens a new regular file in a directory that has no name yet (<c>O_TMPFILE</c>): nothing of it is visible
    /// until <see cref="LinkAnonymous"/> gives it one, and a crash before that leaves nothing behind. Returns -1
    /// with errno set; <see cref="AnonymousUnsupported"/> tells a file system without the feature.
    /// </summary>
    public static int OpenAnonymous(int dirFd, ushort mode) => OpenAt(dirFd, ".", O_TMPFILE | O_WRONLY, mode);

    /// <summary>Whether an <see cref="OpenAnonymous"/> failure means the file system (or kernel) lacks <c>O_TMPFILE</c>.</summary>
    public static bool AnonymousUnsupported(int errno) => errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOTSUP;

    /// <summary>
    /// Gives a file opened by <see cref="OpenAnonymous"/> its name, failing with EEXIST when the name exists (which
    /// makes a reservation exclusive). Through <c>/proc/self/fd</c>, which needs no privilege; where /proc is
    /// missing, with <c>AT_EMPTY_PATH</c> (which needs CAP_DAC_READ_SEARCH).
    /// </summary>
    public static int LinkAnonymous(int fd, int dirFd, string name)
    {
        string proc = "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int rc = WithPath(proc, o => WithPath(name, n => linkat(AT_FDCWD, o, dirFd, n, AT_SYMLINK_FOLLOW)));
        if (rc != 0 && Errno.Last == ENOENT && !TryStatAt(AT_FDCWD, "/proc/self/fd", out _))
        {
            byte* empty = stackalloc byte[1];
            empty[0] = 0;
            rc = WithPath(name, n => linkat(fd, empty, dirFd, n, AT_EMPTY_PATH));
        }

        return rc;
    }

    /// <summary>Writes all bytes at an offset (pwrite); returns false with errno set on failure.</summary>
    public static bool WriteAllAt(int fd, ReadOnlySpan<byte> data, long offset)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long n = pwrite(fd, p + done, data.Length - done, offset + done);
                if (n < 0)
                {
                    if (Errno.Last == EINTR)
                    {
                        continue;
                    }

                    return false;
                }

                done += (int)n;
            }
        }

        return true;
    }

    /// <summary>Sets a file's length (ftruncate); returns 0 or -1 with errno set.</summary>
    public static int Truncate(int fd, long length) => Retry(() => ftruncate(fd, length));

    /// <summary>Reads a whole open regular file from its start into <paramref name="buffer"/> (grown as needed).</summary>
    /// <returns>The number of bytes read, or -1 with errno set.</returns>
    public static int ReadAll(int fd, ref byte[] buffer)
    {
        if (FStat(fd, out stat st) != 0)
        {
            return -1;
        }

        if (buffer.Length < (long)st.st_size + 1)
        {
            buffer = new byte[Math.Max(4096, (int)(long)st.st_size + 4096)];
        }

        int total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                long n = pread(fd, p + total, buffer.Length - total, total);
                if (n < 0 && Errno.Last == EINTR)
                {
                    continue;
                }

                if (n < 0)
                {
                    return -1;
                }

                if (n == 0)
                {
                    break;
                }

                total += (int)n;
            }
        }

        return total == buffer.Length ? ReadAll(fd, ref buffer) : total; // grew while read: read again
    }

    /// <summary>fstatat without following; returns false when the entry does not exist.</summary>
    public static bool TryStatAt(int dirFd, string name, out stat st)
    {
        stat s = default;
        stat* ps = &s;
        int rc = WithPath(name, p => fstatat(dirFd, p, ps, AT_SYMLINK_NOFOLLOW));
        st = s;
        return rc == 0;
    }

    public static int FStat(int fd, out stat st)
    {
        stat s = default;
        int rc = fstat(fd, &s);
        st = s;
        return rc;
    }

    public static bool IsRegular(in stat st) => S_ISREG(st.st_mode);

    public static bool IsDirectory(in stat st) => S_ISDIR(st.st_mode);

    /// <summary>Sets a descriptor's modification time (access time untouched).</summary>
    public static int SetModificationTime(int fd, long seconds, long nanoseconds)
    {
        timespec* times = stackalloc timespec[2];
        times[0].tv_sec = 0;
        times[0].tv_nsec = UTIME_OMIT;
        times[1].tv_sec = seconds;
        times[1].tv_nsec = (long_t)nanoseconds;
        return futimens(fd, times);
    }

    public static int Flock(int fd, bool exclusive) => Retry(() => FlockNative(fd, exclusive ? LockExclusive : LockUnlock));

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    /// <summary>Writes all bytes; returns false with errno set on failure.</summary>
    public static bool WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                long n = write(fd, p + offset, data.Length - offset);
                if (n < 0)
                {
                    if (Errno.Last == EINTR)
                    {
                        continue;
                    }

                    return false;
                }

                offset += (int)n;
            }
        }

        return true;
    }

    /// <summary>Reads a small file relative to a directory, refusing symbolic links and anything but regular files.</summary>
    /// <returns>The content, or <see langword="null"/> when there is no such regular file.</returns>
    public static byte[]? ReadSmallFile(int dirFd, string name, int limit)
    {
        int fd = OpenAt(dirFd, name, O_RDONLY | O_NONBLOCK, 0);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            if (FStat(fd, out stat st) != 0 || !IsRegular(st))
            {
                return null;
            }

            byte[] buffer = new byte[Math.Min(limit, Math.Max(64, (int)Math.Min((long)st.st_size + 1, limit)))];
            int total = 0;
            fixed (byte* p = buffer)
            {
                while (total < buffer.Length)
                {
                    long n = read(fd, p + total, buffer.Length - total);
                    if (n < 0 && Errno.Last == EINTR)
                    {
                        continue;
                    }

                    if (n <= 0)
                    {
                        break;
                    }

                    total += (int)n;
                }
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            close(fd);
        }
    }

    private static int Retry(Func<int> call)
    {
        int rc;
        do
        {
            rc = call();
        }
        while (rc == -1 && Errno.Last == EINTR);
        return rc;
    }

    /// <summary>Calls <paramref name="call"/> with <paramref name="path"/> as the NUL-terminated UTF-8 the system takes.</summary>
    private static int WithPath(string path, PathCall call)
    {
        int max = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int length = Encoding.UTF8.GetBytes(path, buffer);
        buffer[length] = 0;
        fixed (byte* p = buffer)
        {
            return call(p);
        }
    }

    private delegate int PathCall(byte* path);

    // Tmds.LibC 0.5.0 has no flock(2), only lockf/fcntl record locks, which do not exclude an flock holder:
    // the Go host-local plugin locks the network directory's lock file with flock, and so must we.
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(int fd, int operation);
}
