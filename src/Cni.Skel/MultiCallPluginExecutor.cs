using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Cni.Skel;

/// <summary>
/// The <see cref="IPluginExecutor"/> of a multi-call executable (one program holding several plugins,
/// installed under each plugin's name as links): a delegate that is this very executable runs in this
/// process; anything else is executed by <see cref="ProcessPluginExecutor"/>.
/// </summary>
/// <remarks>
/// <para>
/// A delegate is found on <c>CNI_PATH</c> exactly as <see cref="ProcessPluginExecutor"/> finds it. If the
/// file found is the running executable (the same device and inode as <c>/proc/self/exe</c>, links
/// followed) and its name is one of the table's plugins, that plugin runs on the calling thread through
/// <see cref="CniPlugin.Run(ICniPlugin, CniInvocation)"/>, with the environment and stdin bytes the child
/// would have been given, its stdout and stderr captured, and its exit code (0 or 1) returned as the
/// child's would be. It delegates in turn through this executor. Any other file of that name (a wrapper
/// script, another implementation) is executed, so what runs is always what <c>CNI_PATH</c> names.
/// </para>
/// <para>
/// The in-process run shares nothing with its caller but the process: it reads its environment from
/// the invocation, never from the process, so the caller's is not changed.
/// </para>
/// </remarks>
public sealed class MultiCallPluginExecutor : IPluginExecutor
{
    private readonly IReadOnlyDictionary<string, Func<ICniPlugin>> _plugins;
    private readonly IPluginExecutor _others;

    /// <summary>Creates the executor for a table of plugins.</summary>
    /// <param name="plugins">The plugins this executable holds, by the name each is installed as (the configuration's <c>type</c>).</param>
    public MultiCallPluginExecutor(IReadOnlyDictionary<string, Func<ICniPlugin>> plugins)
        : this(plugins, ProcessPluginExecutor.Instance)
    {
    }

    /// <summary>Creates the executor for a table of plugins, running every other delegate with <paramref name="others"/> (the process's, with its time limit).</summary>
    internal MultiCallPluginExecutor(IReadOnlyDictionary<string, Func<ICniPlugin>> plugins, IPluginExecutor others)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        _plugins = plugins;
        _others = others;
    }

    /// <inheritdoc/>
    public string Find(string type, IReadOnlyList<string> paths) => ProcessPluginExecutor.Instance.Find(type, paths);

    /// <inheritdoc/>
    public PluginOutput Execute(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        if (OwnPlugin(path, environment, log) is not Func<ICniPlugin> plugin)
        {
            return _others.Execute(path, environment, stdin, log);
        }

        return RunHere(plugin, environment, stdin);
    }

    // This executable's own plugin when the file found on CNI_PATH is this very executable, else null (executed).
    private Func<ICniPlugin>? OwnPlugin(string path, IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        return _plugins.TryGetValue(Path.GetFileName(path), out Func<ICniPlugin>? plugin) && ExecutableIdentity.IsRunningExecutable(path)
            ? plugin
            : null;
    }

    /// <summary>
    /// Starts a delegate without waiting for it: this executable's own plugin on a thread of its own, anything
    /// else as <see cref="ProcessPluginExecutor.Start"/> does (with the process's time limit).
    /// </summary>
    /// <remarks>
    /// The thread is created by the calling thread, so it starts in the calling thread's network namespace, as a
    /// child process would (<c>setns</c> is per thread; the plugin's own checks read <c>/proc/thread-self</c>), and
    /// with the caller's culture. The plugin reads its environment and stdin from the invocation only, never from
    /// the process, so nothing process-wide is shared or changed. Waiting joins the thread; disposing without a
    /// wait joins it too, so the plugin always finishes (an in-process run has no time limit, as
    /// <see cref="Execute"/> has none).
    /// </remarks>
    /// <param name="path">What <see cref="Find"/> returned.</param>
    /// <param name="environment">The plugin's whole environment.</param>
    /// <param name="stdin">Its standard input; copied before this returns.</param>
    /// <param name="log">Where the process executor reports a retry.</param>
    /// <returns>The running plugin.</returns>
    /// <exception cref="Cni.Spec.CniException">An executable could not be started.</exception>
    public IPluginRun Start(string path, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin, TextWriter log)
    {
        if (OwnPlugin(path, environment, log) is not Func<ICniPlugin> plugin)
        {
            return _others.Start(path, environment, stdin, log);
        }

        return new ThreadRun(this, plugin, new Dictionary<string, string>(environment, StringComparer.Ordinal), stdin.ToArray());
    }

    private PluginOutput RunHere(Func<ICniPlugin> plugin, IReadOnlyDictionary<string, string> environment, ReadOnlyMemory<byte> stdin)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = CniPlugin.Run(plugin(), new CniInvocation(environment, new MemoryStream(stdin.ToArray(), writable: false), stdout, stderr, this));
        return new PluginOutput(exit, stdout.ToArray(), stderr.ToString());
    }

    /// <summary>An in-process plugin running on its own thread; waiting (or disposing) joins it.</summary>
    private sealed class ThreadRun : IPluginRun
    {
        private readonly Thread _thread;
        private PluginOutput? _output;
        private ExceptionDispatchInfo? _failure;

        public ThreadRun(MultiCallPluginExecutor owner, Func<ICniPlugin> plugin, Dictionary<string, string> environment, byte[] stdin)
        {
            CultureInfo culture = CultureInfo.CurrentCulture;
            CultureInfo uiCulture = CultureInfo.CurrentUICulture;
            _thread = new Thread(() =>
            {
                CultureInfo.CurrentCulture = culture;
                CultureInfo.CurrentUICulture = uiCulture;
                try
                {
                    _output = owner.RunHere(plugin, environment, stdin);
                }
                catch (Exception e)
                {
                    // CniPlugin.Run reports a plugin's failures as error objects; anything else is raised at the wait.
                    _failure = ExceptionDispatchInfo.Capture(e);
                }
            })
            {
                Name = "cni-delegate",
            };
            _thread.Start();
        }

        public PluginOutput Wait()
        {
            _thread.Join();
            _failure?.Throw();
            return _output!;
        }

        public void Dispose() => _thread.Join();
    }
}
