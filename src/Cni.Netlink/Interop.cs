using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Cni.Netlink;

/// <summary>
/// The system calls behind the sockets and namespaces, through Tmds.LibC. Each wrapper reads
/// <c>errno</c> into a local immediately after the call: anything run before that (a log line, an
/// allocation that triggers a GC, another P/Invoke) may overwrite it.
/// </summary>
internal static unsafe class Interop
{
    public const int NETLINK_ROUTE = 0;
    public const int SOL_NETLINK = 270;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;
    public const int NETLINK_GET_STRICT_CHK = 12;
    public const int CLONE_NEWNET_FLAG = 0x40000000;

    /// <summary><c>NS_GET_NSTYPE</c> = <c>_IO(0xb7, 0x3)</c> (uapi <c>linux/nsfs.h</c>).</summary>
    public const int NS_GET_NSTYPE = 0xb703;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timeval
    {
        public long Seconds;
        public long Microseconds;
    }

    public static int OpenNetlinkSocket(out int errno)
    {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        errno = fd < 0 ? LibC.errno : 0;
        return fd;
    }

    public static int SetOption(int fd, int level, int option, int value)
    {
        int rc = setsockopt(fd, level, option, &value, sizeof(int));
        return rc < 0 ? LibC.errno : 0;
    }

    public static int SetReceiveTimeout(int fd, TimeSpan timeout)
    {
        var tv = new Timeval { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        int rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, (socklen_t)sizeof(Timeval));
        return rc < 0 ? LibC.errno : 0;
    }

    public static int Bind(int fd, out uint portId)
    {
        var address = new SockaddrNl { Family = (ushort)AF_NETLINK };
        int rc = bind(fd, (sockaddr*)&address, (socklen_t)sizeof(SockaddrNl));
        if (rc < 0)
        {
            int errno = LibC.errno;
            portId = 0;
            return errno;
        }

        socklen_t length = (socklen_t)sizeof(SockaddrNl);
        rc = getsockname(fd, (sockaddr*)&address, &length);
        if (rc < 0)
        {
            int errno = LibC.errno;
            portId = 0;
            return errno;
        }

        portId = address.PortId;
        return 0;
    }

    public static long SendToKernel(int fd, ReadOnlySpan<byte> data, out int errno)
    {
        var kernel = new SockaddrNl { Family = (ushort)AF_NETLINK };
        fixed (byte* p = data)
        {
            long rc = sendto(fd, p, (size_t)data.Length, 0, (sockaddr*)&kernel, (socklen_t)sizeof(SockaddrNl));
            errno = rc < 0 ? LibC.errno : 0;
            return rc;
        }
    }

    /// <summary>Receives one datagram; with <paramref name="peek"/>, leaves it queued and returns its full size (MSG_PEEK | MSG_TRUNC).</summary>
    public static long Receive(int fd, Span<byte> buffer, bool peek, out int errno)
    {
        int flags = peek ? MSG_PEEK | MSG_TRUNC : 0;
        fixed (byte* p = buffer)
        {
            long rc = recv(fd, p, (size_t)buffer.Length, flags);
            errno = rc < 0 ? LibC.errno : 0;
            return rc;
        }
    }

    public static int OpenReadOnly(string path, out int errno)
    {
        int byteCount = System.Text.Encoding.UTF8.GetByteCount(path);
        Span<byte> bytes = byteCount < 1024 ? stackalloc byte[byteCount + 1] : new byte[byteCount + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        bytes[byteCount] = 0;
        fixed (byte* p = bytes)
        {
            int fd = open(p, O_RDONLY | O_CLOEXEC, 0);
            errno = fd < 0 ? LibC.errno : 0;
            return fd;
        }
    }

    public static int Close(int fd) => close(fd) < 0 ? LibC.errno : 0;

    public static int SetNetworkNamespace(int fd)
    {
        int rc = setns(fd, CLONE_NEWNET_FLAG);
        return rc < 0 ? LibC.errno : 0;
    }

    /// <summary>The namespace type of an nsfs file descriptor (<c>ioctl(NS_GET_NSTYPE)</c>), or -1 with errno.</summary>
    public static int GetNamespaceType(int fd, out int errno)
    {
        int rc = ioctl(fd, NS_GET_NSTYPE);
        errno = rc < 0 ? LibC.errno : 0;
        return rc;
    }

    public static int StatFile(int fd, out ulong device, out ulong inode)
    {
        stat st;
        int rc = fstat(fd, &st);
        if (rc < 0)
        {
            int errno = LibC.errno;
            device = 0;
            inode = 0;
            return errno;
        }

        device = st.st_dev;
        inode = st.st_ino;
        return 0;
    }

    public static int StatPath(string path, out ulong device, out ulong inode)
    {
        int byteCount = System.Text.Encoding.UTF8.GetByteCount(path);
        Span<byte> bytes = byteCount < 1024 ? stackalloc byte[byteCount + 1] : new byte[byteCount + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        bytes[byteCount] = 0;
        stat st;
        fixed (byte* p = bytes)
        {
            int rc = LibC.stat(p, &st);
            if (rc < 0)
            {
                int errno = LibC.errno;
                device = 0;
                inode = 0;
                return errno;
            }
        }

        device = st.st_dev;
        inode = st.st_ino;
        return 0;
    }
}
