using System.Net;

namespace Cni.Netlink.Tests;

/// <summary>The protocol layer allocates nothing: encoding a request and iterating a dump reply.</summary>
public class AllocationTests
{
    [Fact]
    public void Encoding_a_veth_create_request_allocates_nothing()
    {
        byte[] buffer = new byte[512];
        int length = ProtocolWorkloads.EncodeVeth(buffer, 1); // warm up (JIT, statics)
        Assert.True(length > 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint i = 0; i < 1000; i++)
        {
            length = ProtocolWorkloads.EncodeVeth(buffer, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(128, length);
    }

    [Fact]
    public void Iterating_a_link_dump_reply_allocates_nothing()
    {
        List<byte[]> datagrams = Vectors.Replies("ip link show");
        long checksum = ProtocolWorkloads.Walk(datagrams); // warm up
        Assert.True(checksum > 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        for (int i = 0; i < 200; i++)
        {
            total += ProtocolWorkloads.Walk(datagrams);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(checksum * 200, total);
    }
}
