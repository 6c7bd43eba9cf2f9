using Tmds.Linux;

namespace Cni.Skel;

/// <summary>Tells whether a namespace path names the calling thread's own network namespace.</summary>
internal static unsafe class NamespaceIdentity
{
    /// <summary>
    /// Compares the namespace identity of the path with the process's own: <c>stat</c> of both, links followed,
    /// by device and inode (a namespace is an inode of nsfs, the same one that <c>net:[inode]</c> names, whether
    /// the path is a <c>/proc/&lt;pid&gt;/ns/net</c> link or a bind-mounted file such as <c>/run/netns/x</c>).
    /// A path that cannot be opened, or is not a namespace, is not the current namespace; the plugin reports
    /// such paths itself when it tries to use them. No exception on the way: a missing path costs one
    /// failed <c>stat</c>, where opening it through <see cref="File"/> threw and caught one (about 0.1 M
    /// instructions and their page faults, on every ADD and CHECK whose CNI_NETNS does not exist).
    /// </summary>
    public static bool IsCurrentNetworkNamespace(string path)
    {
        (ulong, ulong)? own = Identity("/proc/thread-self/ns/net") ?? Identity("/proc/self/ns/net");
        return own is not null && Identity(path) == own && CanOpen(path);
    }

    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        Span<byte> name = stackalloc byte[Math.Min(System.Text.Encoding.UTF8.GetMaxByteCount(path.Length), 4096) + 1];
        if (!TryTerminate(path, name))
        {
            return null;
        }

        stat st;
        fixed (byte* p = name)
        {
            if (LibC.stat(p, &st) != 0)
            {
                return null;
            }
        }

        return ((ulong)st.st_dev, (ulong)st.st_ino);
    }

    /// <summary>Whether the path opens for reading, as the comparison by descriptor required before.</summary>
    private static bool CanOpen(string path)
    {
        Span<byte> name = stackalloc byte[Math.Min(System.Text.Encoding.UTF8.GetMaxByteCount(path.Length), 4096) + 1];
        if (!TryTerminate(path, name))
        {
            return false;
        }

        fixed (byte* p = name)
        {
            int fd = LibC.open(p, LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0)
            {
                return false;
            }

            LibC.close(fd);
            return true;
        }
    }

    /// <summary>The path as a NUL-terminated UTF-8 string; false for an empty path, one holding NUL, or longer than PATH_MAX.</summary>
    private static bool TryTerminate(string path, Span<byte> name)
    {
        if (path.Length == 0 || path.Contains('\0') || System.Text.Encoding.UTF8.GetByteCount(path) >= name.Length)
        {
            return false;
        }

        int length = System.Text.Encoding.UTF8.GetBytes(path, name);
        name[length] = 0;
        return true;
    }
}
