using System.Text;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// Reads and writes kernel parameters under <c>/proc/sys</c> in the calling thread's network namespace.
/// For another namespace use <see cref="NetworkNamespace.WriteSysctl(string, string)"/> or call these
/// inside <see cref="NetworkNamespace.Run(Action)"/> (which also batches several writes into one switch).
/// </summary>
/// <remarks>
/// A name is either dotted (<c>net.ipv4.ip_forward</c>), where every dot becomes a slash, or a path
/// relative to <c>/proc/sys</c> (<c>net/ipv6/conf/eth0.100/accept_dad</c>), which is the form to use
/// when an interface name contains a dot. <see cref="IPv4Conf(string, string)"/> and
/// <see cref="IPv6Conf(string, string)"/> build the per-interface paths.
/// </remarks>
public static class Sysctl
{
    /// <summary><c>net/ipv4/ip_forward</c>: IPv4 forwarding.</summary>
    public const string IPv4Forwarding = "net/ipv4/ip_forward";

    /// <summary><c>net/ipv6/conf/all/forwarding</c>: IPv6 forwarding.</summary>
    public const string IPv6Forwarding = "net/ipv6/conf/all/forwarding";

    /// <summary>The path of a per-interface IPv4 setting: <c>net/ipv4/conf/&lt;interface&gt;/&lt;key&gt;</c> (for example <c>arp_notify</c>).</summary>
    /// <param name="interfaceName">The interface name, or <c>all</c> / <c>default</c>.</param>
    /// <param name="key">The setting.</param>
    /// <returns>The sysctl name in path form.</returns>
    public static string IPv4Conf(string interfaceName, string key) => $"net/ipv4/conf/{CheckSegment(interfaceName)}/{CheckSegment(key)}";

    /// <summary>The path of a per-interface IPv6 setting: <c>net/ipv6/conf/&lt;interface&gt;/&lt;key&gt;</c> (for example <c>accept_dad</c>, <c>enhanced_dad</c>, <c>accept_ra</c>, <c>disable_ipv6</c>, <c>keep_addr_on_down</c>).</summary>
    /// <param name="interfaceName">The interface name, or <c>all</c> / <c>default</c>.</param>
    /// <param name="key">The setting.</param>
    /// <returns>The sysctl name in path form.</returns>
    public static string IPv6Conf(string interfaceName, string key) => $"net/ipv6/conf/{CheckSegment(interfaceName)}/{CheckSegment(key)}";

    /// <summary>Reads a sysctl. Equivalent to: <c>sysctl -n &lt;name&gt;</c>.</summary>
    /// <param name="name">The name, dotted or as a path.</param>
    /// <returns>The value, without the trailing newline.</returns>
    /// <exception cref="NetlinkException">The file cannot be read (<see cref="NetlinkException.IsNotFound"/> when the setting or interface does not exist).</exception>
    public static string Read(string name)
    {
        string path = ToPath(name);
        try
        {
            return File.ReadAllText(path).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", path, e);
        }
    }

    /// <summary>Writes a sysctl. Equivalent to: <c>sysctl -w &lt;name&gt;=&lt;value&gt;</c>.</summary>
    /// <param name="name">The name, dotted or as a path.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="NetlinkException">The file cannot be written.</exception>
    public static void Write(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string path = ToPath(name);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(Encoding.ASCII.GetBytes(value));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("write", path, e);
        }
    }

    internal static string ToPath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string relative = name.Contains('/', StringComparison.Ordinal) ? name : name.Replace('.', '/');
        if (relative.StartsWith('/') || relative.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not a sysctl name.", nameof(name));
        }

        return "/proc/sys/" + relative;
    }

    private static string CheckSegment(string segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment);
        return segment.Contains('/', StringComparison.Ordinal) || segment is "." or ".."
            ? throw new ArgumentException($"'{segment}' cannot be part of a sysctl name.", nameof(segment))
            : segment;
    }

    private static NetlinkException Failure(string verb, string path, Exception e)
    {
        int errno = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => LibC.ENOENT,
            UnauthorizedAccessException => LibC.EACCES,
            _ => e.HResult is > 0 and < 4096 ? e.HResult : LibC.EINVAL,
        };
        return new NetlinkException($"cannot {verb} sysctl {path}: {e.Message}", errno, e);
    }
}
