using System.Runtime.InteropServices;

namespace Cni.Plugins.ClusterLocal;

/// <summary>
/// Keeps the cluster-local process from reading the system's trust store. The etcd store trusts only the configured
/// CA, but .NET on Linux loads the system store (<c>/etc/ssl/certs</c>: the bundle and every file of the directory,
/// ~150 files here) on the first certificate chain it builds, whatever its trust mode, to look for intermediates.
/// It finds that store through OpenSSL's <c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c>, read from the native
/// environment; set to empty, they name no file and no directory, and OpenSSL's compiled-in defaults are not used.
/// </summary>
/// <remarks>
/// Process-wide, hence done by the executable before anything else, not by the library: another program that
/// uses <c>Cni.Ipam.Etcd</c> and also talks to servers the system trusts keeps its store.
/// </remarks>
internal static partial class OpenSslTrust
{
    /// <summary>Empties <c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c> in the native environment.</summary>
    public static void UseNoSystemStore()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetEnv("SSL_CERT_FILE", "", 1);
            _ = SetEnv("SSL_CERT_DIR", "", 1);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
