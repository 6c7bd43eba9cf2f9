using System.Text.Json;
using System.Text.Json.Nodes;
using Cni.Spec;

namespace Cni.Runtime;

/// <summary>
/// The runtime side of CNI: runs the plugin chain of a network for ADD, CHECK, DEL, STATUS and GC as a
/// container runtime does, and keeps the ADD results in a cache interchangeable with libcni's.
/// </summary>
/// <remarks>
/// <para>
/// Safe for concurrent use: verbs on different attachments run in parallel; the verbs of one attachment
/// (network, container ID, interface) are serialised in the order they are called.
/// </para>
/// <para>
/// Every plugin of a list is found and asked its versions (VERSION) before ADD runs any of them, so a
/// missing plugin or one that supports none of the list's versions fails the ADD with nothing done. Each
/// plugin is run with the list's version when it supports it, else the newest of the list's
/// <c>cniVersions</c> it does; <c>prevResult</c> is converted to the version each plugin gets (libcni
/// passes it unconverted).
/// </para>
/// <para>
/// Deviations from libcni, each toward leaving nothing behind: a failed ADD is rolled back (DEL of every
/// plugin, in reverse order; <see cref="CniRuntimeOptions.RollBackFailedAdd"/>); a DEL with a missing or
/// unreadable cache entry still runs every plugin's DEL; <see cref="CniRuntimeOptions.ContinueDeleteOnError"/>
/// (off by default, as the specification requires DEL to stop at the first failure) lets the other plugins
/// still release what they hold; cache entries are written atomically.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var runtime = new CniRuntime(new CniRuntimeOptions { PluginDirectories = ["/opt/cni/bin"] });
/// CniNetwork network = CniConfigLoader.LoadNetwork("/etc/cni/net.d", "mynet");
/// var pod = new AttachmentParameters { ContainerId = "pod1", NetNs = "/run/netns/pod1", IfName = "eth0" };
/// CniResult result = await runtime.AddNetworkListAsync(network, pod);
/// await runtime.CheckNetworkListAsync(network, pod);
/// await runtime.DeleteNetworkListAsync(network, pod);
/// </code>
/// </example>
public sealed class CniRuntime
{
    private readonly PluginRunner _runner;
    private readonly AttachmentLocks _locks = new();

    /// <summary>Creates a runtime.</summary>
    /// <param name="options">Plugin directories, cache directory, timeout, executor; <see langword="null"/> for the defaults.</param>
    public CniRuntime(CniRuntimeOptions? options = null)
    {
        Options = options ?? new CniRuntimeOptions();
        ArgumentNullException.ThrowIfNull(Options.PluginDirectories);
        ArgumentException.ThrowIfNullOrEmpty(Options.CacheDirectory);
        if (Options.PluginTimeout <= TimeSpan.Zero && Options.PluginTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "PluginTimeout must be positive or Timeout.InfiniteTimeSpan");
        }

