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
        Assert.Equal(
            ["10.10.0.2", "fd00::2", "last_reserved_ip.0", "last_reserved_ip.1", "lock"],
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
            ["README", "last_reserved_ip.0", "lock"],
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

        Directory.Delete(Path.Combine(dir.Path, LeaseIndex.DirectoryName, "net1"), recursive: true);
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
        File.Delete(Path.Combine(store.IndexDirectory, LeaseIndex.EntryName(new LeaseOwner("c1", "eth0"))));
        Assert.Single(store.ReleaseByOwner("c1", "eth0"));
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
    public void Rebuild_keeps_entries_that_are_still_right_and_fixes_the_others()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.3"), new LeaseOwner("c2", "eth0"), 0);
        store.TryReserve(Ip("10.10.0.4"), new LeaseOwner("c3", "eth0"), 0);
        string c1 = Path.Combine(store.IndexDirectory, LeaseIndex.EntryName(new LeaseOwner("c1", "eth0")));
        DateTime kept = File.GetLastWriteTimeUtc(c1);
        Thread.Sleep(20);
        int before = store.Index.RebuildCount;
        // Someone else removes c2's lease and adds one for c3.
        File.Delete(Path.Combine(dir.Net(), "10.10.0.3"));
        File.WriteAllText(Path.Combine(dir.Net(), "10.10.0.9"), "c3\r\neth0");
        Assert.Equal(2, store.FindByOwner("c3", "eth0").Count);
        Assert.Equal(before + 1, store.Index.RebuildCount);
        Assert.Equal(kept, File.GetLastWriteTimeUtc(c1));
        Assert.False(File.Exists(Path.Combine(store.IndexDirectory, LeaseIndex.EntryName(new LeaseOwner("c2", "eth0")))));
        Assert.Empty(store.FindByOwner("c2", "eth0"));
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
    public void Index_files_never_read_as_an_owner()
    {
        using var dir = new TempDir();
        using var store = new DiskIpamStore(dir.Path, "net1");
        store.TryReserve(Ip("10.10.0.2"), new LeaseOwner("c1", "eth0"), 0);
        Assert.Equal(Path.Combine(dir.Path, ".cni-ipam-index", "net1"), store.IndexDirectory);
        Assert.Equal(2, Directory.EnumerateFiles(store.IndexDirectory).Count());
        foreach (string file in Directory.EnumerateFiles(store.IndexDirectory))
        {
            Assert.StartsWith("#", File.ReadAllText(file).Trim());
        }
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
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.Net()), f => Path.GetFileName(f).StartsWith('.'));
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

    [Fact]
    public void Index_entry_names_are_plain_hex_and_long_owners_are_hashed_into_a_distinct_name_space()
    {
        string plain = LeaseIndex.EntryName(new LeaseOwner("c1", "eth0"));
        Assert.Equal(Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(new LeaseOwner("c1", "eth0").ToString())), plain);
        string longOwner = LeaseIndex.EntryName(new LeaseOwner(new string('a', 200), "eth0"));
        Assert.StartsWith("h", longOwner, StringComparison.Ordinal);
        Assert.Equal(65, longOwner.Length);
        Assert.True(LeaseIndex.EntryName(new LeaseOwner(new string('a', 112), "eth0")).Length <= 255);
        Assert.NotEqual(LeaseIndex.EntryName(new LeaseOwner("c1", "eth0")), LeaseIndex.EntryName(new LeaseOwner("c1", "eth1")));
    }
}
