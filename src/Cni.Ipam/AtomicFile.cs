using Cni.Internal;

namespace Cni.Ipam;

/// <summary>
/// Replaces a small file so that a crash at any moment leaves either the old file or the whole new one,
/// never a partial one: the content goes to a temporary file in the same directory, is flushed to disk,
/// renamed over the final name, and the directory is flushed so the rename itself survives a power loss.
/// </summary>
/// <remarks>
/// The temporary file's name starts with <c>.tmp-</c> (see <see cref="IsTemporary"/>), so a directory
/// whose entries are identifiers that cannot start with a dot (container IDs, addresses) can tell the
/// leftovers of a crash from its own files. Linux only.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing it atomically.</summary>
    /// <param name="path">The file; its directory must exist.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="mode">The new file's permissions, for example <c>UserRead | UserWrite</c> (0600).</param>
    /// <exception cref="IOException">The file could not be written, flushed or renamed; the old file, if any, is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DurableFile.Replace(path, content, mode);
    }

    /// <summary>Whether a file name is one of this type's temporary files (left behind only by a crash or a write in progress).</summary>
    /// <param name="fileName">A file name without directory.</param>
    /// <returns><see langword="true"/> for a temporary file.</returns>
    public static bool IsTemporary(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return DurableFile.IsTemporary(fileName);
    }
}
