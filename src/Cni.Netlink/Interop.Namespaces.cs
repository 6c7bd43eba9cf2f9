using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Cni.Netlink;

/// <summary>
/// The system calls behind <see cref="NetworkNamespace"/>: opening and identifying namespace files and
/// switching a thread into one, through Tmds.LibC. Paths become NUL-terminated UTF-8 in one place,
/// <see cref="ToNativePath(string, Span{byte})"/>.
/// </summary>
/// <remarks>
/// Tmds.LibC has no <c>NS_GET_NSTYPE</c> (uapi <c>linux/nsfs.h</c>), so it is declared here; every call
/// is Tmds.LibC's.
/// </remarks>
internal static unsafe partial class Interop
{
    /// <summary><c>NS_GET_NSTYPE</c> = <c>_IO(0xb7, 0x3)</c> (uapi <c>linux/nsfs.h</c>).</summary>
    public const int NS_GET_NSTYPE = 0xb703;

    private const int StackPathLength = 1024;

    public static int OpenReadOnly(string path, out int errno)
    {
        Span<byte> scratch = stackalloc byte[StackPathLength];
        fixed (byte* p = ToNativePath(path, scratch))
        {
            int fd = open(p, O_RDONLY | O_CLOEXEC, 0);
            errno = fd < 0 ? Errno.Last : 0;
            return fd;
        }
    }

    public static int SetNetworkNamespace(int fd)
    {
        int rc = setns(fd, CLONE_NEWNET);
        return rc < 0 ? Errno.Last : 0;
    }

    /// <summary>The namespace type of an nsfs file descriptor (<c>ioctl(NS_GET_NSTYPE)</c>: a <c>CLONE_NEW*</c> value), or -1 with errno.</summary>
    public static int GetNamespaceType(int fd, out int errno)
    {
        int rc = ioctl(fd, NS_GET_NSTYPE);
        errno = rc < 0 ? Errno.Last : 0;
        return rc;
    }

    public static int StatFile(int fd, out ulong device, out ulong inode)
    {
        stat st;
        int rc = fstat(fd, &st);
        return Identity(rc, st, out device, out inode);
    }

    public static int StatPath(string path, out ulong device, out ulong inode)
    {
        Span<byte> scratch = stackalloc byte[StackPathLength];
        stat st;
        int rc;
        fixed (byte* p = ToNativePath(path, scratch))
        {
            rc = LibC.stat(p, &st);
        }

        return Identity(rc, st, out device, out inode);
    }

    /// <summary>A namespace's identity (device, inode) from a stat call's outcome; errno is read first, before anything can overwrite it.</summary>
    private static int Identity(int rc, in stat st, out ulong device, out ulong inode)
    {
        if (rc < 0)
        {
            int errno = Errno.Last;
            device = 0;
            inode = 0;
            return errno;
        }

        device = st.st_dev;
        inode = st.st_ino;
        return 0;
    }

    /// <summary>The path as NUL-terminated UTF-8, in <paramref name="scratch"/> when it fits, else in a new array.</summary>
    private static ReadOnlySpan<byte> ToNativePath(string path, Span<byte> scratch)
    {
        int byteCount = Encoding.UTF8.GetByteCount(path);
        Span<byte> bytes = byteCount < scratch.Length ? scratch[..(byteCount + 1)] : new byte[byteCount + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        bytes[byteCount] = 0;
        return bytes;
    }
}
