using System.Runtime.ExceptionServices;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// An open handle to a network namespace (a file such as <c>/var/run/netns/&lt;name&gt;</c> or
/// <c>/proc/&lt;pid&gt;/ns/net</c>), for opening sockets inside it, creating links directly in it, and
/// running synchronous code inside it.
/// </summary>
/// <remarks>
/// <para>
/// <c>setns(2)</c> switches the namespace of the calling OS thread only. .NET moves work between
/// threads freely: after an <c>await</c> a continuation may run on another thread-pool thread, and a
/// pool thread left in a foreign namespace would silently run someone else's work there. So this type
/// never switches a thread it does not own: <see cref="Run{T}(Func{T})"/> starts a dedicated thread,
/// switches it, runs the callback synchronously, switches back, and lets the thread end, so it is
/// discarded even when switching back fails. Code passed to <see cref="Run{T}(Func{T})"/> must be
/// synchronous: an <c>await</c> inside it would continue on a pool thread in the original namespace.
/// </para>
/// <para>
/// Most work needs no switch at all: a socket opened with <see cref="RtnlSocket.OpenIn(NetworkNamespace)"/>
/// stays bound to this namespace and can be used from any thread, and a link can be created directly
/// in this namespace with <see cref="FileDescriptor"/> (<c>IFLA_NET_NS_FD</c>). Only per-namespace files
/// such as <c>/proc/sys/net</c> need <see cref="Run(Action)"/> (see <see cref="ReadSysctl(string)"/>).
/// </para>
/// </remarks>
public sealed class NetworkNamespace : IDisposable
{
    private const string CurrentThreadNamespacePath = "/proc/thread-self/ns/net";
    private int _fd;

    private NetworkNamespace(int fd, string path, ulong device, ulong inode)
    {
        _fd = fd;
        Path = path;
        Device = device;
        Inode = inode;
    }

    /// <summary>The path this namespace was opened from.</summary>
    public string Path { get; }

