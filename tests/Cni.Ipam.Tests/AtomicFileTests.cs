using System.Text;
using Cni.Ipam;

namespace Cni.Ipam.Tests;

public class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnitest-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Writes_the_whole_content_with_the_mode_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_dir, "ctr1");
        AtomicFile.Write(path, "{\"a\":1}"u8, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("{\"a\":1}", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Replaces_an_existing_file_whole()
    {
        string path = Path.Combine(_dir, "ctr1");
        File.WriteAllText(path, new string('x', 4096));
        AtomicFile.Write(path, "short"u8, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("short", File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(_dir, "ctr1");
        Directory.CreateDirectory(path); // a directory where the file should go: the rename fails
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, "new"u8, UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.True(Directory.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Temporary_names_are_recognised()
    {
        Assert.True(AtomicFile.IsTemporary(".tmp-ctr1-0123"));
        Assert.False(AtomicFile.IsTemporary("ctr1"));
        Assert.False(AtomicFile.IsTemporary("10.0.0.2"));
    }
}
