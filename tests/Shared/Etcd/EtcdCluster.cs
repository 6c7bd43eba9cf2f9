using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Cni.Tests.Etcd;

/// <summary>
/// A real etcd cluster (Debian's <c>etcd-server</c>, 3.4) for one test or one test class: N members on
/// 127.0.0.1 with ports the fixture picks, data in a temporary directory, optionally client-certificate TLS
/// with certificates made by <c>openssl</c>. <see cref="Dispose"/> stops every member and removes the
/// directory, also when the test failed; members left by a test process that died are killed by the next
/// fixture through their pid files.
/// </summary>
/// <remarks>
/// Peers talk plain HTTP to each other; only the client URLs use TLS when asked. Members are addressed by
/// index (0..N-1). The fixture talks to members with <see cref="HttpClient"/> over the v3 JSON gateway; it is
/// test code, so it is free to use the serializer-free <see cref="JsonDocument"/>.
/// </remarks>
internal sealed class EtcdCluster : IDisposable
{
    /// <summary>Where the fixture records the members it started, one file per member, so a later run can kill leftovers.</summary>
    public static string PidDirectory { get; } = Path.Combine(Path.GetTempPath(), "cnitest-etcd-pids");

    private static readonly object s_live = new();
    private static readonly HashSet<EtcdCluster> s_liveClusters = [];

    private readonly Member[] _members;
    private readonly HttpClient _http;
    private bool _disposed;

    private EtcdCluster(string directory, int size, EtcdTls? tls)
    {
        Directory = directory;
        Tls = tls;
        _members = new Member[size];
        string token = "cnitest-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var (clientPorts, peerPorts) = (FreePorts(size), FreePorts(size));
        for (int i = 0; i < size; i++)
        {
            _members[i] = new Member($"m{i}", clientPorts[i], peerPorts[i], Path.Combine(directory, $"m{i}"));
        }

        Token = token;
        InitialCluster = string.Join(",", _members.Select(m => $"{m.Name}=http://127.0.0.1:{m.PeerPort}"));
        _http = CreateHttpClient(tls);
    }

    /// <summary>The cluster's temporary directory (member data, logs, certificates).</summary>
    public string Directory { get; }

    /// <summary>The certificates, when the client URLs use TLS.</summary>
    public EtcdTls? Tls { get; }

    /// <summary>The number of members.</summary>
    public int Size => _members.Length;

    /// <summary>Every member's client URL, in member order (also of members that are stopped).</summary>
    public IReadOnlyList<Uri> ClientUrls => [.. _members.Select(m => ClientUrl(m))];

    private string Token { get; }

    private string InitialCluster { get; }

    /// <summary>Requires etcd (Debian's etcd-server): fails under CNI_TESTS_STRICT=1, skips otherwise.</summary>
    public static string RequireEtcd()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin"))
        {
            string path = Path.Combine(dir, "etcd");
            if (File.Exists(path))
            {
                return path;
            }
        }

