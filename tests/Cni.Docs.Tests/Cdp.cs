using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cni.Tests;

namespace Cni.Docs.Tests;

/// <summary>
/// A headless Chromium driven over the DevTools protocol on a pipe (<c>--remote-debugging-pipe</c>):
/// commands go to its fd 3 and answers and events come from its fd 4, each a JSON text ended by a NUL.
/// The two ends are FIFOs in a temporary directory, so the browser can run in another network namespace
/// (<c>ip netns exec</c>) with no socket between it and the test. JSON is written with
/// <see cref="Utf8JsonWriter"/> and read with <see cref="JsonDocument"/> (no reflection).
/// </summary>
internal sealed class Chromium : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _workDir;
    private readonly StringBuilder _stderr = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly List<CdpEvent> _events = [];
    private readonly object _lock = new();
    private readonly Thread _reader;
    private FileStream? _toBrowser;
    private FileStream? _fromBrowser;
    private int _nextId;
    private bool _disposed;

    private Chromium(Process process, string workDir)
    {
        _process = process;
        _workDir = workDir;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "cdp-reader" };
    }

    /// <summary>The browser program: Debian's chromium (the real binary behind its /usr/bin wrapper).</summary>
    public static string? Program =>
        File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium"
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    /// <summary>Starts Chromium inside <paramref name="netns"/> and connects to it.</summary>
    public static Chromium Start(string netns, string workDir)
    {
        string program = Program ?? throw new InvalidOperationException("chromium is not installed");
        string toBrowser = Path.Combine(workDir, "cdp-in");
        string fromBrowser = Path.Combine(workDir, "cdp-out");
        string profile = Path.Combine(workDir, "profile");
        Directory.CreateDirectory(profile);
        Processes.Output("mkfifo", "-m", "600", toBrowser, fromBrowser);

        string[] flags =
        [
            "--headless", "--no-sandbox", "--remote-debugging-pipe", "--user-data-dir=" + profile,
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
            "--window-size=1280,1000", "about:blank",
        ];
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["netns", "exec", netns, "sh", "-c", "exec \"$0\" \"$@\" 3<\"$CDP_IN\" 4>\"$CDP_OUT\"", program, .. flags])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CDP_IN"] = toBrowser;
        start.Environment["CDP_OUT"] = fromBrowser;
        start.Environment["HOME"] = workDir;
        Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip netns exec chromium");
        var browser = new Chromium(process, workDir);
        process.OutputDataReceived += (_, e) => browser.Note(e.Data);
        process.ErrorDataReceived += (_, e) => browser.Note(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            browser.Connect(toBrowser, fromBrowser);
        }
        catch
        {
            browser.Dispose();
            throw;
        }

        return browser;
    }

    /// <summary>What the browser printed on stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Opens a new tab, attached in flat mode, with the Page, Runtime and Log domains on.</summary>
    public Tab NewTab()
    {
        JsonElement created = Send("Target.createTarget", w => w.WriteString("url", "about:blank"));
        string targetId = created.GetProperty("targetId").GetString()!;
        JsonElement attached = Send("Target.attachToTarget", w =>
        {
            w.WriteString("targetId", targetId);
            w.WriteBoolean("flatten", true);
        });
        var tab = new Tab(this, targetId, attached.GetProperty("sessionId").GetString()!);
        tab.Send("Page.enable");
        tab.Send("Runtime.enable");
        tab.Send("Log.enable");
        return tab;
    }

    /// <summary>Sends a command and waits for its answer; an error answer throws with the browser's message.</summary>
    public JsonElement Send(string method, Action<Utf8JsonWriter>? parameters = null, string? sessionId = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_lock)
        {
            id = ++_nextId;
            _pending[id] = answer;
        }

        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("method", method);
            if (sessionId is not null)
            {
                w.WriteString("sessionId", sessionId);
            }

            w.WriteStartObject("params");
            parameters?.Invoke(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.WriteByte(0);
        lock (_toBrowser!)
        {
            _toBrowser.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _toBrowser.Flush();
        }

        if (!answer.Task.Wait(CommandTimeout))
        {
            throw new TimeoutException($"Chromium did not answer {method} within {CommandTimeout.TotalSeconds} s; its output:\n{Output}");
        }

        return answer.Task.Result;
    }

    /// <summary>The events received so far for a session (a copy).</summary>
    public IReadOnlyList<CdpEvent> EventsOf(string sessionId)
    {
        lock (_lock)
        {
            return _events.Where(e => e.SessionId == sessionId).ToList();
        }
    }

    /// <summary>Waits until an event <paramref name="method"/> of the session arrives after the first <paramref name="skip"/> events of it.</summary>
    public void WaitForEvent(string sessionId, string method, int skip, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        lock (_lock)
        {
            while (_events.Count(e => e.SessionId == sessionId && e.Method == method) <= skip)
            {
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero || _disposed)
                {
                    throw new TimeoutException($"no {method} within {timeout.TotalSeconds} s; browser output:\n{Output}");
                }

                Monitor.Wait(_lock, left);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        List<int> children = _process.HasExited ? [] : Descendants(_process.Id);
        try
        {
            if (_toBrowser is not null && !_process.HasExited)
            {
                // Ask politely first; the browser then closes fd 4, which ends the reader.
                Task.Run(() => Send("Browser.close")).Wait(TimeSpan.FromSeconds(5));
            }
        }
        catch (AggregateException)
        {
        }

        _disposed = true;
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        // Chromium's own children (renderer, zygote, utility) leave with it; make sure of it.
        foreach (int pid in children)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        _toBrowser?.Dispose();
        _fromBrowser?.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
        _process.Dispose();
        lock (_lock)
        {
            foreach (TaskCompletionSource<JsonElement> waiting in _pending.Values)
            {
                waiting.TrySetException(new ObjectDisposedException(nameof(Chromium)));
            }

            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Processes whose parent chain leads to <paramref name="root"/> (from /proc).</summary>
    public static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out int parent))
        {
            foreach ((int pid, int ppid) in parents)
            {
                if (ppid == parent && !found.Contains(pid))
                {
                    found.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }

        return found;
    }

    private void Note(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            if (_stderr.Length < 64 * 1024)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    private void Connect(string toBrowser, string fromBrowser)
    {
        // The shell opens fd 3 (our writing end) first, then fd 4: open them in that order. An open of a
        // FIFO waits for the other side; when the browser never comes, open the other side ourselves so the
        // waiting open returns, and fail.
        Task opened = Task.Run(() =>
        {
            _toBrowser = new FileStream(toBrowser, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
            _fromBrowser = new FileStream(fromBrowser, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        });
        var clock = Stopwatch.StartNew();
        while (!opened.Wait(200))
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                using (var unblockIn = new FileStream(toBrowser, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None))
                using (var unblockOut = new FileStream(fromBrowser, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None))
                {
                    opened.Wait(TimeSpan.FromSeconds(5));
                }

                throw new InvalidOperationException($"Chromium did not open its DevTools pipe (exited: {_process.HasExited}); its output:\n{Output}");
            }
        }

        opened.GetAwaiter().GetResult();
        _reader.Start();
    }

    private void ReadLoop()
    {
        var message = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = _fromBrowser!.Read(chunk, 0, chunk.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (chunk[i] == 0)
                    {
                        message.Write(chunk, start, i - start);
                        Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
                        message.SetLength(0);
                        start = i + 1;
                    }
                }

                message.Write(chunk, start, n - start);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed: the browser is gone.
        }

        lock (_lock)
        {
            foreach (TaskCompletionSource<JsonElement> waiting in _pending.Values)
            {
                waiting.TrySetException(new IOException("Chromium closed its DevTools pipe; output:\n" + Output));
            }

            _pending.Clear();
            Monitor.PulseAll(_lock);
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("id", out JsonElement idElement))
        {
            TaskCompletionSource<JsonElement>? waiting;
            lock (_lock)
            {
                _pending.Remove(idElement.GetInt32(), out waiting);
            }

            if (waiting is null)
            {
                return;
            }

            if (root.TryGetProperty("error", out JsonElement error))
            {
                waiting.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            }
            else
            {
                waiting.TrySetResult(root.TryGetProperty("result", out JsonElement result) ? result.Clone() : default);
            }

            return;
        }

        string method = root.GetProperty("method").GetString()!;
        string? session = root.TryGetProperty("sessionId", out JsonElement s) ? s.GetString() : null;
        JsonElement parameters = root.TryGetProperty("params", out JsonElement p) ? p.Clone() : default;
        lock (_lock)
        {
            _events.Add(new CdpEvent(method, session, parameters));
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>A DevTools event: its method, the session it belongs to and its parameters.</summary>
    internal sealed record CdpEvent(string Method, string? SessionId, JsonElement Params);

    /// <summary>One tab (page target) of the browser, addressed through its flat session.</summary>
    internal sealed class Tab(Chromium browser, string targetId, string sessionId) : IDisposable
    {
        private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(60);

        public JsonElement Send(string method, Action<Utf8JsonWriter>? parameters = null) =>
            browser.Send(method, parameters, sessionId);

        /// <summary>Loads <paramref name="url"/> and waits for its load event and for docfx's scripts to finish (<c>window.docfx.ready</c>).</summary>
        public void Navigate(string url)
        {
            int loads = browser.EventsOf(sessionId).Count(e => e.Method == "Page.loadEventFired");
            JsonElement navigated = Send("Page.navigate", w => w.WriteString("url", url));
            if (navigated.TryGetProperty("errorText", out JsonElement error))
            {
                throw new InvalidOperationException($"navigating to {url} failed: {error.GetString()}");
            }

            browser.WaitForEvent(sessionId, "Page.loadEventFired", loads, PageTimeout);
            WaitUntil("window.docfx !== undefined && window.docfx.ready === true", "docfx's scripts to finish");
        }

        /// <summary>Evaluates a JavaScript expression in the page and returns its value as JSON text (the expression is wrapped in JSON.stringify).</summary>
        public string Evaluate(string expression)
        {
            JsonElement result = Send("Runtime.evaluate", w =>
            {
                w.WriteString("expression", $"JSON.stringify(({expression}))");
                w.WriteBoolean("returnByValue", true);
                w.WriteBoolean("awaitPromise", true);
            });
            if (result.TryGetProperty("exceptionDetails", out JsonElement thrown))
            {
                throw new InvalidOperationException($"evaluating {expression} threw: {thrown.GetRawText()}");
            }

            JsonElement value = result.GetProperty("result");
            return value.TryGetProperty("value", out JsonElement v) ? v.GetString() ?? "null" : "undefined";
        }

        /// <summary>Polls a JavaScript condition until it is true.</summary>
        public void WaitUntil(string condition, string what)
        {
            var clock = Stopwatch.StartNew();
            while (Evaluate($"!!({condition})") != "true")
            {
                if (clock.Elapsed > PageTimeout)
                {
                    throw new TimeoutException($"waited {PageTimeout.TotalSeconds} s for {what} ({condition})");
                }

                Thread.Sleep(100);
            }
        }

        /// <summary>The texts of the page's h1 and h2 elements, in document order.</summary>
        public List<string> Headings(string selector = "article h1, article h2")
        {
            using JsonDocument doc = JsonDocument.Parse(Evaluate($"[...document.querySelectorAll('{selector}')].map(e => e.textContent.replace(/\\s+/g, ' ').trim())"));
            return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
        }

        /// <summary>
        /// Everything the page reported as an error: uncaught exceptions, console.error/assert calls, and
        /// log entries at level error (failed loads of a resource, blocked requests, CSP).
        /// </summary>
        public List<string> Errors()
        {
            var errors = new List<string>();
            foreach (CdpEvent e in browser.EventsOf(sessionId))
            {
                switch (e.Method)
                {
                    case "Runtime.exceptionThrown":
                        JsonElement details = e.Params.GetProperty("exceptionDetails");
                        errors.Add("exception: " + (details.TryGetProperty("exception", out JsonElement ex) && ex.TryGetProperty("description", out JsonElement d)
                            ? d.GetString() : details.GetProperty("text").GetString()));
                        break;
                    case "Runtime.consoleAPICalled" when e.Params.GetProperty("type").GetString() is "error" or "assert":
                        errors.Add("console." + e.Params.GetProperty("type").GetString() + ": " + string.Join(' ', e.Params.GetProperty("args").EnumerateArray()
                            .Select(a => a.TryGetProperty("value", out JsonElement v) ? v.ToString() : a.TryGetProperty("description", out JsonElement ad) ? ad.GetString() : a.GetRawText())));
                        break;
                    case "Log.entryAdded" when e.Params.GetProperty("entry").GetProperty("level").GetString() == "error":
                        JsonElement entry = e.Params.GetProperty("entry");
                        errors.Add($"log ({entry.GetProperty("source").GetString()}): {entry.GetProperty("text").GetString()}"
                            + (entry.TryGetProperty("url", out JsonElement u) ? " " + u.GetString() : string.Empty));
                        break;
                }
            }

            return errors;
        }

        /// <summary>Writes a PNG of the whole page to <paramref name="path"/>.</summary>
        public void Screenshot(string path)
        {
            JsonElement shot = Send("Page.captureScreenshot", w =>
            {
                w.WriteString("format", "png");
                w.WriteBoolean("captureBeyondViewport", true);
            });
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Convert.FromBase64String(shot.GetProperty("data").GetString()!));
        }

        public void Dispose()
        {
            try
            {
                browser.Send("Target.closeTarget", w => w.WriteString("targetId", targetId));
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException or ObjectDisposedException or AggregateException)
            {
                // The browser is going away anyway; the fixture kills it.
            }
        }
    }
}
