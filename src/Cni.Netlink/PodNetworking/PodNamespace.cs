using Cni.Spec;

namespace Cni.Netlink;

/// <summary>
/// The container's network namespace as a plugin opens it: a failure is the specification's error
/// object (code 999) with the reference plugins' text, ready to cross the plugin boundary.
/// </summary>
/// <example>
/// <code>
/// using NetworkNamespace pod = PodNamespace.Open(request.NetNs);
/// using RtnlSocket podRtnl = RtnlSocket.OpenIn(pod);
/// </code>
/// </example>
public static class PodNamespace
{
    /// <summary>Opens the network namespace of <c>CNI_NETNS</c>.</summary>
    /// <remarks>The namespace is only opened, not entered: use it with <see cref="RtnlSocket.OpenIn"/> and <see cref="NetworkNamespace.Run(Action)"/>.</remarks>
    /// <param name="path">The namespace file, for example <c>/var/run/netns/&lt;name&gt;</c> or <c>/proc/&lt;pid&gt;/ns/net</c>.</param>
    /// <returns>The open namespace; the caller disposes it.</returns>
    /// <exception cref="CniException">
    /// Code <see cref="CniErrorCode.Internal"/> with <c>failed to open netns "&lt;path&gt;": &lt;reason&gt;</c> when the
    /// path is empty, missing, unreadable or not a network namespace.
    /// </exception>
    public static NetworkNamespace Open(string path)
    {
        try
        {
            return NetworkNamespace.Open(path);
        }
        catch (Exception e) when (e is NetlinkException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CniException(CniErrorCode.Internal, $"failed to open netns \"{path}\": {e.Message}");
        }
    }

    /// <summary>
    /// Whether something exists at <paramref name="path"/>: DEL skips the namespace's cleanup when it does not
    /// (the runtime removed it first) and still opens it, failing loudly, when the path is there but is not a namespace.
    /// </summary>
    /// <param name="path">The namespace file.</param>
    /// <returns>Whether a file or directory exists there.</returns>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
