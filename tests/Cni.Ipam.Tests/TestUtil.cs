using System.Net;
using Cni.Spec;

namespace Cni.Ipam.Tests;

internal static class T
{
    public static IPAddress Ip(string text) => IPAddress.Parse(text);

    public static IpRange Range(string cidr, string? start = null, string? end = null, string? gateway = null)
    {
        int slash = cidr.IndexOf('/');
        return IpRange.Create(Ip(cidr[..slash]), int.Parse(cidr[(slash + 1)..]),
            start is null ? null : Ip(start), end is null ? null : Ip(end), gateway is null ? null : Ip(gateway));
    }

    public static RangeSet Set(params IpRange[] ranges) => new(ranges);

    public static CniException Throws(Action action) => Assert.Throws<CniException>(action);
}

/// <summary>A fresh directory under /tmp, removed afterwards (never /var/lib/cni).</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("cni-ipam-tests-").FullName;
    }

    public string Path { get; }

    public string Net(string name = "net1") => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