        Requires.Unavailable("etcd is not installed (apt-get install etcd-server)");
        return "";
    }

    /// <summary>Starts a cluster and waits until it has a leader and answers a quorum read.</summary>
    /// <param name="size">How many members.</param>
    /// <param name="tls">Whether clients must use TLS with a client certificate.</param>
    /// <returns>The running cluster; dispose it.</returns>
    public static EtcdCluster Start(int size = 1, bool tls = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        string etcd = RequireEtcd();
        KillStale();
        string root = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string directory = Path.Combine(root, "cnitest-etcd-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        System.IO.Directory.CreateDirectory(directory);
        EtcdCluster? cluster = null;
        try
        {
            EtcdTls? certificates = tls ? EtcdTls.Create(Path.Combine(directory, "pki")) : null;
            cluster = new EtcdCluster(directory, size, certificates) { EtcdPath = etcd };
            lock (s_live)
            {
                s_liveClusters.Add(cluster);
            }

            for (int i = 0; i < size; i++)
            {
                cluster.StartMember(i);
            }

            cluster.WaitHealthy(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                cluster.Dispose();
            }
            else
            {
                TryDeleteDirectory(directory);
            }

            throw;
        }
    }

    private string EtcdPath { get; init; } = "etcd";

    /// <summary>Whether a member's process is running.</summary>
    public bool IsRunning(int member) => _members[member].Process is { HasExited: false };

    /// <summary>The process ID of a running member.</summary>
    public int Pid(int member) => _members[member].Process?.Id ?? throw new InvalidOperationException($"member {member} is not running");

    /// <summary>A member's client URL.</summary>
    public Uri ClientUrl(int member) => ClientUrl(_members[member]);

    /// <summary>Starts a member (again) with its data directory; it rejoins the cluster.</summary>
    public void StartMember(int member)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Member m = _members[member];
        if (IsRunning(member))
        {
            return;
        }

        bool existing = System.IO.Directory.Exists(m.DataDir);
        string scheme = Tls is null ? "http" : "https";
        var psi = new ProcessStartInfo(EtcdPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args =
        [
            "--name", m.Name,
            "--data-dir", m.DataDir,
            "--listen-client-urls", $"{scheme}://127.0.0.1:{m.ClientPort}",
            "--advertise-client-urls", $"{scheme}://127.0.0.1:{m.ClientPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{m.PeerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{m.PeerPort}",
            "--initial-cluster", InitialCluster,
            "--initial-cluster-token", Token,
            "--initial-cluster-state", existing ? "existing" : "new",
            "--logger", "zap",
            "--log-outputs", Path.Combine(Directory, m.Name + ".log"),
        ];
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (Tls is { } t)
        {
            foreach (string a in (string[])["--cert-file", t.ServerCertFile, "--key-file", t.ServerKeyFile, "--client-cert-auth", "--trusted-ca-file", t.CaFile])
            {
                psi.ArgumentList.Add(a);
            }
        }

        psi.Environment.Remove("ETCDCTL_API");
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + EtcdPath);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        m.Process = process;
        System.IO.Directory.CreateDirectory(PidDirectory);
        File.WriteAllText(PidFile(process.Id), $"{Environment.ProcessId}\n{m.DataDir}\n");
    }

    /// <summary>Stops a member with SIGTERM (SIGKILL after 5 s) and waits until it has exited.</summary>
    public void StopMember(int member) => EndMember(member, graceful: true);

    /// <summary>Kills a member with SIGKILL and waits until it has exited.</summary>
    public void KillMember(int member) => EndMember(member, graceful: false);

    /// <summary>The index of the current leader, waiting up to <paramref name="timeout"/> for one to be elected.</summary>
    /// <exception cref="TimeoutException">No running member reports a leader.</exception>
    public int Leader(TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(20);
        do
        {
            for (int i = 0; i < _members.Length; i++)
            {
                if (!IsRunning(i))
                {
                    continue;
                }

                try
                {
                    using JsonDocument status = Post(i, "/v3/maintenance/status", "{}", TimeSpan.FromSeconds(1));
                    string? self = status.RootElement.GetProperty("header").GetProperty("member_id").GetString();
                    if (status.RootElement.TryGetProperty("leader", out JsonElement leader) && leader.GetString() is { } l && l != "0" && l == self)
                    {
                        return i;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    // Not answering (yet): ask the next one.
                }
            }

            Thread.Sleep(50);
        }
        while (clock.Elapsed < limit);

        throw new TimeoutException($"no etcd member reports itself leader within {limit.TotalSeconds} s ({Logs()})");
    }

    /// <summary>Kills the leader with SIGKILL and returns its index.</summary>
    public int KillLeader()
    {
        int leader = Leader();
        KillMember(leader);
        return leader;
    }

    /// <summary>Waits until a member answers /health with true (a leader and a quorum read).</summary>
    public void WaitHealthy(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string last = "nothing answered";
        do
        {
            for (int i = 0; i < _members.Length; i++)
            {
                if (!IsRunning(i))
                {
                    if (_members[i].Process is { HasExited: true } p)
                    {
                        last = $"member {i} exited with {p.ExitCode}";
                    }

                    continue;
                }

                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ClientUrl(i), "/health"));
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    using HttpResponseMessage response = _http.Send(request, cts.Token);
                    string body = new StreamReader(response.Content.ReadAsStream(cts.Token)).ReadToEnd();
                    if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                    {
                        return;
                    }

                    last = body;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    last = e.Message;
                }
            }

            Thread.Sleep(100);
        }
        while (clock.Elapsed < timeout);

        throw new TimeoutException($"etcd is not healthy within {timeout.TotalSeconds} s: {last} ({Logs()})");
    }

    /// <summary>Every key under a prefix with its value (a quorum read from the first member that answers).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Range(string prefix)
    {
        byte[] start = Encoding.UTF8.GetBytes(prefix);
        byte[] end = (byte[])start.Clone();
        end[^1]++;
        string body = $"{{\"key\":\"{Convert.ToBase64String(start)}\",\"range_end\":\"{Convert.ToBase64String(end)}\"}}";
        Exception? last = null;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            for (int i = 0; i < _members.Length; i++)
            {
                if (!IsRunning(i))
                {
                    continue;
                }

                try
                {
                    using JsonDocument doc = Post(i, "/v3/kv/range", body, TimeSpan.FromSeconds(3));
                    if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                    {
                        last = new InvalidOperationException(error.ToString());
                        continue;
                    }

                    List<KeyValuePair<string, string>> result = [];
                    if (doc.RootElement.TryGetProperty("kvs", out JsonElement kvs))
                    {
                        foreach (JsonElement kv in kvs.EnumerateArray())
                        {
                            string key = Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty("key").GetString()!));
                            string value = kv.TryGetProperty("value", out JsonElement v) ? Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!)) : "";
                            result.Add(new(key, value));
                        }
                    }

                    return result;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    last = e;
                }
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException("no etcd member answers a range read", last);
    }

    /// <summary>Writes one key directly (test setup, e.g. a foreign record).</summary>
    public void Put(string key, string value)
    {
        string body = $"{{\"key\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(key))}\",\"value\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}\"}}";
        for (int i = 0; i < _members.Length; i++)
        {
            if (IsRunning(i))
            {
                using JsonDocument doc = Post(i, "/v3/kv/put", body, TimeSpan.FromSeconds(5));
                if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    throw new InvalidOperationException("put failed: " + error);
                }

                return;
            }
        }

        throw new InvalidOperationException("no etcd member is running");
    }

    /// <summary>The last lines of every member's log, for failure messages.</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        foreach (Member m in _members)
        {
            string log = Path.Combine(Directory, m.Name + ".log");
            if (File.Exists(log))
            {
                string[] lines = File.ReadAllLines(log);
                text.Append(m.Name).Append(": ").AppendJoin(" | ", lines.TakeLast(3)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Stops every member (SIGKILL), waits for them, removes the directory and the pid files.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 0; i < _members.Length; i++)
        {
            try
            {
                EndMember(i, graceful: false);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        _http.Dispose();
        lock (s_live)
        {
            s_liveClusters.Remove(this);
        }

        TryDeleteDirectory(Directory);
    }

    /// <summary>Kills members recorded in pid files by test processes that no longer run.</summary>
    public static void KillStale()
    {
        if (!System.IO.Directory.Exists(PidDirectory))
        {
            return;
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(PidDirectory, "*.pid"))
        {
            try
            {
                string[] lines = File.ReadAllLines(file);
                if (!int.TryParse(Path.GetFileNameWithoutExtension(file), out int pid) || lines.Length < 2 || !int.TryParse(lines[0], out int owner))
                {
                    File.Delete(file);
                    continue;
                }

                if (File.Exists($"/proc/{owner}/cmdline"))
                {
                    continue; // Its test process (perhaps this one) still runs: its own fixture will stop it.
                }

                string cmdline = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline") : "";
                if (cmdline.Contains("etcd", StringComparison.Ordinal) && cmdline.Contains(lines[1], StringComparison.Ordinal))
                {
                    using Process stale = Process.GetProcessById(pid);
                    stale.Kill();
                    stale.WaitForExit(5000);
                }

                File.Delete(file);
                string dataDir = lines[1];
                if (Path.GetDirectoryName(dataDir) is { } clusterDir && Path.GetFileName(clusterDir).StartsWith("cnitest-etcd-", StringComparison.Ordinal))
                {
                    TryDeleteDirectory(clusterDir);
                }
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Raced with its owner or another fixture; the next run tries again.
            }
        }
    }

    /// <summary>The processes whose command line names <paramref name="directory"/>: a cluster's members, none after its disposal.</summary>
    public static IReadOnlyList<int> ProcessesUsing(string directory)
    {
        List<int> pids = [];
        foreach (string proc in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(proc), out int pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(proc, "cmdline")).Contains(directory, StringComparison.Ordinal))
                    {
                        pids.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Exited meanwhile.
                }
            }
        }

        return pids;
    }

    private JsonDocument Post(int member, string path, string json, TimeSpan timeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ClientUrl(member), path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        using var cts = new CancellationTokenSource(timeout);
        using HttpResponseMessage response = _http.Send(request, cts.Token);
        using Stream body = response.Content.ReadAsStream(cts.Token);
        return JsonDocument.Parse(body);
    }

    private void EndMember(int member, bool graceful)
    {
        Member m = _members[member];
        if (m.Process is not { } p)
        {
            return;
        }

        if (!p.HasExited)
        {
            if (graceful)
            {
                using (Process kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    kill.WaitForExit();
                }

                if (!p.WaitForExit(5000))
                {
                    p.Kill();
                }
            }
            else
            {
                p.Kill();
            }

            p.WaitForExit();
        }

        File.Delete(PidFile(p.Id));
        p.Dispose();
        m.Process = null;
    }

    private Uri ClientUrl(Member m) => new($"{(Tls is null ? "http" : "https")}://127.0.0.1:{m.ClientPort}");

    private static string PidFile(int pid) => Path.Combine(PidDirectory, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".pid");

    private static HttpClient CreateHttpClient(EtcdTls? tls)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) };
        if (tls is not null)
        {
            X509Certificate2 ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.ClientCertFile, tls.ClientKeyFile)],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            };
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static int[] FreePorts(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                sockets.Add(s);
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still open by a process that is exiting; the temporary directory is reclaimed later.
        }
    }

    static EtcdCluster()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            EtcdCluster[] live;
            lock (s_live)
            {
                live = [.. s_liveClusters];
            }

            foreach (EtcdCluster c in live)
            {
                c.Dispose();
            }
        };
    }

    private sealed class Member(string name, int clientPort, int peerPort, string dataDir)
    {
        public string Name { get; } = name;

        public int ClientPort { get; } = clientPort;

        public int PeerPort { get; } = peerPort;

        public string DataDir { get; } = dataDir;

        public Process? Process { get; set; }
    }
}