        Cache = new ResultCache(Options.CacheDirectory);
        _runner = new PluginRunner(Options);
    }

    /// <summary>The options this runtime was made with.</summary>
    public CniRuntimeOptions Options { get; }

    /// <summary>The result cache.</summary>
    public ResultCache Cache { get; }

    /// <summary>
    /// ADD (spec 0.1.0 on): runs every plugin of the list in order, each given the previous one's result,
    /// caches the final result and returns it in the list's version.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="attachment">The container, namespace, interface and arguments.</param>
    /// <param name="cancellationToken">Cancels the call; a running plugin is abandoned and the ADD rolled back.</param>
    /// <returns>The result, in <see cref="CniNetwork.CniVersion"/>.</returns>
    /// <exception cref="CniPluginException">A plugin is missing, supports none of the list's versions, failed or printed garbage; after the rollback, if enabled.</exception>
    /// <exception cref="CniException">The attachment parameters are invalid (code 4), or the cache could not be written (code 5).</exception>
    public async Task<CniResult> AddNetworkListAsync(CniNetwork network, AttachmentParameters attachment, CancellationToken cancellationToken = default)
    {
        Validate(network, attachment, requireNetNs: true);
        using IDisposable held = await _locks.AcquireAsync(Key(network, attachment), cancellationToken).ConfigureAwait(false);
        List<PreparedPlugin> plugins = await _runner.PrepareAsync(network, strict: true, cancellationToken).ConfigureAwait(false);
        CniResult? prev = null;
        try
        {
            foreach (PreparedPlugin plugin in plugins)
            {
                byte[] stdin = PluginRunner.BuildConfig(network, plugin, prev, attachment.CapabilityArgs);
                byte[] stdout = await _runner.RunAsync(plugin.Type, network.Name, "ADD", plugin.Path!, _runner.BaseEnvironment("ADD", attachment), stdin, cancellationToken).ConfigureAwait(false);
                prev = PluginRunner.ParseResult(plugin, network.Name, stdout);
            }

            CniResult result = ConvertFinal(network, prev!);
            Cache.Write(new CachedAttachment
            {
                NetworkName = network.Name,
                ContainerId = attachment.ContainerId,
                IfName = attachment.IfName,
                NetNs = attachment.NetNs,
                Config = network.Bytes,
                CniArgs = attachment.Args.Count > 0 ? attachment.Args : null,
                CapabilityArgs = attachment.CapabilityArgs.Count > 0 ? attachment.CapabilityArgs : null,
                Result = result,
            });
            return result;
        }
        catch (Exception e) when (Options.RollBackFailedAdd && e is CniException or OperationCanceledException)
        {
            List<CniException> rollback = await DeletePluginsAsync(network, attachment, plugins, prev, continueOnError: true, CancellationToken.None).ConfigureAwait(false);
            if (rollback.Count > 0)
            {
                _runner.Log.WriteLine($"rollback of the failed ADD of {attachment.ContainerId}/{attachment.IfName} on network \"{network.Name}\": {string.Join("; ", rollback.Select(r => r.Message))}");
            }

            throw;
        }
    }

    /// <summary>
    /// CHECK (spec 0.4.0 on): runs every plugin of the list in order with the cached ADD result. Does nothing
    /// when the list sets <c>disableCheck</c>.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="attachment">The attachment, as it was added.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when every plugin passed.</returns>
    /// <exception cref="CniException">The list's version is below 0.4.0 (code 1), there is no cached result (code 3), or the cache entry is unreadable.</exception>
    /// <exception cref="CniPluginException">A plugin failed the check.</exception>
    public async Task CheckNetworkListAsync(CniNetwork network, AttachmentParameters attachment, CancellationToken cancellationToken = default)
    {
        Validate(network, attachment, requireNetNs: true);
        if (network.CniVersion < CniVersion.V0_4_0)
        {
            throw new CniException(CniErrorCode.IncompatibleVersion, $"configuration version \"{network.CniVersion}\" does not support the CHECK command", $"network \"{network.Name}\"");
        }

        if (network.DisableCheck)
        {
            return;
        }

        using IDisposable held = await _locks.AcquireAsync(Key(network, attachment), cancellationToken).ConfigureAwait(false);
        CachedAttachment? cached = Cache.Read(network.Name, attachment.ContainerId, attachment.IfName);
        if (cached?.Result is not CniResult result)
        {
            throw new CniException(
                CniErrorCode.UnknownContainer,
                $"no cached result for container \"{attachment.ContainerId}\" interface \"{attachment.IfName}\" on network \"{network.Name}\": CHECK needs a previous ADD",
                Cache.GetPath(network.Name, attachment.ContainerId, attachment.IfName));
        }

        List<PreparedPlugin> plugins = await _runner.PrepareAsync(network, strict: true, cancellationToken).ConfigureAwait(false);
        foreach (PreparedPlugin plugin in plugins)
        {
            if (plugin.Version < CniVersion.V0_4_0)
            {
                throw new CniPluginException(plugin.Type, network.Name, "CHECK", new CniError(CniErrorCode.IncompatibleVersion, $"the plugin runs at version {plugin.Version}, which has no CHECK", null));
            }

            byte[] stdin = PluginRunner.BuildConfig(network, plugin, result, Capabilities(attachment, cached));
            await _runner.RunAsync(plugin.Type, network.Name, "CHECK", plugin.Path!, _runner.BaseEnvironment("CHECK", WithArgs(attachment, cached)), stdin, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// DEL (spec 0.1.0 on): runs every plugin of the list in reverse order with the cached ADD result, then
    /// removes the cache entry. Idempotent: a DEL of something already deleted succeeds (the plugins are run
    /// again, as the specification requires them to tolerate). A missing or unreadable cache entry does not
    /// stop it: every plugin's DEL still runs, without <c>prevResult</c>.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="attachment">The attachment; <see cref="AttachmentParameters.NetNs"/> may be <see langword="null"/> when the namespace is gone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when every plugin's DEL succeeded and the entry is removed.</returns>
    /// <exception cref="CniPluginException">A plugin failed (DEL stops there and the cache entry is kept).</exception>
    /// <exception cref="CniException">With <see cref="CniRuntimeOptions.ContinueDeleteOnError"/>, several plugins failed: the message lists them and the inner exception is an <see cref="AggregateException"/> of each.</exception>
    public async Task DeleteNetworkListAsync(CniNetwork network, AttachmentParameters attachment, CancellationToken cancellationToken = default)
    {
        Validate(network, attachment, requireNetNs: false);
        using IDisposable held = await _locks.AcquireAsync(Key(network, attachment), cancellationToken).ConfigureAwait(false);
        CachedAttachment? cached = null;
        try
        {
            cached = Cache.Read(network.Name, attachment.ContainerId, attachment.IfName);
        }
        catch (CniException e)
        {
            _runner.Log.WriteLine($"ignoring an unreadable cache entry on DEL: {e.Message}");
        }

        List<PreparedPlugin> plugins = await _runner.PrepareAsync(network, strict: false, cancellationToken).ConfigureAwait(false);
        List<CniException> errors = await DeletePluginsAsync(network, WithArgs(attachment, cached), plugins, cached?.Result, Options.ContinueDeleteOnError, cancellationToken, Capabilities(attachment, cached)).ConfigureAwait(false);
        ThrowIfAny(errors, "DEL", network);
        Cache.Delete(network.Name, attachment.ContainerId, attachment.IfName);
    }

    /// <summary>
    /// STATUS (spec 1.1.0): asks every plugin of the list whether it is ready for ADD, stopping at the first
    /// that is not. Does nothing for a list below 1.1.0, and skips plugins that run at a lower version.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when every plugin is ready.</returns>
    /// <exception cref="CniPluginException">A plugin is missing or not ready (codes 50 and 51 from the plugin).</exception>
    public async Task GetStatusAsync(CniNetwork network, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.CniVersion < CniVersion.V1_1_0)
        {
            return;
        }

        List<PreparedPlugin> plugins = await _runner.PrepareAsync(network, strict: true, cancellationToken).ConfigureAwait(false);
        foreach (PreparedPlugin plugin in plugins.Where(p => p.Version >= CniVersion.V1_1_0))
        {
            byte[] stdin = PluginRunner.BuildConfig(network, plugin, null, null);
            await _runner.RunAsync(plugin.Type, network.Name, "STATUS", plugin.Path!, _runner.BaseEnvironment("STATUS"), stdin, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// GC (spec 1.1.0): DELs the cached attachments of the network that are not in
    /// <paramref name="validAttachments"/>, then sends GC with the valid attachments to every plugin (under
    /// both <c>cni.dev/valid-attachments</c> and <c>cni.dev/attachments</c>, as libcni does), going on after a
    /// failure and reporting every failure together. Does nothing when the list sets <c>disableGC</c>; below
    /// 1.1.0 only the stale cached attachments are deleted.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="validAttachments">
    /// The attachments still in use; <see langword="null"/> means those in the cache (so nothing cached is
    /// deleted and the plugins release only what the cache does not know of). libcni treats a nil list
    /// differently: it deletes every cached attachment.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the collection is done.</returns>
    /// <exception cref="CniException">One or more DELs or plugins failed; the message lists them and the inner exception is an <see cref="AggregateException"/> of each.</exception>
    public async Task GarbageCollectAsync(CniNetwork network, IReadOnlyList<Attachment>? validAttachments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.DisableGC)
        {
            return;
        }

        var errors = new List<CniException>();
        IReadOnlyList<CachedAttachment> cached = Cache.List(network.Name);
        List<Attachment> valid;
        if (validAttachments is null)
        {
            valid = cached.Select(c => new Attachment(c.ContainerId, c.IfName)).ToList();
        }
        else
        {
            valid = validAttachments.ToList();
            var keep = new HashSet<Attachment>(valid);
            foreach (CachedAttachment stale in cached.Where(c => !keep.Contains(new Attachment(c.ContainerId, c.IfName))))
            {
                try
                {
                    await DeleteNetworkListAsync(
                        network,
                        new AttachmentParameters
                        {
                            ContainerId = stale.ContainerId,
                            IfName = stale.IfName,
                            NetNs = stale.NetNs,
                            Args = stale.CniArgs ?? [],
                            CapabilityArgs = stale.CapabilityArgs ?? new Dictionary<string, JsonElement>(),
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (CniException e)
                {
                    errors.Add(e);
                }
            }
        }

        if (network.CniVersion >= CniVersion.V1_1_0)
        {
            List<PreparedPlugin> plugins = await _runner.PrepareAsync(network, strict: false, cancellationToken).ConfigureAwait(false);
            foreach (PreparedPlugin plugin in plugins)
            {
                if (plugin.Problem is not null)
                {
                    errors.Add(plugin.Problem);
                    continue;
                }

                if (plugin.Version < CniVersion.V1_1_0)
                {
                    continue;
                }

                try
                {
                    byte[] stdin = PluginRunner.BuildConfig(network, plugin, null, null, valid);
                    await _runner.RunAsync(plugin.Type, network.Name, "GC", plugin.Path!, _runner.BaseEnvironment("GC"), stdin, cancellationToken).ConfigureAwait(false);
                }
                catch (CniException e)
                {
                    errors.Add(e);
                }
            }
        }

        ThrowIfAny(errors, "GC", network);
    }

    /// <summary>
    /// Validates a list without running it: finds every plugin and checks with VERSION that it supports one of
    /// the list's versions (as ADD does before it runs anything).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The capabilities the list's plugins enable (<c>capabilities</c> set to true), sorted.</returns>
    /// <exception cref="CniPluginException">A plugin is missing or supports none of the list's versions.</exception>
    public async Task<IReadOnlyList<string>> ValidateNetworkListAsync(CniNetwork network, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        _ = await _runner.PrepareAsync(network, strict: true, cancellationToken).ConfigureAwait(false);
        var caps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (JsonObject plugin in network.Plugins)
        {
            if (plugin["capabilities"] is JsonObject map)
            {
                foreach (KeyValuePair<string, JsonNode?> cap in map)
                {
                    if (cap.Value is JsonValue v && v.TryGetValue(out bool on) && on)
                    {
                        caps.Add(cap.Key);
                    }
                }
            }
        }

        return caps.ToList();
    }

    /// <summary>Asks a plugin its versions (VERSION), as libcni's <c>GetVersionInfo</c>.</summary>
    /// <param name="pluginType">The plugin's executable name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plugin's answer.</returns>
    /// <exception cref="CniPluginException">The plugin is missing, failed, or answered something that is not a version document.</exception>
    public Task<VersionInfo> GetPluginVersionInfoAsync(string pluginType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginType);
        string path = _runner.Find(pluginType, string.Empty);
        return _runner.GetVersionInfoAsync(pluginType, path, string.Empty, CniVersion.Current, cancellationToken);
    }

    /// <summary>The cached ADD result of an attachment, converted to the list's version (libcni's <c>GetNetworkListCachedResult</c>).</summary>
    /// <param name="network">The network.</param>
    /// <param name="attachment">The attachment.</param>
    /// <returns>The result, or <see langword="null"/> when none is cached.</returns>
    /// <exception cref="CniException">The entry is unreadable, or its result cannot be converted.</exception>
    public CniResult? GetCachedResult(CniNetwork network, AttachmentParameters attachment)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(attachment);
        CniResult? result = Cache.Read(network.Name, attachment.ContainerId, attachment.IfName)?.Result;
        return result is null ? null : result.ConvertTo(network.CniVersion);
    }

    private async Task<List<CniException>> DeletePluginsAsync(
        CniNetwork network,
        AttachmentParameters attachment,
        List<PreparedPlugin> plugins,
        CniResult? prevResult,
        bool continueOnError,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, JsonElement>? capabilityArgs = null)
    {
        var errors = new List<CniException>();
        for (int i = plugins.Count - 1; i >= 0; i--)
        {
            PreparedPlugin plugin = plugins[i];
            try
            {
                if (plugin.Problem is not null)
                {
                    throw new CniPluginException(plugin.Type, network.Name, "DEL", new CniError(plugin.Problem.Error.Code, plugin.Problem.Error.Message, plugin.Problem.Error.Details), plugin.Problem);
                }

                // Before 0.4.0 DEL gets no prevResult, as libcni sends none; a result that cannot be written in the plugin's version is left out.
                CniResult? prev = plugin.Version >= CniVersion.V0_4_0 ? prevResult : null;
                byte[] stdin;
                try
                {
                    stdin = PluginRunner.BuildConfig(network, plugin, prev, capabilityArgs ?? attachment.CapabilityArgs);
                }
                catch (CniPluginException)
                {
                    stdin = PluginRunner.BuildConfig(network, plugin, null, capabilityArgs ?? attachment.CapabilityArgs);
                }

                await _runner.RunAsync(plugin.Type, network.Name, "DEL", plugin.Path!, _runner.BaseEnvironment("DEL", attachment), stdin, cancellationToken).ConfigureAwait(false);
            }
            catch (CniException e)
            {
                errors.Add(e);
                if (!continueOnError)
                {
                    break;
                }
            }
        }

        return errors;
    }

    private static CniResult ConvertFinal(CniNetwork network, CniResult last) =>
        last.CniVersion == network.CniVersion ? last : last.ConvertTo(network.CniVersion);

    private static IReadOnlyDictionary<string, JsonElement> Capabilities(AttachmentParameters attachment, CachedAttachment? cached) =>
        attachment.CapabilityArgs.Count == 0 && cached?.CapabilityArgs is { Count: > 0 } c ? c : attachment.CapabilityArgs;

    private static AttachmentParameters WithArgs(AttachmentParameters attachment, CachedAttachment? cached) =>
        attachment.Args.Count == 0 && cached?.CniArgs is { Count: > 0 } args
            ? new AttachmentParameters
            {
                ContainerId = attachment.ContainerId,
                IfName = attachment.IfName,
                NetNs = attachment.NetNs,
                Args = args,
                CapabilityArgs = attachment.CapabilityArgs,
                TraceParent = attachment.TraceParent,
                TraceState = attachment.TraceState,
            }
            : attachment;

    private static void ThrowIfAny(List<CniException> errors, string verb, CniNetwork network)
    {
        if (errors.Count == 1)
        {
            throw errors[0];
        }

        if (errors.Count > 1)
        {
            throw new CniException(
                errors[0].Code,
                $"{verb} of network \"{network.Name}\": {errors.Count} failures: {string.Join("; ", errors.Select(e => e.Message))}",
                null,
                new AggregateException(errors));
        }
    }

    private static void Validate(CniNetwork network, AttachmentParameters attachment, bool requireNetNs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(attachment);
        ConfigRules.ValidateContainerId(attachment.ContainerId);
        ConfigRules.ValidateInterfaceName(attachment.IfName);
        if (requireNetNs && string.IsNullOrEmpty(attachment.NetNs))
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "the network namespace (CNI_NETNS) is required for ADD and CHECK");
        }
    }

    private static string Key(CniNetwork network, AttachmentParameters attachment) =>
        $"{network.Name}\0{attachment.ContainerId}\0{attachment.IfName}";
}
