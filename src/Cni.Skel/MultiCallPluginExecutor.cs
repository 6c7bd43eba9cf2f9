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
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(log);
        if (!_plugins.TryGetValue(Path.GetFileName(path), out Func<ICniPlugin>? plugin) || !ExecutableIdentity.IsRunningExecutable(path))
        {
            return _others.Execute(path, environment, stdin, log);
        }

        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = CniPlugin.Run(plugin(), new CniInvocation(environment, new MemoryStream(stdin.ToArray(), writable: false), stdout, stderr, this));
        return new PluginOutput(exit, stdout.ToArray(), stderr.ToString());
    }
}
