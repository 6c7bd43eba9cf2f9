using System.Runtime.InteropServices;
using System.Text;
using Cni.Spec;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Cni.Ipam;

/// <summary>
/// The few system calls the disk store needs, relative to directory descriptors so that a path is resolved
/// once and no final component is ever followed as a symbolic link.
/// </summary>
internal static unsafe partial class Posix
{
    private const int LockExclusive = 2; // LOCK_EX
    private const int LockUnlock = 8; // LOCK_UN

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    public static CniException IOError(string what, string path, int errno) =>
        new(CniErrorCode.IOFailure, $"{what} {path}: {Describe(errno)}");

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

    public static int RenameAt(int dirFd, string oldName, string newName) => RenameAtNative(dirFd, oldName, dirFd, newName);

    /// <summary>fstatat without following; returns false when the entry does not exist.</summary>
    public static bool TryStatAt(int dirFd, string name, out Tmds.Linux.stat st)
    {
        Tmds.Linux.stat s = default;
        byte[] path = Utf8z(name);
        int rc;
        fixed (byte* p = path)
        {
            rc = fstatat(dirFd, p, &s, AT_SYMLINK_NOFOLLOW);
        }

        st = s;
        return rc == 0;
    }

    public static int FStat(int fd, out Tmds.Linux.stat st)
    {
        Tmds.Linux.stat s = default;
        int rc = fstat(fd, &s);
        st = s;
        return rc;
    }

    public static bool IsRegular(in Tmds.Linux.stat st) => ((ushort)st.st_mode & 0xF000) == 0x8000;

    public static bool IsDirectory(in Tmds.Linux.stat st) => ((ushort)st.st_mode & 0xF000) == 0x4000;

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

    public static int Flock(int fd, bool exclusive)
    {
        int rc;
        do
        {
            rc = FlockNative(fd, exclusive ? LockExclusive : LockUnlock);
        }
        while (rc == -1 && Errno == EINTR);
        return rc;
    }

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
                    if (Errno == EINTR)
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
            if (FStat(fd, out Tmds.Linux.stat st) != 0 || !IsRegular(st))
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
                    if (n < 0 && Errno == EINTR)
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
        while (rc == -1 && Errno == EINTR);
        return rc;
    }

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

    private static byte[] Utf8z(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private delegate int PathCall(byte* path);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAtNative(int oldDirFd, string oldPath, int newDirFd, string newPath);
}
