using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Skel;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>One plugin of a list, found and with the version it is run with.</summary>
internal sealed record PreparedPlugin(int Index, string Type, JsonObject Config, string? Path, CniVersion Version, CniPluginException? Problem);

/// <summary>Finds, versions and runs the plugins of a list: the environment, stdin, timeout and error mapping of every plugin call.</summary>
internal sealed class PluginRunner
{
    private readonly CniRuntimeOptions _options;
    private readonly IPluginExecutor _executor;
    private readonly TextWriter _log;
    private readonly ConcurrentDictionary<string, VersionInfo> _versions = new(StringComparer.Ordinal);

    public PluginRunner(CniRuntimeOptions options)
    {
        _options = options;
        // The process executor kills a plugin at its deadline; one without a deadline of its own gets the runtime's.
        _executor = options.Executor switch
        {
            null => new ProcessPluginExecutor(options.PluginTimeout),
            ProcessPluginExecutor p when p.Timeout == Timeout.InfiniteTimeSpan && options.PluginTimeout != Timeout.InfiniteTimeSpan => new ProcessPluginExecutor(options.PluginTimeout),
            IPluginExecutor other => other,
        };
        _log = options.Log is null ? TextWriter.Null : TextWriter.Synchronized(options.Log);
    }

    public TextWriter Log => _log;

    /// <summary>
    /// Finds every plugin and asks each its versions (VERSION), picking for each the newest of the list's
    /// versions it supports. With <paramref name="strict"/> the first plugin missing or supporting none of
    /// them fails the call before any plugin runs; otherwise the problem is kept on the plugin (DEL goes on).
    /// </summary>
    public async Task<List<PreparedPlugin>> PrepareAsync(CniNetwork network, bool strict, CancellationToken cancellationToken)
    {
        var plugins = new List<PreparedPlugin>(network.Plugins.Count);
        for (int i = 0; i < network.Plugins.Count; i++)
        {
            JsonObject config = network.Plugins[i];
            string type = TypeOf(config);
            string? path = null;
            try
            {
                path = Find(type, network.Name);
                VersionInfo info = await GetVersionInfoCachedAsync(type, path, network, cancellationToken).ConfigureAwait(false);
                CniVersion version = PickVersion(network, info, type);
                plugins.Add(new PreparedPlugin(i, type, config, path, version, null));
            }
            catch (CniPluginException e) when (!strict)
            {
                plugins.Add(new PreparedPlugin(i, type, config, path, network.CniVersion, e));
            }
        }

        return plugins;
    }

    public string Find(string type, string networkName)
    {
        try
        {
            ConfigRules.ValidateType(type);
            return _executor.Find(type, _options.PluginDirectories);
        }
        catch (CniException e)
        {
            throw new CniPluginException(type, networkName, "find", new CniError(e.Code, e.Message, e.Details), e);
        }
    }

    public async Task<VersionInfo> GetVersionInfoAsync(string type, string path, string networkName, CniVersion asked, CancellationToken cancellationToken)
    {
        byte[] stdin = Encoding.UTF8.GetBytes($"{{\"cniVersion\":\"{asked}\"}}");
        Dictionary<string, string> env = BaseEnvironment("VERSION");
        byte[] stdout;
        try
        {
            stdout = await RunAsync(type, networkName, "VERSION", path, env, stdin, cancellationToken).ConfigureAwait(false);
        }
        catch (CniPluginException e) when (e.Message.Contains("unknown CNI_COMMAND: VERSION", StringComparison.Ordinal))
        {
            // A plugin older than VERSION (spec 0.1.0), as libcni assumes.
            return new VersionInfo { CniVersion = "0.1.0", SupportedVersions = ["0.1.0"] };
        }

        try
        {
            return VersionInfo.Parse(stdout);
        }
        catch (CniException e)
        {
            throw new CniPluginException(type, networkName, "VERSION", new CniError(CniErrorCode.DecodingFailure, $"its VERSION answer is not a version document: {e.Message}", Excerpt(stdout)), e);
        }
    }

    private async Task<VersionInfo> GetVersionInfoCachedAsync(string type, string path, CniNetwork network, CancellationToken cancellationToken)
    {
        // A plugin's versions change only when its file does: the key holds its size and time of change.
        string key = path;
        try
        {
            var file = new FileInfo(path);
            if (file.Exists)
            {
                key = $"{path}\0{file.Length}\0{file.LastWriteTimeUtc.Ticks}";
            }
        }
        catch (IOException)
        {
        }

        if (_versions.TryGetValue(key, out VersionInfo? known))
        {
            return known;
        }

        VersionInfo info = await GetVersionInfoAsync(type, path, network.Name, CniVersion.Current, cancellationToken).ConfigureAwait(false);
        _versions[key] = info;
        return info;
    }

