namespace Cni.Skel;

/// <summary>Tells whether a namespace path names the calling thread's own network namespace.</summary>
internal static class NamespaceIdentity
{
    /// <summary>
    /// Compares the namespace identity (<c>net:[inode]</c>) of the path with the process's own.
    /// A path that cannot be opened, or is not a namespace, is not the current namespace; the
    /// plugin reports such paths itself when it tries to use them.
    /// </summary>
    public static bool IsCurrentNetworkNamespace(string path)
    {
        string? own = Identity("/proc/thread-self/ns/net") ?? Identity("/proc/self/ns/net");
        string? target = Identity(path);
        return own is not null && own == target;
    }

    private static string? Identity(string path)
    {
        try
        {
            string? link = new FileInfo(path).LinkTarget;
            if (link is not null && link.StartsWith("net:[", StringComparison.Ordinal))
            {
                return link;
            }

            // A bind-mounted namespace file (/run/netns/x) is not a link: open it and read what the
            // descriptor points at, which for an nsfs file is its identity.
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            string fdPath = $"/proc/self/fd/{handle.DangerousGetHandle()}";
            string? target = new FileInfo(fdPath).LinkTarget;
            return target is not null && target.StartsWith("net:[", StringComparison.Ordinal) ? target : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
