using System.Net;
using System.Text;
using Cni.Spec;
using static Cni.Ipam.Tests.T;

namespace Cni.Ipam.Tests;

public class DiskStoreTests
{
    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    private static string Content(string path) => File.ReadAllText(path);

    [Fact]
    public void Layout_is_the_reference_byte_for_byte()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/30")), Set(Range("fd00::/120"))]);
        ipam.Allocate("c1", "eth0");

        string net = dir.Net();
        Assert.Equal("c1\r\neth0", Content(Path.Combine(net, "10.10.0.2")));
        Assert.Equal("c1\r\neth0", Content(Path.Combine(net, "fd00::2")));
        Assert.Equal("10.10.0.2", Content(Path.Combine(net, "last_reserved_ip.0")));
        Assert.Equal("fd00::2", Content(Path.Combine(net, "last_reserved_ip.1")));
        Assert.Equal(0, new FileInfo(Path.Combine(net, "lock")).Length);
        // The reference's files, and our owner index (a dot file, which no address or container ID can be).
        Assert.Equal(
            [LeaseIndex.FileName, "10.10.0.2", "fd00::2", "last_reserved_ip.0", "last_reserved_ip.1", "lock"],
            Directory.EnumerateFileSystemEntries(net).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Modes_are_the_references_under_the_processes_umask()
    {
        // The reference asks for 0755 directories, 0644 files and a 0750 lock; the umask of the test host (022) keeps them.
        using var dir = new TempDir();
        using var store = new DiskIpamStore(Path.Combine(dir.Path, "data"), "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        string net = Path.Combine(dir.Path, "data", "net1");
        const UnixFileMode rwxr_xr_x = (UnixFileMode)0b111_101_101;
        Assert.Equal(rwxr_xr_x, Mode(Path.Combine(dir.Path, "data")));
        Assert.Equal(rwxr_xr_x, Mode(net));
        Assert.Equal((UnixFileMode)0b110_100_100, Mode(Path.Combine(net, "10.10.0.2")));
        Assert.Equal((UnixFileMode)0b110_100_100, Mode(Path.Combine(net, "last_reserved_ip.0")));
        Assert.Equal((UnixFileMode)0b111_101_000, Mode(Path.Combine(net, "lock")));
    }

    [Fact]
    public void Constructor_touches_nothing_and_refuses_names_that_leave_the_data_dir()
    {
        using var dir = new TempDir();
        using (new DiskIpamStore(dir.Path, "net1"))
        {
            Assert.False(Directory.Exists(dir.Net()));
        }

        foreach (string name in new[] { "../evil", "a/b", "..", ".", "x:y", "a b", "/abs" })
        {
            CniException e = Assert.Throws<CniException>(() => new DiskIpamStore(dir.Path, name));
            Assert.Equal(CniErrorCode.InvalidNetworkConfig, e.Code);
            Assert.StartsWith($"invalid network name \"{name}\": it must start with a letter or digit", e.Message, StringComparison.Ordinal);
        }

        CniException missing = Assert.Throws<CniException>(() => new DiskIpamStore(dir.Path, ""));
        Assert.Equal(CniErrorCode.InvalidNetworkConfig, missing.Code);
        Assert.StartsWith("missing network name", missing.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(dir.Path)!, "evil")));
    }

    [Fact]
    public void Container_ids_that_could_escape_are_refused_before_any_file_is_written()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        foreach (string id in new[] { "../../etc", "a/b", ".", "..", "x\r\ny" })
        {
            CniException e = Assert.Throws<CniException>(() => store.TryReserve(Ip("10.10.0.2"), new LeaseOwner(id, "eth0"), 0));
            Assert.Equal(CniErrorCode.InvalidEnvironmentVariables, e.Code);
        }

