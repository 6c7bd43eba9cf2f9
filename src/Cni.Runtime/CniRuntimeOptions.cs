using Cni.Skel;

namespace Cni.Runtime;

/// <summary>How a <see cref="CniRuntime"/> finds, runs and remembers plugins.</summary>
public sealed class CniRuntimeOptions
{
    /// <summary>The default cache directory, as libcni's: <c>/var/lib/cni</c> (results under <c>results/</c>).</summary>
    public const string DefaultCacheDirectory = "/var/lib/cni";

    /// <summary>The directories plugins are searched in, in order; also sent to the plugins as <c>CNI_PATH</c>. Default <c>/opt/cni/bin</c>.</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = ["/opt/cni/bin"];

    /// <summary>The cache directory (default <see cref="DefaultCacheDirectory"/>); ADD results are kept in its <c>results</c> directory.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>
    /// How long one plugin call may take before the plugin is killed and the call fails with
    /// code 11 (try again later) naming the plugin; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// Default one minute.
    /// </summary>
    public TimeSpan PluginTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How plugins are found and run; <see langword="null"/> means child processes (a <see cref="ProcessPluginExecutor"/>
    /// with <see cref="PluginTimeout"/>, which kills a plugin at the deadline). Another executor is abandoned, not
    /// killed, at the timeout.
    /// </summary>
    public IPluginExecutor? Executor { get; init; }

    /// <summary>Where the plugins' standard error is written; <see langword="null"/> discards it.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// The environment the plugins get beneath the <c>CNI_*</c> variables; <see langword="null"/> means this
    /// process's environment (as libcni does).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// When an ADD fails at some plugin of a list, DEL every plugin of the list in reverse order before
    /// reporting the failure, so nothing is left behind (the specification says a runtime handling an ADD
    /// failure should; libcni leaves it to its caller). Default <see langword="true"/>.
    /// </summary>
    public bool RollBackFailedAdd { get; init; } = true;

    /// <summary>
    /// DEL: when a plugin fails, go on with the remaining plugins and report every failure together.
    /// <b>A deviation from the specification</b>, which says DEL stops at the first failing plugin; it lets
    /// the other plugins still release what they hold (a lease, for example). Default <see langword="false"/>.
    /// </summary>
    public bool ContinueDeleteOnError { get; init; }
}
