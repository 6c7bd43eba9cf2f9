using Cni.Spec;

namespace Cni.Ipam.Tests;

public class ResolvConfTests
{
    [Fact]
    public void Parses_the_reference_keys_and_skips_comments()
    {
        ResolvConf r = ResolvConf.Parse("""
            # a comment
            ; another
            nameserver 10.96.0.10
            nameserver   8.8.8.8   # trailing words ignored
            domain example.com
            search a.example.com b.example.com
            search c.example.com
            options ndots:5 timeout:1
            nameserver
            sortlist 1.2.3.4
            """);
        Assert.Equal(["10.96.0.10", "8.8.8.8"], r.Nameservers);
        Assert.Equal("example.com", r.Domain);
        Assert.Equal(["a.example.com", "b.example.com", "c.example.com"], r.Search);
        Assert.Equal(["ndots:5", "timeout:1"], r.Options);
    }

    [Fact]
    public void Empty_file_gives_empty_settings()
    {
        ResolvConf r = ResolvConf.Parse("");
        Assert.Empty(r.Nameservers);
        Assert.Null(r.Domain);
    }

    [Fact]
    public void Load_reads_a_file_and_reports_a_missing_one()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "resolv.conf");
        File.WriteAllText(path, "nameserver 1.1.1.1\r\nsearch x\r\n");
        Assert.Equal(["1.1.1.1"], ResolvConf.Load(path).Nameservers);
        Assert.Equal(["x"], ResolvConf.Load(path).Search);
        CniException e = Assert.Throws<CniException>(() => ResolvConf.Load(Path.Combine(dir.Path, "missing")));
        Assert.Equal(CniErrorCode.IOFailure, e.Code);
        Assert.StartsWith("open " + dir.Path, e.Message);
    }
}
