using System.Runtime.InteropServices;
using Cni.Spec;
using Tmds.Linux;

namespace Cni.Ipam;

/// <summary>
/// The one place Cni.Ipam reads and describes <c>errno</c>. The constants (<c>EINTR</c>, <c>EEXIST</c>, ...) are
/// Tmds.LibC's; the value is the last P/Invoke error, which Tmds.LibC's calls and our <c>LibraryImport</c>s
/// (declared with <c>SetLastError</c>) both set.
/// </summary>
internal static class Errno
{
    /// <summary>The <c>errno</c> of the last failed system call on this thread.</summary>
    public static int Last => LibC.errno;

    /// <summary>The system's text for an error number (<c>strerror</c>).</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>An I/O failure (code 5): "WHAT PATH: reason".</summary>
    public static CniException IOError(string what, string path, int errno) =>
        new(CniErrorCode.IOFailure, $"{what} {path}: {Describe(errno)}");
}
