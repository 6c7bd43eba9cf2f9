using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cni.Ipam;

// Fills a /16 with leases in the reference layout, then times single ADD and DEL operations the way a
// plugin process does them (open the store, one operation, dispose), for our store and the Go binary.
int leases = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60_000;
const int Rounds = 20;
string root = Directory.CreateTempSubdirectory("cni-ipam-bench-").FullName;
string goPlugin = Environment.GetEnvironmentVariable("CNI_REFERENCE_DIR") is { Length: > 0 } d ? Path.Combine(d, "host-local") : "/usr/lib/cni/host-local";
try
{
    var set = new RangeSet(IpRange.Create(IPAddress.Parse("10.20.0.0"), 16, null, null, null));
    var fill = Stopwatch.StartNew();
    using (var store = new DiskIpamStore(root, "net1"))
    {
        var ipam = new HostLocalIpam(store, [set]);
        using (store.Lock())
        {
            for (int i = 0; i < leases; i++)
            {
                ipam.Allocate("fill" + i.ToString(CultureInfo.InvariantCulture), "eth0");
            }
        }
    }

    Console.WriteLine($"filled {leases} leases in {fill.Elapsed.TotalSeconds:F1} s");

    double Ours(Action<HostLocalIpam> op)
    {
        var sw = Stopwatch.StartNew();
        using var store = new DiskIpamStore(root, "net1");
        op(new HostLocalIpam(store, [set]));
        return sw.Elapsed.TotalMilliseconds;
    }

    double Go(string command, string id)
    {
        var psi = new ProcessStartInfo(goPlugin) { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = id;
        psi.Environment["CNI_NETNS"] = "/x";
        psi.Environment["CNI_IFNAME"] = "eth0";
        psi.Environment["CNI_PATH"] = Path.GetDirectoryName(goPlugin)!;
        var sw = Stopwatch.StartNew();
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write($$$"""{"cniVersion":"1.0.0","name":"net1","ipam":{"type":"host-local","dataDir":"{{{root}}}","ranges":[[{"subnet":"10.20.0.0/16"}]]}}""");
        p.StandardInput.Close();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"Go {command} failed");
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    static string Stats(List<double> ms)
    {
        ms.Sort();
        return $"median {ms[ms.Count / 2],8:F2} ms   min {ms[0],8:F2} ms   max {ms[^1],8:F2} ms";
    }

    // Warm the index (it is rebuilt once after the fill, which ran in this process anyway).
    Ours(ipam => ipam.Find("fill0", "eth0"));

    List<double> add = [], del = [], delOld = [];
    for (int r = 0; r < Rounds; r++)
    {
        string id = "bench" + r.ToString(CultureInfo.InvariantCulture);
        add.Add(Ours(ipam => ipam.Allocate(id, "eth0")));
        del.Add(Ours(ipam => ipam.Release(id, "eth0")));
        string old = "fill" + (r * 997).ToString(CultureInfo.InvariantCulture);
        delOld.Add(Ours(ipam => ipam.Release(old, "eth0")));
    }

    Console.WriteLine($"ours ADD           {Stats(add)}");
    Console.WriteLine($"ours DEL (new)     {Stats(del)}");
    Console.WriteLine($"ours DEL (old)     {Stats(delOld)}");

    if (File.Exists(goPlugin))
    {
        List<double> goAdd = [], goDel = [];
        for (int r = 0; r < Rounds / 4; r++)
        {
            string id = "go" + r.ToString(CultureInfo.InvariantCulture);
            goAdd.Add(Go("ADD", id));
            goDel.Add(Go("DEL", id));
        }

        Console.WriteLine($"Go   ADD (process) {Stats(goAdd)}");
        Console.WriteLine($"Go   DEL (process) {Stats(goDel)}");

        // After the Go binary changed the directory, our next operation rebuilds the index once.
        Console.WriteLine($"ours first op after Go (index rebuild) {Ours(ipam => ipam.Find("fill1", "eth0")):F1} ms");
        Console.WriteLine($"ours next op                           {Ours(ipam => ipam.Find("fill1", "eth0")):F2} ms");
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}