    private static CniVersion PickVersion(CniNetwork network, VersionInfo info, string type)
    {
        var supported = new HashSet<CniVersion>();
        foreach (string s in info.SupportedVersions)
        {
            if (CniVersion.TryParse(s, out CniVersion v))
            {
                supported.Add(v);
            }
        }

        foreach (CniVersion candidate in network.Versions)
        {
            if (supported.Contains(candidate))
            {
                return candidate;
            }
        }

        string wanted = network.Versions.Count == 1 ? $"\"{network.CniVersion}\"" : "any of [" + string.Join(", ", network.Versions) + "]";
        throw new CniPluginException(
            type,
            network.Name,
            "VERSION",
            new CniError(CniErrorCode.IncompatibleVersion, $"plugin {type} does not support config version {wanted}", $"plugin supports [{string.Join(", ", info.SupportedVersions)}]"));
    }

    /// <summary>The environment of a call: the base environment without any <c>CNI_*</c> variable of its own, then the call's.</summary>
    public Dictionary<string, string> BaseEnvironment(string command, AttachmentParameters? attachment = null)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_options.Environment is { } given)
        {
            foreach (KeyValuePair<string, string> pair in given)
            {
                env[pair.Key] = pair.Value;
            }
        }
        else
        {
            foreach (System.Collections.DictionaryEntry pair in System.Environment.GetEnvironmentVariables())
            {
                env[(string)pair.Key] = (string?)pair.Value ?? string.Empty;
            }
        }

        foreach (string name in (ReadOnlySpan<string>)["CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH", "TRACEPARENT", "TRACESTATE"])
        {
            env.Remove(name);
        }

        env["CNI_COMMAND"] = command;
        env["CNI_PATH"] = string.Join(Path.PathSeparator, _options.PluginDirectories);
        if (attachment is not null)
        {
            env["CNI_CONTAINERID"] = attachment.ContainerId;
            env["CNI_NETNS"] = attachment.NetNs ?? string.Empty;
            env["CNI_IFNAME"] = attachment.IfName;
            env["CNI_ARGS"] = string.Join(';', attachment.Args.Select(a => $"{a.Key}={a.Value}"));
        }

        Activity? activity = Activity.Current;
        string? traceParent = attachment?.TraceParent ?? (activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null);
        string? traceState = attachment?.TraceState ?? (attachment?.TraceParent is null ? activity?.TraceStateString : null);
        if (!string.IsNullOrEmpty(traceParent))
        {
            env["TRACEPARENT"] = traceParent;
            if (!string.IsNullOrEmpty(traceState))
            {
                env["TRACESTATE"] = traceState;
            }
        }

        return env;
    }

    /// <summary>
    /// The configuration a plugin gets: its object with the list's <c>name</c> and its version injected,
    /// <c>runtimeConfig</c> from the capability arguments it declares (replacing its own when there are any,
    /// as libcni does), <c>prevResult</c> in its version, and for GC the valid attachments under both keys.
    /// </summary>
    public static byte[] BuildConfig(
        CniNetwork network,
        PreparedPlugin plugin,
        CniResult? prevResult,
        IReadOnlyDictionary<string, JsonElement>? capabilityArgs,
        IReadOnlyList<Attachment>? validAttachments = null)
    {
        List<KeyValuePair<string, JsonElement>> runtimeConfig = [];
        if (capabilityArgs is { Count: > 0 } && plugin.Config["capabilities"] is JsonObject caps)
        {
            foreach (KeyValuePair<string, JsonNode?> cap in caps)
            {
                if (cap.Value is JsonValue v && v.TryGetValue(out bool on) && on && capabilityArgs.TryGetValue(cap.Key, out JsonElement value))
                {
                    runtimeConfig.Add(new(cap.Key, value));
                }
            }
        }

        byte[]? prev = null;
        if (prevResult is not null)
        {
            try
            {
                prev = prevResult.ToJson(plugin.Version);
            }
            catch (CniException e)
            {
                throw new CniPluginException(plugin.Type, network.Name, "prevResult", new CniError(e.Code, $"the previous result cannot be converted to version {plugin.Version}: {e.Message}", e.Details), e);
            }
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("cniVersion", plugin.Version.ToString());
            writer.WriteString("name", network.Name);
            foreach (KeyValuePair<string, JsonNode?> property in plugin.Config)
            {
                if (property.Key is "cniVersion" or "name" or "prevResult" or "cni.dev/valid-attachments" or "cni.dev/attachments"
                    || (property.Key == "runtimeConfig" && runtimeConfig.Count > 0))
                {
                    continue;
                }

                writer.WritePropertyName(property.Key);
                if (property.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            if (runtimeConfig.Count > 0)
            {
                writer.WriteStartObject("runtimeConfig");
                foreach (KeyValuePair<string, JsonElement> entry in runtimeConfig)
                {
                    writer.WritePropertyName(entry.Key);
                    entry.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            if (prev is not null)
            {
                writer.WritePropertyName("prevResult");
                using JsonDocument doc = JsonDocument.Parse(prev);
                doc.RootElement.WriteTo(writer);
            }

            if (validAttachments is not null)
            {
                foreach (string key in (ReadOnlySpan<string>)["cni.dev/valid-attachments", "cni.dev/attachments"])
                {
                    writer.WriteStartArray(key);
                    foreach (Attachment a in validAttachments)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("containerID", a.ContainerId);
                        writer.WriteString("ifname", a.IfName);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Runs one plugin call with the timeout; a failure of any kind becomes a <see cref="CniPluginException"/> naming the plugin.</summary>
    public async Task<byte[]> RunAsync(string type, string networkName, string command, string path, Dictionary<string, string> environment, byte[] stdin, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PluginOutput output;
        try
        {
            if (_executor is ProcessPluginExecutor process)
            {
                // Killed and reaped at its deadline or on cancellation by the executor itself; the call blocks,
                // so it gets a thread of its own rather than one of the pool's.
                output = await Task.Factory.StartNew(
                    () => process.Execute(path, environment, stdin, _log, cancellationToken),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                    TaskScheduler.Default).ConfigureAwait(false);
            }
            else
            {
                // Another executor cannot be told a deadline: the call is abandoned (not killed) at the timeout.
                Task<PluginOutput> run = Task.Factory.StartNew(
                    () => _executor.Execute(path, environment, stdin, _log),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                    TaskScheduler.Default);
                output = _options.PluginTimeout == Timeout.InfiniteTimeSpan
                    ? await run.WaitAsync(cancellationToken).ConfigureAwait(false)
                    : await run.WaitAsync(_options.PluginTimeout, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException e)
        {
            throw new CniPluginException(type, networkName, command, new CniError(CniErrorCode.TryAgainLater, $"the plugin did not finish within the timeout of {_options.PluginTimeout.TotalSeconds:0.###} s and was abandoned", path), e);
        }
        catch (CniException e) when (e is not CniPluginException)
        {
            throw new CniPluginException(type, networkName, command, new CniError(e.Code, e.Message, e.Details), e);
        }

        if (output.Stderr.Length > 0)
        {
            _log.Write(output.Stderr);
        }

        byte[] stdout = output.Stdout.ToArray();
        if (output.ExitCode == 0)
        {
            return stdout;
        }

        throw new CniPluginException(type, networkName, command, ErrorOf(output, stdout));
    }

    /// <summary>Reads a plugin's result, assuming its version when it names none (as libcni does).</summary>
    public static CniResult ParseResult(PreparedPlugin plugin, string networkName, byte[] stdout)
    {
        if (stdout.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new CniPluginException(plugin.Type, networkName, "ADD", new CniError(CniErrorCode.DecodingFailure, "the plugin succeeded but printed no result", null));
        }

        try
        {
            return CniResult.Parse(stdout, plugin.Version);
        }
        catch (CniException e)
        {
            throw new CniPluginException(plugin.Type, networkName, "ADD", new CniError(e.Code, $"the plugin printed something that is not a result: {e.Message}", Excerpt(stdout)), e);
        }
    }

    private static CniError ErrorOf(PluginOutput output, byte[] stdout)
    {
        string stderr = output.Stderr.Trim();
        string exit = output.ExitCode > 128 && output.ExitCode < 160
            ? $"exit code {output.ExitCode} (killed by signal {output.ExitCode - 128})"
            : $"exit code {output.ExitCode}";
        if (stdout.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return new CniError(CniErrorCode.Internal, stderr.Length == 0 ? $"failed with {exit} and printed no error message" : $"failed with {exit}: {Tail(stderr)}", null);
        }

        try
        {
            return CniError.Parse(stdout);
        }
        catch (CniException)
        {
            return new CniError(CniErrorCode.Internal, $"failed with {exit} and printed something that is not an error object: {Excerpt(stdout)}", stderr.Length == 0 ? null : Tail(stderr));
        }
    }

    public static string TypeOf(JsonObject config) =>
        config["type"] is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty;

    private static string Excerpt(byte[] bytes) => Tail(Encoding.UTF8.GetString(bytes).Trim());

    private static string Tail(string text) => text.Length <= 500 ? text : "..." + text[^500..];
}
