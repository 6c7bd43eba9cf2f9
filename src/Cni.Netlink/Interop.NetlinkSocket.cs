using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Cni.Netlink;

/// <summary>
/// The system calls behind <see cref="RtnlSocket"/>: an <c>AF_NETLINK</c> socket, its options, bind,
/// send and receive, all through Tmds.LibC. Each wrapper returns errno (read with <see cref="Errno.Last"/>
/// right after the call) instead of throwing, so that the caller builds the exception.
/// </summary>
/// <remarks>
/// Tmds.LibC has no <c>sockaddr_nl</c>, no <c>timeval</c> and no <c>NETLINK_*</c> protocol or option
/// numbers (uapi <c>linux/netlink.h</c>), so they are declared here; every call is Tmds.LibC's.
/// </remarks>
internal static unsafe partial class Interop
{
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_NETFILTER = 12;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;
    public const int NETLINK_GET_STRICT_CHK = 12;

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

    /// <summary>
    /// A netlink socket of <paramref name="protocol"/> set up as every socket of ours is: extended ACK (the kernel
    /// explains EINVAL and friends), capped ACK (it does not echo our payload), a receive timeout, bound.
    /// </summary>
    /// <exception cref="NetlinkException">A system call failed (the socket is closed then).</exception>
    public static int OpenConfiguredNetlinkSocket(int protocol, string protocolName, TimeSpan receiveTimeout, out uint portId)
    {
        int fd = OpenNetlinkSocket(out int errno, protocol);
        if (fd < 0)
        {
            throw NetlinkException.FromErrno(errno, $"socket(AF_NETLINK, {protocolName})");
        }

        try
        {
            Check(SetNetlinkOption(fd, NETLINK_EXT_ACK, 1), "setsockopt(NETLINK_EXT_ACK)");
            Check(SetNetlinkOption(fd, NETLINK_CAP_ACK, 1), "setsockopt(NETLINK_CAP_ACK)");
            Check(SetReceiveTimeout(fd, receiveTimeout), "setsockopt(SO_RCVTIMEO)");
            Check(Bind(fd, out portId), "bind(AF_NETLINK)");
            return fd;
        }
        catch
        {
            Close(fd);
            throw;
        }

        static void Check(int errno, string what)
        {
            if (errno != 0)
            {
                throw NetlinkException.FromErrno(errno, what);
            }
        }
    }

    public static int OpenNetlinkSocket(out int errno, int protocol = NETLINK_ROUTE)
    {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    public static int SetNetlinkOption(int fd, int option, int value)
    {
        int rc = setsockopt(fd, SOL_NETLINK, option, &value, sizeof(int));
        return rc < 0 ? Errno.Last : 0;
    }

    public static int SetReceiveTimeout(int fd, TimeSpan timeout)
    {
        var tv = new Timeval { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        int rc = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, (socklen_t)sizeof(Timeval));
        return rc < 0 ? Errno.Last : 0;
    }

    public static int Bind(int fd, out uint portId)
    {
        var address = new SockaddrNl { Family = (ushort)AF_NETLINK };
        int rc = bind(fd, (sockaddr*)&address, (socklen_t)sizeof(SockaddrNl));
        if (rc < 0)
        {
            int errno = Errno.Last;
            portId = 0;
            return errno;
        }

        socklen_t length = (socklen_t)sizeof(SockaddrNl);
        rc = getsockname(fd, (sockaddr*)&address, &length);
        if (rc < 0)
        {
            int errno = Errno.Last;
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
            errno = rc < 0 ? Errno.Last : 0;
            return rc;
        }
    }

    /// <summary>Receives one datagram; with <paramref name="peek"/>, leaves it queued and returns its full size (MSG_PEEK | MSG_TRUNC); with <paramref name="dontWait"/>, fails with EAGAIN instead of waiting (MSG_DONTWAIT).</summary>
    public static long Receive(int fd, Span<byte> buffer, bool peek, out int errno, bool dontWait = false)
    {
        int flags = (peek ? MSG_PEEK | MSG_TRUNC : 0) | (dontWait ? MSG_DONTWAIT : 0);
        fixed (byte* p = buffer)
        {
            long rc = recv(fd, p, (size_t)buffer.Length, flags);
            errno = rc < 0 ? Errno.Last : 0;
            return rc;
        }
    }

    /// <summary><c>close(2)</c>, for the socket and for the namespace descriptors of <see cref="NetworkNamespace"/> alike.</summary>
    public static int Close(int fd) => close(fd) < 0 ? Errno.Last : 0;
}