/// <summary>
/// Certificates for a TLS cluster, made with <c>openssl</c> (P-256, valid two days): a CA, a server certificate
/// for 127.0.0.1 signed by it, a client certificate signed by it, and a second CA that signed nothing the
/// cluster uses, for tests that must be refused.
/// </summary>
internal sealed record EtcdTls(string Directory)
{
    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public string ClientCertFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>A CA that did not sign the server's certificate.</summary>
    public string WrongCaFile => Path.Combine(Directory, "wrong-ca.pem");

    /// <summary>A client certificate signed by <see cref="WrongCaFile"/>: the server must refuse it.</summary>
    public string WrongClientCertFile => Path.Combine(Directory, "wrong-client.pem");

    /// <summary>The key of <see cref="WrongClientCertFile"/>.</summary>
    public string WrongClientKeyFile => Path.Combine(Directory, "wrong-client.key");

    public static EtcdTls Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var tls = new EtcdTls(directory);
        MakeCa(directory, "ca", "cnitest etcd CA");
        MakeCa(directory, "wrong-ca", "cnitest wrong CA");
        Sign(directory, "server", "ca", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        Sign(directory, "client", "ca", "cnitest client", "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        Sign(directory, "wrong-client", "wrong-ca", "cnitest wrong client", "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        return tls;
    }

    private static void MakeCa(string dir, string name, string subject) =>
        OpenSsl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-keyout", name + ".key", "-out", name + ".pem", "-subj", "/CN=" + subject,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private static void Sign(string dir, string name, string ca, string subject, string extensions)
    {
        File.WriteAllText(Path.Combine(dir, name + ".ext"), extensions);
        OpenSsl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + subject);
        OpenSsl(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial", "-days", "2", "-out", name + ".pem", "-extfile", name + ".ext");
    }

    private static void OpenSsl(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start openssl");
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {stderr.Result}");
        }
    }
}
