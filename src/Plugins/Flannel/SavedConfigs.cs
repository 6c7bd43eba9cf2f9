using Cni.Ipam;
using Cni.Spec;

namespace Cni.Plugins.Flannel;

/// <summary>
/// The rendered delegate configurations flannel keeps in its data directory, one file per container ID
/// (the reference's layout: <c>&lt;dataDir&gt;/&lt;containerID&gt;</c>, mode 0600 in a 0700 directory), so DEL
/// sends the delegate what ADD sent it.
/// </summary>
internal sealed class SavedConfigs(string dataDir)
{
    public string DataDir { get; } = dataDir;

    public string PathOf(string containerId) => Path.Combine(DataDir, containerId);

    /// <summary>
    /// Saves a configuration so that a crash leaves either the old file or the whole new one
    /// (Cni.Ipam's <see cref="AtomicFile"/>: temporary file, fsync, rename, fsync of the directory).
    /// </summary>
    /// <exception cref="CniException">The directory or file cannot be written (code 5).</exception>
    public void Save(string containerId, ReadOnlySpan<byte> config)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("flannel's saved configurations use Unix file modes");
            }

            Directory.CreateDirectory(DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            AtomicFile.Write(PathOf(containerId), config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"failed to save the delegate configuration to {PathOf(containerId)}: {e.Message}", "flannel's dataDir must be writable by the runtime");
        }
    }

    /// <summary>The saved configuration, or <see langword="null"/> when there is none.</summary>
    /// <exception cref="CniException">It exists but cannot be read (code 5).</exception>
    public byte[]? Read(string containerId)
    {
        try
        {
            return File.ReadAllBytes(PathOf(containerId));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"failed to read the saved delegate configuration {PathOf(containerId)}: {e.Message}");
        }
    }

    /// <exception cref="CniException">The file exists but cannot be removed (code 5).</exception>
    public void Remove(string containerId)
    {
        try
        {
            File.Delete(PathOf(containerId));
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"failed to remove the saved delegate configuration {PathOf(containerId)}: {e.Message}");
        }
    }

    /// <summary>
    /// Removes the saved configurations of containers not in <paramref name="keep"/>, and temporary files a
    /// crash left behind (older than a minute); returns the container IDs removed.
    /// </summary>
    public List<string> RemoveAllBut(IReadOnlySet<string> keep)
    {
        var removed = new List<string>();
        if (!Directory.Exists(DataDir))
        {
            return removed;
        }

        foreach (string path in Directory.EnumerateFiles(DataDir))
        {
            string name = Path.GetFileName(path);
            if (AtomicFile.IsTemporary(name))
            {
                // A temporary file of an ADD that may still be running is left to that ADD.
                if (File.GetLastWriteTimeUtc(path) < DateTime.UtcNow.AddMinutes(-1))
                {
                    TryDelete(path);
                }
            }
            else if (!keep.Contains(name))
            {
                Remove(name);
                removed.Add(name);
            }
        }

        return removed;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