    /// <summary>The file descriptor of the open namespace, for <c>IFLA_NET_NS_FD</c>. Valid until disposed.</summary>
    public int FileDescriptor
    {
        get
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            return _fd;
        }
    }

    /// <summary>The device of the namespace file (<c>st_dev</c>); with <see cref="Inode"/> it identifies the namespace.</summary>
    public ulong Device { get; }

    /// <summary>The inode of the namespace (<c>st_ino</c>), as <c>ip netns identify</c> and <c>/proc/&lt;pid&gt;/ns/net</c> show it.</summary>
    public ulong Inode { get; }

    /// <summary>Opens the network namespace at <paramref name="path"/>, checking that it is one.</summary>
    /// <param name="path">A namespace file: <c>/var/run/netns/&lt;name&gt;</c>, <c>/proc/&lt;pid&gt;/ns/net</c>...</param>
    /// <returns>The open namespace.</returns>
    /// <exception cref="NetlinkException">
    /// The path cannot be opened (<see cref="NetlinkException.IsNotFound"/> when it does not exist), or it is
    /// not a network namespace (<c>EINVAL</c>); the message names the path.
    /// </exception>
    public static NetworkNamespace Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = Interop.OpenReadOnly(path, out int errno);
        if (fd < 0)
        {
            throw new NetlinkException($"cannot open network namespace '{path}': {Errno.Describe(errno)}", errno, null);
        }

        int type = Interop.GetNamespaceType(fd, out errno);
        if (type != LibC.CLONE_NEWNET)
        {
            Interop.Close(fd);
            string what = type < 0
                ? $"it is not a namespace file (ioctl NS_GET_NSTYPE: {Errno.Describe(errno)})"
                : $"it is a namespace of another type (0x{type:x})";
            throw new NetlinkException($"'{path}' is not a network namespace: {what}", LibC.EINVAL, null);
        }

        int rc = Interop.StatFile(fd, out ulong device, out ulong inode);
        if (rc != 0)
        {
            Interop.Close(fd);
            throw new NetlinkException($"cannot stat network namespace '{path}': {Errno.Describe(rc)}", rc, null);
        }

        return new NetworkNamespace(fd, path, device, inode);
    }

    /// <summary>Opens the network namespace of the calling thread (normally the process's own).</summary>
    /// <returns>The open namespace.</returns>
    public static NetworkNamespace OpenCurrent() => Open(CurrentThreadNamespacePath);

    /// <summary>Tells whether <paramref name="path"/> is the calling thread's network namespace, by comparing device and inode.</summary>
    /// <param name="path">A namespace file.</param>
    /// <returns>True when it is the current namespace.</returns>
    /// <exception cref="NetlinkException">The path cannot be examined.</exception>
    public static bool IsCurrent(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int rc = Interop.StatPath(path, out ulong device, out ulong inode);
        if (rc != 0)
        {
            throw new NetlinkException($"cannot stat '{path}': {Errno.Describe(rc)}", rc, null);
        }

        rc = Interop.StatPath(CurrentThreadNamespacePath, out ulong currentDevice, out ulong currentInode);
        if (rc != 0)
        {
            throw new NetlinkException($"cannot stat '{CurrentThreadNamespacePath}': {Errno.Describe(rc)}", rc, null);
        }

        return device == currentDevice && inode == currentInode;
    }

    /// <summary>Runs a synchronous action inside this namespace on a dedicated thread, and waits for it.</summary>
    /// <param name="action">The action; it must not <c>await</c>.</param>
    /// <exception cref="NetlinkException">The thread could not enter the namespace.</exception>
    public void Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run<object?>(() =>
        {
            action();
            return null;
        });
    }

    /// <summary>Runs a synchronous function inside this namespace on a dedicated thread, and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The function; it must not <c>await</c>.</param>
    /// <returns>What the function returned.</returns>
    /// <exception cref="NetlinkException">The thread could not enter the namespace.</exception>
    /// <remarks>An exception thrown by <paramref name="function"/> is rethrown here with its original stack trace.</remarks>
    public T Run<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        int target = FileDescriptor;
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            int original = Interop.OpenReadOnly(CurrentThreadNamespacePath, out int errno);
            if (original < 0)
            {
                failure = ExceptionDispatchInfo.Capture(new NetlinkException($"cannot open '{CurrentThreadNamespacePath}': {Errno.Describe(errno)}", errno, null));
                return;
            }

            try
            {
                errno = Interop.SetNetworkNamespace(target);
                if (errno != 0)
                {
                    failure = ExceptionDispatchInfo.Capture(new NetlinkException($"setns into network namespace '{Path}' failed: {Errno.Describe(errno)}", errno, null));
                    return;
                }

                try
                {
                    result = function();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    // Best effort: the thread ends right after this either way, so a thread that could
                    // not switch back is thrown away and never runs anything else.
                    Interop.SetNetworkNamespace(original);
                }
            }
            finally
            {
                Interop.Close(original);
            }
        })
        {
            IsBackground = true,
            Name = "netns " + System.IO.Path.GetFileName(Path),
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Reads a sysctl inside this namespace (see <see cref="Sysctl.Read(string)"/> for the name forms).</summary>
    /// <param name="name">For example <c>net.ipv4.ip_forward</c> or <c>net/ipv6/conf/eth0/accept_dad</c>.</param>
    /// <returns>The value, without the trailing newline.</returns>
    public string ReadSysctl(string name) => Run(() => Sysctl.Read(name));

    /// <summary>Writes a sysctl inside this namespace (see <see cref="Sysctl.Write(string, string)"/>).</summary>
    /// <param name="name">For example <c>net.ipv4.ip_forward</c> or <c>net/ipv6/conf/eth0/accept_dad</c>.</param>
    /// <param name="value">The value.</param>
    public void WriteSysctl(string name, string value) => Run(() => Sysctl.Write(name, value));

    /// <summary>Closes the namespace handle.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Interop.Close(fd);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Path} (net:[{Inode}])";
}
