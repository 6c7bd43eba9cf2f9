using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Cni.Internal;

/// <summary>
/// Replaces a small file so that a crash at any moment leaves either the old file or the whole new one, never a
/// part: the content goes to a temporary file in the same directory (named <c>.tmp-NAME-GUID</c>), is flushed to
/// disk, renamed over the final name, and the directory is flushed so that the rename itself survives a power loss.
/// </summary>
/// <remarks>
/// One source file compiled into each assembly that needs it (Cni.Ipam's public <c>AtomicFile</c>, Cni.Runtime's
/// result cache) with <c>&lt;Compile Include="../Shared/DurableFile.cs" Link="..." /&gt;</c>: the two packages share
/// no layer of their own below Cni.Spec, and this is no part of Cni.Spec's subject. Internal in each; Linux only.
/// </remarks>
internal static class DurableFile
{
    /// <summary>How the name of every temporary file starts.</summary>
    public const string TemporaryPrefix = ".tmp-";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing it atomically and durably.</summary>
    /// <param name="path">The file; its directory must exist.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="mode">The new file's permissions.</param>
    /// <exception cref="IOException">The file could not be written, flushed or renamed; the old file, if any, is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("durable file replacement uses Unix file modes and directory flushes");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, $"{TemporaryPrefix}{Path.GetFileName(path)}-{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
            using (var file = new FileStream(temp, options))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }

        FlushDirectory(directory);
    }

    /// <summary>Whether a file name is one of <see cref="Replace"/>'s temporary files (left behind only by a crash or a write in progress).</summary>
    /// <param name="fileName">A file name without directory.</param>
    /// <returns><see langword="true"/> for a temporary file.</returns>
    public static bool IsTemporary(string fileName) => fileName.StartsWith(TemporaryPrefix, StringComparison.Ordinal);

    private static unsafe void FlushDirectory(string directory)
    {
        byte[] name = Encoding.UTF8.GetBytes(directory + "\0");
        int fd;
        fixed (byte* p = name)
        {
            do
            {
                fd = LibC.open(p, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            }
            while (fd < 0 && LibC.errno == LibC.EINTR);
        }

        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to flush it: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
        }

        try
        {
            if (LibC.fsync(fd) != 0)
            {
                throw new IOException($"cannot flush {directory}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
            }
        }
        finally
        {
            _ = LibC.close(fd);
        }
    }
}
