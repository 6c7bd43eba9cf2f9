using System.Globalization;
using System.Net;
using System.Text;
using Cni.Ipam;
using static Cni.Fuzz.PropertyViolation;

namespace Cni.Fuzz;

/// <summary>
/// host-local's files on disk as the store reads them. The input's first byte is flags (bit 0: end the owner
/// index with a stamp that matches the directory, so the store trusts and reads it instead of rebuilding it);
/// the rest is split at NUL bytes into the owner index (<c>.cni-ipam-index</c>), the lease file of 10.1.2.3 and
/// <c>last_reserved_ip.0</c>. The store then looks up, lists and releases by owner; none of that may throw, and
/// whatever it reports must agree with the lease file.
/// </summary>
internal static class HostLocalStoreTarget
{
    private const string Network = "fuzz";
    private static readonly string DataDir = Directory.CreateTempSubdirectory("cni-fuzz-store-").FullName;
    private static readonly string NetworkDir = Path.Combine(DataDir, Network);

    // One data directory per process: the corpus replay and the finding tests call this from several threads.
    private static readonly Lock Gate = new();

    public static void Run(byte[] input)
    {
        lock (Gate)
        {
            RunLocked(input);
        }
    }

    private static void RunLocked(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        bool stamp = (input[0] & 1) != 0;
        byte[][] parts = Split(input.AsSpan(1), 3);
        Reset();
        File.WriteAllBytes(Path.Combine(NetworkDir, "10.1.2.3"), parts[1]);
        File.WriteAllBytes(Path.Combine(NetworkDir, "last_reserved_ip.0"), parts[2]);
        string indexPath = Path.Combine(NetworkDir, ".cni-ipam-index");
        File.WriteAllBytes(indexPath, parts[0]);
        if (stamp)
        {
            AppendStamp(indexPath, parts[0].Length);
        }

        LeaseOwner onDisk = DiskIpamStore.ParseOwner(Encoding.UTF8.GetString(parts[1]));
        using var store = new DiskIpamStore(DataDir, Network);
        _ = store.GetLastReserved(0);
        foreach (Lease lease in store.FindByOwner("c1", "eth0"))
        {
            Require(lease.Owner == onDisk && lease.Address.Equals(IPAddress.Parse("10.1.2.3")), $"store: found {lease.Address} for c1/eth0, but its file says {onDisk}");
        }

        IReadOnlyList<Lease> all = store.GetLeases();
        Require(all.Count == 1 && all[0].Owner == onDisk, $"store: lists {all.Count} leases, expected the one of 10.1.2.3 owned by {onDisk}");
        IReadOnlyList<Lease> released = store.ReleaseByOwner(onDisk.ContainerId, onDisk.IfName ?? "eth0");
        Require(released.Count <= 1, "store: released more than the one lease");
        _ = store.GetReservedAddresses();
    }

    private static void Reset()
    {
        if (Directory.Exists(NetworkDir))
        {
            foreach (string file in Directory.EnumerateFileSystemEntries(NetworkDir))
            {
                if (Path.GetFileName(file) != "lock")
                {
                    File.Delete(file);
                }
            }
        }
        else
        {
            Directory.CreateDirectory(NetworkDir);
        }
    }

    // The stamp LeaseIndex writes: the directory's device, inode and modification time, and where the stamp starts.
    private static void AppendStamp(string indexPath, int length)
    {
        int fd = Posix.OpenDirectory(NetworkDir, noFollow: true);
        try
        {
            Require(Posix.FStat(fd, out Tmds.Linux.stat st) == 0, "fuzz harness: cannot stat the network directory");
            string line = string.Create(CultureInfo.InvariantCulture,
                $"=v2 {(ulong)st.st_dev} {(ulong)st.st_ino} {(long)st.st_mtim.tv_sec}.{(long)st.st_mtim.tv_nsec:D9} {length}\n");
            using FileStream f = File.Open(indexPath, FileMode.Append);
            f.Write(Encoding.UTF8.GetBytes(line));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    private static byte[][] Split(ReadOnlySpan<byte> data, int count)
    {
        var parts = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            int nul = i == count - 1 ? -1 : data.IndexOf((byte)0);
            ReadOnlySpan<byte> part = nul < 0 ? data : data[..nul];
            parts[i] = part.ToArray();
            data = nul < 0 ? [] : data[(nul + 1)..];
        }

        return parts;
    }
}
