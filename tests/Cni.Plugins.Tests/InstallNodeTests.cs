using System.Security.Cryptography;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// eng/install-node.sh against a temporary plugin directory seeded with copies of the Go binaries (never
/// the real /opt/cni/bin): install puts the multi-call binary and its links in place and keeps what they
/// replace; installing again keeps the originals; rollback restores every file byte for byte.
/// </summary>
public sealed class InstallNodeTests : IDisposable
{
    private static readonly string[] Ours = ["bridge", "host-local", "loopback", "flannel"];
    private readonly string _dir = Directory.CreateTempSubdirectory("cnitest-install-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Script => Path.Combine(RepoPaths.Root, "eng", "install-node.sh");

    private static string From => Path.GetDirectoryName(MultiCallTests.Multi("cni-plugins"))!;

    private static ProcessResult Run(params string[] args) => Processes.Run(Script, new Dictionary<string, string?>(), args: args);

    /// <summary>Every entry of a directory (hidden ones too): name, kind, mode, modification time and content hash.</summary>
    private static string[] Snapshot(string dir) =>
        [.. new DirectoryInfo(dir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(f => f.LinkTarget is string target
                ? $"{Path.GetRelativePath(dir, f.FullName)} -> {target}"
                : f is FileInfo file
                    ? $"{Path.GetRelativePath(dir, f.FullName)} {file.UnixFileMode} {file.LastWriteTimeUtc:O} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName)))}"
                    : $"{Path.GetRelativePath(dir, f.FullName)}/")
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Install_twice_then_rollback_restores_the_go_binaries_byte_for_byte()
    {
        string bin = Path.Combine(_dir, "opt-cni-bin");
        Directory.CreateDirectory(bin);
        foreach (string name in new[] { "bridge", "host-local", "loopback", "portmap" })
        {
            string target = Path.Combine(bin, name);
            File.Copy(Requires.ReferencePlugin(name), target);
            if (name == "loopback")
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
            }

            File.SetLastWriteTimeUtc(target, new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        }

        string[] before = Snapshot(bin);

        ProcessResult install = Run("--from", From, bin);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("replaced (kept in", install.Stdout, StringComparison.Ordinal);
        AssertInstalled(bin);
        string backup = Path.Combine(bin, ".cni-libraries-backup");
        string[] backedUp = Snapshot(backup);

        // Again, as an upgrade would: the backup still holds the Go binaries, not our links.
        ProcessResult again = Run("--from", From, bin);
        Assert.True(again.ExitCode == 0, again.ToString());
        AssertInstalled(bin);
        Assert.Equal(backedUp, Snapshot(backup));
        foreach (string name in new[] { "bridge", "host-local", "loopback" })
        {
            Assert.Equal(File.ReadAllBytes(Requires.ReferencePlugin(name)), File.ReadAllBytes(Path.Combine(backup, name)));
        }

        Assert.Equal(
            ["added cni-plugins", "added flannel", "replaced bridge", "replaced host-local", "replaced loopback"],
            File.ReadAllLines(Path.Combine(backup, "manifest")).Select(l => string.Join(' ', l.Split(' ').Take(2))).Order(StringComparer.Ordinal));

        ProcessResult rollback = Run("--rollback", bin);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(string.Join('\n', before), string.Join('\n', Snapshot(bin)));

        ProcessResult nothing = Run("--rollback", bin);
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("nothing to roll back", nothing.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(bin));
    }

    [Fact]
    public void Install_into_a_new_directory_and_rollback_leaves_it_empty()
    {
        string bin = Path.Combine(_dir, "new", "bin");
        ProcessResult install = Run("--from", From, bin);
        Assert.True(install.ExitCode == 0, install.ToString());
        AssertInstalled(bin);
        ProcessResult rollback = Run("--rollback", bin);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Empty(Snapshot(bin));
    }

    [Fact]
    public void Rollback_refuses_a_backup_that_changed()
    {
        string bin = Path.Combine(_dir, "tampered");
        Directory.CreateDirectory(bin);
        File.Copy(Requires.ReferencePlugin("bridge"), Path.Combine(bin, "bridge"));
        Assert.Equal(0, Run("--from", From, bin).ExitCode);
        File.AppendAllText(Path.Combine(bin, ".cni-libraries-backup", "bridge"), "x");
        ProcessResult rollback = Run("--rollback", bin);
        Assert.NotEqual(0, rollback.ExitCode);
        Assert.Contains("has changed since the install", rollback.Stderr, StringComparison.Ordinal);
        AssertInstalled(bin);
    }

    private static void AssertInstalled(string bin)
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(From, "cni-plugins")), File.ReadAllBytes(Path.Combine(bin, "cni-plugins")));
        foreach (string name in Ours)
        {
            string link = Path.Combine(bin, name);
            Assert.Equal("cni-plugins", new FileInfo(link).LinkTarget);
            ProcessResult about = Processes.Run(link, new Dictionary<string, string?> { ["CNI_COMMAND"] = null });
            Assert.Matches($@"^CNI {name} plugin \(Cni\.Libraries \d+\.\d+\.\d+\+[0-9a-f]{{40}}\)\n", about.Stderr);
            ProcessResult version = Processes.Run(link, new Dictionary<string, string?> { ["CNI_COMMAND"] = "VERSION" }, """{"cniVersion":"1.0.0"}""");
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.StartsWith("""{"cniVersion":"1.0.0","supportedVersions":[""", version.Stdout, StringComparison.Ordinal);
        }
    }
}
