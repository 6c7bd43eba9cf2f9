using System.Buffers;
using System.Text;
using System.Text.Json;
using Cni.Internal;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// The result cache in libcni's format and place: <c>&lt;directory&gt;/results/&lt;network&gt;-&lt;containerID&gt;-&lt;ifname&gt;</c>,
/// a JSON object of kind <c>cniCacheV1</c> with the configuration list base64-encoded, mode 0600 in a
/// 0700 directory. An entry written by libcni is read here and the other way round.
/// </summary>
/// <remarks>
/// Unlike libcni, which writes the file in place without a sync, an entry is written to a temporary file
/// in the same directory, flushed to disk, renamed over the entry and the directory flushed, so a crash
/// leaves the old entry or the new one, never part of one. Entries that are a bare result (the legacy
/// format) are read too.
/// </remarks>
public sealed class ResultCache
{
    internal const string Kind = "cniCacheV1";

    /// <summary>Creates a cache over a directory (libcni's default is <c>/var/lib/cni</c>).</summary>
    /// <param name="directory">The cache directory; entries live in its <c>results</c> subdirectory.</param>
    public ResultCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>The cache directory.</summary>
    public string Directory { get; }

    /// <summary>The directory holding the entries: <c>&lt;directory&gt;/results</c>.</summary>
    public string ResultsDirectory => Path.Combine(Directory, "results");

    /// <summary>The file of an entry: <c>results/&lt;network&gt;-&lt;containerID&gt;-&lt;ifname&gt;</c>.</summary>
    /// <param name="networkName">The network.</param>
    /// <param name="containerId">The container.</param>
    /// <param name="ifName">The interface.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException">A part is empty or contains a path separator.</exception>
    public string GetPath(string networkName, string containerId, string ifName)
    {
        foreach ((string value, string what) in (ReadOnlySpan<(string, string)>)[(networkName, "network name"), (containerId, "container ID"), (ifName, "interface name")])
        {
            if (string.IsNullOrEmpty(value) || value.Contains('/', StringComparison.Ordinal) || value is "." or "..")
            {
                throw new ArgumentException($"the cache file path needs a non-empty {what} without '/' (got \"{value}\")");
            }
        }

        return Path.Combine(ResultsDirectory, $"{networkName}-{containerId}-{ifName}");
    }

    /// <summary>Reads an entry.</summary>
    /// <param name="networkName">The network.</param>
    /// <param name="containerId">The container.</param>
    /// <param name="ifName">The interface.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none.</returns>
    /// <exception cref="CniException">The entry exists but cannot be read or parsed (code 5 or 6, naming the file).</exception>
    public CachedAttachment? Read(string networkName, string containerId, string ifName)
    {
        string path = GetPath(networkName, containerId, ifName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"cannot read the cached result {path}: {e.Message}", null, e);
        }

        return CacheJson.Read(bytes, path, networkName, containerId, ifName);
    }

    /// <summary>Writes (or replaces) an entry atomically, creating the directories with mode 0700 and the file with 0600.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="CniException">The entry could not be written (code 5); any previous entry is unchanged.</exception>
    public void Write(CachedAttachment entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string path = GetPath(entry.NetworkName, entry.ContainerId, entry.IfName);
        byte[] json = CacheJson.Write(entry);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the result cache uses Unix file modes");
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            System.IO.Directory.CreateDirectory(ResultsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            DurableFile.Replace(path, json, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"cannot write the cached result {path}: {e.Message}", null, e);
        }
    }

    /// <summary>Removes an entry.</summary>
    /// <param name="networkName">The network.</param>
    /// <param name="containerId">The container.</param>
    /// <param name="ifName">The interface.</param>
    /// <returns>Whether there was one.</returns>
    /// <exception cref="CniException">It could not be removed (code 5).</exception>
    public bool Delete(string networkName, string containerId, string ifName)
    {
        string path = GetPath(networkName, containerId, ifName);
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.IOFailure, $"cannot remove the cached result {path}: {e.Message}", null, e);
        }
    }

    /// <summary>
    /// Lists the readable <c>cniCacheV1</c> entries, sorted by file name, optionally only those of one network
    /// or one container (as libcni's <c>GetCachedAttachments</c>; unreadable and legacy entries are skipped).
    /// </summary>
    /// <param name="networkName">Only this network's entries, or <see langword="null"/> for all.</param>
    /// <param name="containerId">Only this container's entries, or <see langword="null"/> for all.</param>
    /// <returns>The entries.</returns>
    public IReadOnlyList<CachedAttachment> List(string? networkName = null, string? containerId = null)
    {
        var entries = new List<CachedAttachment>();
        if (!System.IO.Directory.Exists(ResultsDirectory))
        {
            return entries;
        }

        List<string> files = System.IO.Directory.EnumerateFiles(ResultsDirectory).ToList();
        files.Sort(StringComparer.Ordinal);
        foreach (string file in files)
        {
            if (Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            CachedAttachment? entry;
            try
            {
                entry = CacheJson.ReadV1(File.ReadAllBytes(file), file);
            }
            catch (Exception e) when (e is CniException or IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (entry is null || entry.IfName.Length == 0 || entry.NetworkName.Length == 0
                || (networkName is not null && entry.NetworkName != networkName)
                || (containerId is not null && entry.ContainerId != containerId))
            {
                continue;
            }

            entries.Add(entry);
        }

        return entries;
    }
}
