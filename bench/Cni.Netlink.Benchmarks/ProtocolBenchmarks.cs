using BenchmarkDotNet.Attributes;
using Cni.Netlink;
using Cni.Netlink.Tests;

namespace Cni.Netlink.Benchmarks;

/// <summary>
/// The protocol layer's cost: encoding the veth-create request the bridge plugin sends, and walking a
/// link-dump reply the kernel sent (captured in tests/Cni.Netlink.Tests/Vectors/replies.txt). The workloads
/// are the ones AllocationTests proves allocation-free (tests/Cni.Netlink.Tests/ProtocolWorkloads.cs).
/// </summary>
[MemoryDiagnoser]
public class ProtocolBenchmarks
{
    private readonly byte[] _buffer = new byte[512];
    private byte[][] _linkDump = [];

    [GlobalSetup]
    public void Setup()
    {
        var datagrams = new List<byte[]>();
        bool inLinkShow = false;
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "replies.txt")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inLinkShow = line == "## ip link show";
            }
            else if (inLinkShow && line.Length > 0)
            {
                datagrams.Add(Convert.FromHexString(line));
            }
        }

        _linkDump = [.. datagrams];
    }

    [Benchmark]
    public int EncodeVethCreate() => ProtocolWorkloads.EncodeVeth(_buffer, 42);

    [Benchmark]
    public long ParseLinkDump() => ProtocolWorkloads.Walk(_linkDump);
}