        Assert.False(Directory.Exists(dir.Net()));
    }

    [Fact]
    public void Legacy_id_only_files_are_found_released_and_collected()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Net());
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.5"), "oldc\n");
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.6"), "keep");
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        Assert.Equal(new LeaseOwner("oldc", null), Assert.Single(ipam.Find("oldc", "eth0")).Owner);
        Assert.Contains("10.10.0.5 has been allocated to oldc", Assert.Throws<CniException>(() => ipam.Allocate("oldc", "eth0")).Message);
        Assert.Equal(Ip("10.10.0.5"), Assert.Single(ipam.Release("oldc", "eth0")).Address);
        Assert.False(File.Exists(Path.Combine(dir.Net(), "10.10.0.5")));
        Assert.Empty(ipam.CollectGarbage([new LeaseOwner("keep", "eth3")]));
        Assert.Single(ipam.CollectGarbage([]));
        Assert.False(File.Exists(Path.Combine(dir.Net(), "10.10.0.6")));
    }

    [Fact]
    public void Release_prefers_the_exact_owner_over_legacy_files_like_the_reference()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Net());
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.5"), "c1");
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.6"), new LeaseOwner("c1", "eth0"), 0);
        Assert.Equal(Ip("10.10.0.6"), Assert.Single(store.ReleaseByOwner("c1", "eth0")).Address);
        Assert.True(File.Exists(Path.Combine(dir.Net(), "10.10.0.5")));
        Assert.Equal(Ip("10.10.0.5"), Assert.Single(store.ReleaseByOwner("c1", "eth0")).Address);
    }

    [Fact]
    public void Gc_never_touches_lock_last_reserved_or_foreign_files_and_removes_stale_temporaries()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        ipam.Allocate("c1", "eth0");
        ipam.Allocate("c2", "eth0");
        File.WriteAllText(Path.Combine(dir.Net(), "README"), "not a lease");
        File.WriteAllText(Path.Combine(dir.Net(), DiskIpamStore.TempPrefix + "123-crashed"), "c9\r\neth0");

        Assert.Equal(2, ipam.CollectGarbage([]).Count);
        Assert.Equal(
            [LeaseIndex.FileName, "README", "last_reserved_ip.0", "lock"],
            Directory.EnumerateFileSystemEntries(dir.Net()).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("10.10.0.3", Content(Path.Combine(dir.Net(), "last_reserved_ip.0")));
    }

    [Fact]
    public void A_crash_leftover_temporary_file_is_never_taken_for_a_lease()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Net());
        File.WriteAllText(Path.Combine(dir.Net(), DiskIpamStore.TempPrefix + "1-x"), "");
        using var store = new DiskIpamStore(dir.Path, "net1");
        Assert.Empty(store.GetReservedAddresses());
        Assert.Empty(store.GetLeases());
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.Net()), f => Path.GetFileName(f).StartsWith(DiskIpamStore.TempPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Where_there_is_no_O_TMPFILE_a_named_temporary_file_is_linked_and_removed()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1") { AnonymousFiles = false };
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24")), Set(Range("fd00::/120"))]);
        Assert.Equal(["10.10.0.2/24", "fd00::2/120"], ipam.Allocate("c1", "eth0").Select(a => a.ToString()));
        Assert.False(store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c2", "eth0"), 0));
        Assert.Equal("c1\r\neth0", Content(Path.Combine(dir.Net(), "10.10.0.2")));
        Assert.Equal([LeaseIndex.FileName, "10.10.0.2", "fd00::2", "last_reserved_ip.0", "last_reserved_ip.1", "lock"],
            Directory.EnumerateFileSystemEntries(dir.Net()).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, ipam.Release("c1", "eth0").Count);
        ipam.CheckStatus();
        Assert.Equal([LeaseIndex.FileName, "last_reserved_ip.0", "last_reserved_ip.1", "lock"],
            Directory.EnumerateFileSystemEntries(dir.Net()).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(1, store.Index.RebuildCount); // the temporary names were our own changes: the index stayed trusted
    }

    [Fact]
    public void Reserve_is_exclusive()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        Assert.True(store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0));
        Assert.False(store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c2", "eth0"), 0));
        Assert.Equal("c1\r\neth0", Content(Path.Combine(dir.Net(), "10.10.0.2")));
        Assert.False(store.Release(Ip("10.10.0.2"), new LeaseOwner("c2", "eth0")));
        Assert.True(store.Release(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0")));
        Assert.False(File.Exists(Path.Combine(dir.Net(), "10.10.0.2")));
    }

    [Fact]
    public void Symbolic_links_in_the_network_directory_are_not_followed()
    {
        using var dir = new TempDir();
        string outside = Path.Combine(dir.Path, "outside");
        File.WriteAllText(outside, "c1\r\neth0");
        Directory.CreateDirectory(dir.Net());
        File.CreateSymbolicLink(Path.Combine(dir.Net(), "10.10.0.2"), outside);
        File.CreateSymbolicLink(Path.Combine(dir.Net(), "last_reserved_ip.0"), outside);
        using var store = new DiskIpamStore(dir.Path, "net1");

        Assert.Empty(store.FindByOwner("c1", "eth0"));
        Assert.Empty(store.ReleaseByOwner("c1", "eth0"));
        Assert.Null(store.GetLastReserved(0));
        Assert.False(store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0)); // the name is taken, not written through
        Assert.True(store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c1", "eth0"), 0));
        Assert.Equal("c1\r\neth0", Content(outside));
        Assert.True(File.Exists(outside));
        Assert.Null(new FileInfo(Path.Combine(dir.Net(), "last_reserved_ip.0")).LinkTarget); // replaced, not followed
        Assert.Equal("10.10.0.3", Content(Path.Combine(dir.Net(), "last_reserved_ip.0")));
        Assert.Single(store.ReleaseByOwner("c1", "eth0"));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public void A_data_dir_that_cannot_be_created_is_named_with_the_system_reason()
    {
        // The reason comes from errno, not from an exception text (a bare resource key in trimmed NativeAOT builds).
        using var dir = new TempDir();
        string file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "");
        using var store = new DiskIpamStore(Path.Combine(file, "data"), "net1");
        CniException e = Assert.Throws<CniException>(() => store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0));
        Assert.Equal(CniErrorCode.IOFailure, e.Code);
        Assert.Equal($"failed to create {file}: Not a directory", e.Message);

        // Directories on the way that are links to directories are fine; missing ones are made, 0755 less the umask.
        string real = Path.Combine(dir.Path, "real");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "link"), real);
        using var linked = new DiskIpamStore(Path.Combine(dir.Path, "link", "a", "b"), "net1");
        Assert.True(linked.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0));
        Assert.True(File.Exists(Path.Combine(real, "a", "b", "net1", "10.10.0.2")));
        int mode = (int)File.GetUnixFileMode(Path.Combine(real, "a"));
        Assert.True((mode & ~0b111_101_101) == 0 && (mode & 0b111_000_000) == 0b111_000_000, $"mode {Convert.ToString(mode, 8)}");
    }

    [Fact]
    public void A_network_directory_that_is_a_symbolic_link_is_refused()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "elsewhere"));
        Directory.CreateSymbolicLink(dir.Net(), Path.Combine(dir.Path, "elsewhere"));
        using var store = new DiskIpamStore(dir.Path, "net1");
        CniException e = Assert.Throws<CniException>(() => store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0));
        Assert.Equal(CniErrorCode.IOFailure, e.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(dir.Path, "elsewhere")));
    }

    [Fact]
    public void Status_reports_an_unusable_data_dir_with_code_50()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "file"), "");
        using var store = new DiskIpamStore(Path.Combine(dir.Path, "file"), "net1"); // data dir is a file
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        IpamStatus status = ipam.GetStatus();
        Assert.NotNull(status.StoreError);
        CniException e = Assert.Throws<CniException>(ipam.CheckStatus);
        Assert.Equal(CniErrorCode.PluginNotAvailable, e.Code);

        using var good = new DiskIpamStore(dir.Path, "net1");
        new HostLocalIpam(good, [Set(Range("10.10.0.0/24"))]).CheckStatus();
        Assert.Equal(["lock"], Directory.EnumerateFileSystemEntries(dir.Net()).Select(Path.GetFileName));
    }

    [Fact]
    public void Status_reports_exhaustion_from_the_directory_listing()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/30"))]);
        Assert.True(ipam.GetStatus().IsAvailable);
        ipam.Allocate("c1", "eth0");
        Assert.True(ipam.GetStatus().AllExhausted);
    }

    [Fact]
    public void Index_is_rebuilt_when_deleted()
    {
        using var dir = new TempDir();
        using (var store = new DiskIpamStore(dir.Path, "net1"))
        {
            store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
            store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0);
        }

        File.Delete(Path.Combine(dir.Net(), LeaseIndex.FileName));
        using var again = new DiskIpamStore(dir.Path, "net1");
        Assert.Equal(Ip("10.10.0.3"), Assert.Single(again.ReleaseByOwner("c2", "eth0")).Address);
        Assert.Equal(1, again.Index.RebuildCount);
        Assert.Equal(Ip("10.10.0.2"), Assert.Single(again.FindByOwner("c1", "eth0")).Address);
        Assert.Equal(1, again.Index.RebuildCount);
    }

    [Fact]
    public void Index_entry_deleted_by_hand_is_noticed()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0);
        // Someone removes c1's line and keeps the stamp: the index's length no longer matches its stamp.
        string[] lines = File.ReadAllLines(store.IndexPath);
        Assert.Contains("+10.10.0.2 c1 eth0", lines);
        File.WriteAllLines(store.IndexPath, lines.Where(l => l != "+10.10.0.2 c1 eth0"));
        int before = store.Index.RebuildCount;
        Assert.Single(store.ReleaseByOwner("c1", "eth0"));
        Assert.Equal(before + 1, store.Index.RebuildCount);
    }

    [Fact]
    public void Index_is_rebuilt_when_someone_else_changes_the_directory_and_otherwise_trusted()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        int before = store.Index.RebuildCount;
        store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0);
        Assert.Single(store.FindByOwner("c2", "eth0"));
        Assert.Equal(before, store.Index.RebuildCount); // our own changes keep the index trusted

        // Another writer (the Go binary, a person) adds a lease right after us, within the same clock tick.
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.9"), "c1\r\neth0");
        Assert.Equal(["10.10.0.2", "10.10.0.9"], store.FindByOwner("c1", "eth0").Select(l => l.Address.ToString()).Order());
        Assert.Equal(before + 1, store.Index.RebuildCount);
        Assert.Equal(2, store.ReleaseByOwner("c1", "eth0").Count);
    }

    [Fact]
    public void Rebuild_follows_what_another_writer_did()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.4"), new LeaseOwner("c3", "eth0"), 0);
        int before = store.Index.RebuildCount;
        // Someone else removes c2's lease and adds one for c3.
        File.Delete(Path.Combine(dir.Net(), "10.10.0.3"));
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.9"), "c3\r\neth0");
        Assert.Equal(2, store.FindByOwner("c3", "eth0").Count);
        Assert.Equal(before + 1, store.Index.RebuildCount);
        Assert.Empty(store.FindByOwner("c2", "eth0"));
        Assert.Single(store.FindByOwner("c1", "eth0"));
        Assert.Equal(before + 1, store.Index.RebuildCount);
        Assert.Equal(
            ["+10.10.0.2 c1 eth0", "+10.10.0.4 c3 eth0", "+10.10.0.9 c3 eth0"],
            File.ReadAllLines(store.IndexPath).Where(l => l[0] is '+' or '-').Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Stale_index_entries_are_verified_against_the_lease_files()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        // Rewrite the lease in place for someone else: the directory does not change, the index is stale.
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.2"), "c2\r\neth0");
        Assert.Empty(store.ReleaseByOwner("c1", "eth0"));
        Assert.Equal("c2\r\neth0", Content(Path.Combine(dir.Net(), "10.10.0.2")));
    }

    [Fact]
    public void Index_file_is_never_read_as_an_owner_or_an_address()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c1", null), 0);
        store.ReleaseByOwner("c1", "eth0");
        Assert.Equal(Path.Combine(dir.Net(), ".cni-ipam-index"), store.IndexPath);
        Assert.Null(IpAddressMath.TryParse(LeaseIndex.FileName));
        string text = File.ReadAllText(store.IndexPath);
        // The Go binary compares each file's trimmed text with "id\r\nifname" and with the bare "id".
        Assert.StartsWith("#", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        Assert.Equal(["-10.10.0.2 c1 eth0", "+10.10.0.3 c1"], text.Split('\n').Where(l => l.Length != 0 && l[0] is '+' or '-'));
        Assert.Equal(Ip("10.10.0.3"), Assert.Single(store.GetLeases()).Address);
    }

    [Fact]
    public void Removing_the_network_directory_leaves_nothing_of_ours_behind()
    {
        // What admins do to reset leases: rm -rf <dataDir>/<network>.
        using var dir = new TempDir();
        using (var store = new DiskIpamStore(dir.Path, "net1"))
        {
            var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24")), Set(Range("fd00::/120"))]);
            ipam.Allocate("c1", "eth0");
            ipam.Allocate("c2", "eth0");
            ipam.Release("c1", "eth0");
        }

        Directory.Delete(dir.Net(), recursive: true);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));

        using var again = new DiskIpamStore(dir.Path, "net1");
        var fresh = new HostLocalIpam(again, [Set(Range("10.10.0.0/24")), Set(Range("fd00::/120"))]);
        Assert.Empty(fresh.Find("c2", "eth0"));
        Assert.Equal(["10.10.0.2/24", "fd00::2/120"], fresh.Allocate("c2", "eth0").Select(a => a.ToString()));
        Assert.Equal(["net1"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void The_index_of_earlier_versions_beside_the_network_directory_is_removed()
    {
        using var dir = new TempDir();
        string legacy = Path.Combine(dir.Path, LeaseIndex.LegacyDirectoryName, "net1");
        Directory.CreateDirectory(legacy);
        File.WriteAllText(Path.Combine(legacy, "stamp"), "# cni-ipam stamp v1 1 2 3");
        File.WriteAllText(Path.Combine(legacy, "63310d0a65746830"), "# cni-ipam owner index v1\n10.10.0.2\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, LeaseIndex.LegacyDirectoryName, "other"));
        Directory.CreateDirectory(dir.Net());
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.2"), "c1\r\neth0");

        using var store = new DiskIpamStore(dir.Path, "net1");
        Assert.Equal(Ip("10.10.0.2"), Assert.Single(store.ReleaseByOwner("c1", "eth0")).Address);
        Assert.False(Directory.Exists(legacy));
        Assert.True(Directory.Exists(Path.Combine(dir.Path, LeaseIndex.LegacyDirectoryName, "other")), "another network's is not ours to remove");

        Directory.Delete(Path.Combine(dir.Path, LeaseIndex.LegacyDirectoryName, "other"));
        Directory.CreateDirectory(Path.Combine(dir.Path, LeaseIndex.LegacyDirectoryName, "net2"));
        using var second = new DiskIpamStore(dir.Path, "net2");
        Assert.Empty(second.ReleaseByOwner("c1", "eth0"));
        Assert.Equal(["net1", "net2"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void One_file_is_created_per_reservation_and_no_other_name_ever_appears()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        ipam.Allocate("warm", "eth0"); // the first ADD also makes lock, last_reserved_ip.0 and the index, as the reference makes the first two

        var created = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var watcher = new FileSystemWatcher(dir.Path) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName };
        watcher.Created += (_, e) => created.Enqueue(Path.GetRelativePath(dir.Path, e.FullPath));
        watcher.Renamed += (_, e) => created.Enqueue("renamed " + Path.GetRelativePath(dir.Path, e.FullPath));
        watcher.EnableRaisingEvents = true;
        string[] before = [.. Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)];
        for (int i = 1; i <= 10; i++)
        {
            ipam.Allocate("c" + i, "eth0");
        }

        ipam.Release("c1", "eth0");
        ipam.Allocate("c11", "eth0");
        string[] expected = [.. Enumerable.Range(3, 11).Select(i => Path.Combine("net1", "10.10.0." + i))];
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (created.Count < expected.Length && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Thread.Sleep(200); // anything else would have arrived by now
        Assert.Equal(expected.Order(StringComparer.Ordinal), created.Order(StringComparer.Ordinal));
        string[] after = [.. Directory.EnumerateFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)];
        Assert.Equal(before.Length + 10, after.Length); // 11 leases made, 1 released
    }

    [Fact]
    public void The_index_is_compacted_and_stays_right()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        for (int round = 0; round < 40; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                ipam.Allocate($"r{round}-{i}", "eth0");
            }

            for (int i = 0; i < 20; i++)
            {
                if (i != round % 20)
                {
                    Assert.Single(ipam.Release($"r{round}-{i}", "eth0"));
                }
            }
        }

        Assert.True(store.Index.CompactionCount > 0);
        Assert.Equal(1, store.Index.RebuildCount); // the first operation built it; it was trusted ever since
        Assert.True(new FileInfo(store.IndexPath).Length < 2 * LeaseIndex.CompactAbove);
        Assert.Equal(40, store.GetLeases().Count);
        for (int round = 0; round < 40; round++)
        {
            Assert.Single(ipam.Find($"r{round}-{round % 20}", "eth0"));
        }

        // A fresh instance (a new process) trusts the compacted file as it is.
        using var next = new DiskIpamStore(dir.Path, "net1");
        Assert.Single(next.FindByOwner("r5-5", "eth0"));
        Assert.Equal(0, next.Index.RebuildCount);
    }

    [Fact]
    public void Owners_written_by_others_with_white_space_are_not_indexed_but_still_collected()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Net());
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.5"), "a b\r\neth0");
        using var store = new DiskIpamStore(dir.Path, "net1");
        var ipam = new HostLocalIpam(store, [Set(Range("10.10.0.0/24"))]);
        Assert.Equal("10.10.0.2", ipam.Allocate("c1", "eth0")[0].Address.ToString());
        Assert.Single(File.ReadAllLines(store.IndexPath), l => l.StartsWith('+'));
        Assert.Equal(Ip("10.10.0.5"), Assert.Single(ipam.CollectGarbage([new LeaseOwner("c1", "eth0")])).Address);
    }

    [Fact]
    public void Threads_with_separate_store_instances_never_hand_out_an_address_twice()
    {
        using var dir = new TempDir();
        RangeSet set = Set(Range("10.10.0.0/24"));
        const int Threads = 8, PerThread = 25;
        var results = new System.Collections.Concurrent.ConcurrentBag<IPAddress>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                using var store = new DiskIpamStore(dir.Path, "net1");
                var ipam = new HostLocalIpam(store, [set]);
                results.Add(ipam.Allocate($"c{t}-{i}", "eth0")[0].Address);
            }
        });
        Assert.Equal(Threads * PerThread, results.Distinct().Count());
        using var check = new DiskIpamStore(dir.Path, "net1");
        Assert.Equal(Threads * PerThread, check.GetLeases().Count);
        Assert.Equal([LeaseIndex.FileName], Directory.EnumerateFiles(dir.Net()).Select(Path.GetFileName).Where(f => f!.StartsWith('.')));
        Assert.Equal(Threads * PerThread, File.ReadAllLines(check.IndexPath).Count(l => l.StartsWith('+')));
    }

    [Fact]
    public void Lock_excludes_another_instance_until_released()
    {
        using var dir = new TempDir();
        using var a = new DiskIpamStore(dir.Path, "net1");
        using var b = new DiskIpamStore(dir.Path, "net1");
        using var entered = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (b.Lock())
            {
                entered.Set();
            }
        });
        using (a.Lock())
        {
            other.Start();
            Assert.False(entered.Wait(300, TestContext.Current.CancellationToken));
        }

        Assert.True(entered.Wait(5000, TestContext.Current.CancellationToken));
        other.Join();
    }

    [Fact]
    public void Content_of_a_reservation_is_written_before_the_name_appears()
    {
        // The lease is linked into place only once complete: no reader ever sees an empty lease file.
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        int empty = 0, stop = 0;
        var reader = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                if (!Directory.Exists(dir.Net()))
                {
                    continue;
                }

                foreach (string f in Directory.EnumerateFiles(dir.Net(), "10.*"))
                {
                    try
                    {
                        if (new FileInfo(f).Length == 0)
                        {
                            Interlocked.Increment(ref empty);
                        }
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        });
        reader.Start();
        Directory.CreateDirectory(dir.Net());
        for (int i = 2; i < 200; i++)
        {
            store.TryReserve(IPAddress.Parse($"10.10.0.{i}"), new LeaseOwner("c" + i, "eth0"), 0);
        }

        Volatile.Write(ref stop, 1);
        reader.Join();
        Assert.Equal(0, empty);
        Assert.Equal(198, store.GetLeases().Count);
    }

    [Fact]
    public void Owner_text_round_trips()
    {
        Assert.Equal(new LeaseOwner("c1", "eth0"), DiskIpamStore.ParseOwner("c1\r\neth0\n"));
        Assert.Equal(new LeaseOwner("c1", null), DiskIpamStore.ParseOwner(" c1 \n"));
        Assert.Equal("c1\r\neth0", Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(new LeaseOwner("c1", "eth0").ToString())));
    }
}
