using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Cni.Netlink;

/// <summary>
/// The assembly's one place for <c>errno</c>: reading it right after a failed call, and describing it in
/// messages. The values themselves come from Tmds.LibC (<c>LibC.EEXIST</c>, <c>LibC.ENOENT</c>...).
/// </summary>
internal static class Errno
{
    private static readonly (int Code, string Name)[] Names =
    [
        (LibC.EPERM, "EPERM"),
        (LibC.ENOENT, "ENOENT"),
        (LibC.ESRCH, "ESRCH"),
        (LibC.ENXIO, "ENXIO"),
        (LibC.EBADF, "EBADF"),
        (LibC.EAGAIN, "EAGAIN"),
        (LibC.EACCES, "EACCES"),
        (LibC.EBUSY, "EBUSY"),
        (LibC.EEXIST, "EEXIST"),
        (LibC.ENODEV, "ENODEV"),
        (LibC.EINVAL, "EINVAL"),
        (LibC.ERANGE, "ERANGE"),
        (LibC.EBADMSG, "EBADMSG"),
        (LibC.EOPNOTSUPP, "EOPNOTSUPP"),
        (LibC.EADDRNOTAVAIL, "EADDRNOTAVAIL"),
        (LibC.ENETUNREACH, "ENETUNREACH"),
        (LibC.ENOBUFS, "ENOBUFS"),
    ];

    /// <summary>
    /// The calling thread's <c>errno</c>. Read it immediately after the failing call: anything run before
    /// that (a log line, an allocation that triggers a GC, another P/Invoke) may overwrite it.
    /// </summary>
    public static int Last => LibC.errno;

    /// <summary>The system's text for <paramref name="errno"/> with its symbolic name, for example <c>File exists (EEXIST 17)</c>.</summary>
    /// <param name="errno">A positive errno.</param>
    /// <returns>The description.</returns>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} ({Name(errno)} {errno})";

    private static string Name(int errno)
    {
        foreach ((int code, string name) in Names)
        {
            if (code == errno)
            {
                return name;
            }
        }

        return "errno";
    }
}
