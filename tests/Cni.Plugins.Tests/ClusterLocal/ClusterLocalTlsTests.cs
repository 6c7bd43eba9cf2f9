using Cni.Spec;
using Cni.Tests;
using Cni.Tests.Etcd;
using static Cni.Plugins.Tests.ClusterLocal.ClusterLocalKit;

namespace Cni.Plugins.Tests.ClusterLocal;

/// <summary>
/// cluster-local against an etcd whose client URLs require TLS with a client certificate (certificates made by
/// the fixture with openssl): the configured CA and client certificate work; anything else is refused, naming the file.
/// </summary>
public class ClusterLocalTlsTests(ITestOutputHelper output)
{
    private static string TlsKeys(string ca, string? cert, string? key) =>
        $"\"tls\":{{\"caFile\":\"{ca}\"{(cert is null ? "" : $",\"certFile\":\"{cert}\"")}{(key is null ? "" : $",\"keyFile\":\"{key}\"")}}}";

    [Fact]
    public void Client_certificates_work_and_a_wrong_ca_or_a_missing_certificate_is_refused_naming_the_file()
    {
        using EtcdCluster cluster = EtcdCluster.Start(1, tls: true);
        EtcdTls tls = cluster.Tls!;
        string[] endpoints = EndpointsOf(cluster);
        Assert.All(endpoints, e => Assert.StartsWith("https://", e, StringComparison.Ordinal));
        string prefix = NewPrefix("tls");

        string good = Config(endpoints, prefix, "node-a", etcdExtra: TlsKeys(tls.CaFile, tls.ClientCertFile, tls.ClientKeyFile));
        Assert.Equal(["10.90.0.2"], Addresses(Run("ADD", good, "c1")));
        AssertOk(Run("CHECK", good, "c1"));
        AssertOk(Run("STATUS", good));
        Assert.Equal(["c1"], Owners(Keys(cluster, prefix)));

        // One TLS ADD under strace opens no file of the system trust store (/etc/ssl/certs, the bundle in it, or
        // OpenSSL's own default directory): only the configured CA is read.
        if (!File.Exists("/usr/bin/strace"))
        {
            Requires.Unavailable("strace is not installed (apt-get install strace)");
        }

        string trace = Path.Combine(cluster.Directory, "tls-add.strace");
        ProcessResult traced = Processes.Run(
            "/usr/bin/strace",
            PluginRunner.Env("ADD", "/var/run/netns/cnitest-none", "traced", "eth0"),
            good,
            ["-f", "-qq", "-e", "trace=openat,open,stat,newfstatat,statx,access", "-o", trace, Binary]);
        Assert.Single(Addresses(traced));
        string[] calls = File.ReadAllLines(trace);
        string[] opened = [.. calls.Where(c => c.Contains("openat(", StringComparison.Ordinal))];
        output.WriteLine($"TLS ADD: {opened.Length} openat calls, {calls.Length} file system calls traced");
        Assert.Contains(opened, c => c.Contains(tls.CaFile, StringComparison.Ordinal));
        string[] systemStore = [.. calls.Where(c => c.Contains("/etc/ssl/certs", StringComparison.Ordinal) || c.Contains("/usr/lib/ssl/certs", StringComparison.Ordinal) || c.Contains("ca-certificates.crt", StringComparison.Ordinal))];
        Assert.True(systemStore.Length == 0, "the system trust store was read: " + string.Join("; ", systemStore.Take(5)));
        AssertOk(Run("DEL", good, "traced"));

        // A CA that did not sign the members' certificate: the member is not trusted.
        ProcessResult wrongCa = Run("ADD", Config(endpoints, prefix, "node-a", etcdExtra: TlsKeys(tls.WrongCaFile, tls.ClientCertFile, tls.ClientKeyFile)), "c2");
        Assert.True(PluginRunner.Error(wrongCa).Message.Contains(tls.WrongCaFile, StringComparison.Ordinal), wrongCa.ToString());

        // A client certificate file that is not there.
        string missing = Path.Combine(cluster.Directory, "no-such-client.pem");
        ProcessResult noCert = Run("ADD", Config(endpoints, prefix, "node-a", etcdExtra: TlsKeys(tls.CaFile, missing, tls.ClientKeyFile)), "c3");
        Assert.True(PluginRunner.Error(noCert).Message.Contains(missing, StringComparison.Ordinal), noCert.ToString());

        // No client certificate at all, or one another CA signed: the member refuses the connection.
        // The refusal looks like a network fault, retried until the timeout: a short one keeps the test quick.
        ProcessResult anonymous = Run("ADD", Config(endpoints, prefix, "node-a", etcdExtra: TlsKeys(tls.CaFile, null, null), timeout: "2s"), "c4");
        Assert.NotEqual(0, anonymous.ExitCode);
        ProcessResult foreign = Run("ADD", Config(endpoints, prefix, "node-a", etcdExtra: TlsKeys(tls.CaFile, tls.WrongClientCertFile, tls.WrongClientKeyFile), timeout: "2s"), "c5");
        Assert.NotEqual(0, foreign.ExitCode);

        // None of them wrote anything; the good configuration still releases its lease.
        Assert.Equal(["c1"], Owners(Keys(cluster, prefix)));
        ProcessResult del = Run("DEL", good, "c1");
        Assert.True(del.ExitCode == 0, del.ToString());
        AssertOnlyHints(Keys(cluster, prefix));
    }
}
