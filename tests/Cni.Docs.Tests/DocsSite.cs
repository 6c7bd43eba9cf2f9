using System.Diagnostics;
using System.Security.Cryptography;
using Cni.Tests;

namespace Cni.Docs.Tests;

/// <summary>
/// The built site served by busybox httpd and a headless Chromium, both inside one network namespace made
/// for the tests with only <c>lo</c> up: the browser can reach the site on 127.0.0.1 and nothing else
/// (Chromium tries outside hosts in the background otherwise). Started by the first test that asks for
/// it; the browser, the server and the namespace are removed when the test class ends, also after a failure.
/// </summary>
public sealed class DocsSite : IDisposable
{
    private const int Port = 8080;
    private readonly Lock _lock = new();
    private Started? _started;
    private Exception? _startFailure;

    /// <summary>The built site (eng/docs.sh).</summary>
    public static string SiteDir => Path.Combine(RepoPaths.Root, "artifacts", "docs");

    /// <summary>Where the screenshots go, for a person to look at.</summary>
    public static string ScreenshotDir => Path.Combine(RepoPaths.Root, "artifacts", "docs-screenshots");

    /// <summary>The site's address as the browser sees it.</summary>
    public static string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary>Checks the prerequisites (in the test, so a missing one fails or skips it by the rules), then starts everything once.</summary>
    internal Chromium Browser()
    {
        Requires.Root();
        if (!File.Exists(Path.Combine(SiteDir, "index.html")))
        {
            Requires.Unavailable($"the docs site {SiteDir} is not built: run eng/docs.sh (eng/test.sh does)");
        }

        if (Chromium.Program is null)
        {
            Requires.Unavailable("chromium is not installed (apt-get install chromium; eng/test.sh installs it)");
        }

        if (!File.Exists("/bin/busybox") && !File.Exists("/usr/bin/busybox"))
        {
            Requires.Unavailable("busybox (its httpd serves the site) is not installed (apt-get install busybox; eng/test.sh installs it)");
        }

        lock (_lock)
        {
            if (_startFailure is not null)
            {
                throw new InvalidOperationException("the browser and server failed to start for an earlier test", _startFailure);
            }

            try
            {
                _started ??= Start();
            }
            catch (Exception e)
            {
                _startFailure = e;
                throw;
            }

            return _started.Browser;
        }
    }

    public void Dispose()
    {
        _started?.Dispose();
    }

    private static Started Start()
    {
        string work = Path.Combine(Path.GetTempPath(), "cni-docs-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(work);
        var ns = TestNamespace.Create("docs");
        Process? server = null;
        try
        {
            ns.Ip("link", "set", "lo", "up");
            string links = ns.Ip("-o", "link", "show", "up");
            Assert.True(links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1 && links.Contains(": lo:", StringComparison.Ordinal),
                "the test namespace must have lo and nothing else up: " + links);
            string routes = ns.Ip("route", "show") + ns.Ip("-6", "route", "show");
            Assert.True(routes.Trim().Length == 0, "the test namespace must have no route out of it: " + routes);

            // -f: foreground (no daemon, no service); only on the namespace's loopback address.
            var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in (string[])["netns", "exec", ns.Name, "busybox", "httpd", "-f", "-p", $"127.0.0.1:{Port}", "-h", SiteDir])
            {
                start.ArgumentList.Add(a);
            }

            server = Process.Start(start) ?? throw new InvalidOperationException("cannot start busybox httpd");
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            WaitForServer(ns, server);
            Chromium browser = Chromium.Start(ns.Name, work);
            return new Started(ns, server, browser, work);
        }
        catch
        {
            Stop(server);
            KillEverythingIn(ns);
            ns.Dispose();
            Directory.Delete(work, recursive: true);
            throw;
        }
    }

    private static void WaitForServer(TestNamespace ns, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                ns.Exec("busybox", "wget", "-q", "-O", "/dev/null", BaseUrl + "index.html");
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < TimeSpan.FromSeconds(20) && !server.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static void Stop(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        process.Dispose();
    }

    /// <summary>
    /// Kills whatever still runs in the namespace (only our server and browser can: the namespace is ours),
    /// and waits until <c>ip netns pids</c> lists nothing, so no process outlives the tests.
    /// </summary>
    private static void KillEverythingIn(TestNamespace ns)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string[] pids = Processes.Output("ip", "netns", "pids", ns.Name).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (pids.Length == 0)
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"processes {string.Join(' ', pids)} are still running in {ns.Name}");
            }

            foreach (string pid in pids)
            {
                try
                {
                    using Process p = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
                    p.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }

            Thread.Sleep(100);
        }
    }

    private sealed class Started(TestNamespace ns, Process server, Chromium browser, string work) : IDisposable
    {
        public Chromium Browser { get; } = browser;

        public void Dispose()
        {
            try
            {
                Browser.Dispose();
            }
            finally
            {
                Stop(server);
                KillEverythingIn(ns);
                ns.Dispose();
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
