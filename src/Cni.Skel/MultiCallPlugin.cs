using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// The entry point of a multi-call executable: one program holding several plugins, installed as links
/// named after them (<c>bridge -&gt; cni-plugins</c>), that runs the plugin it was started as.
/// </summary>
/// <remarks>
/// <para>
/// The plugin is chosen by an exact match of the name the program was started as (the last component of
/// <c>argv[0]</c>, not the link's target), as busybox and k3s's CNI bundle do. Started under its own name,
/// the program also takes the plugin's name as its first argument (<c>cni-plugins bridge</c>). Under any
/// other name, and with no known first argument, it prints its about text, the plugins it holds and the
/// CNI versions they support on stderr, and exits 0.
/// </para>
/// <para>
/// Delegation goes through <see cref="MultiCallPluginExecutor"/>: a delegate on <c>CNI_PATH</c> that is
/// this executable runs in this process; any other file is executed.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// return MultiCallPlugin.Run("CNI plugins (MyPlugins 1.0)", new Dictionary&lt;string, Func&lt;ICniPlugin&gt;&gt;
/// {
///     ["my-main"] = () =&gt; new MyMainPlugin(),
///     ["my-ipam"] = () =&gt; new MyIpamPlugin(),
/// }, args);
/// </code>
/// </example>
public static class MultiCallPlugin
{
    /// <summary>Runs the plugin the process was started as, with the process's environment and standard streams.</summary>
    /// <param name="about">The program's about text, printed when it is started under a name it does not hold.</param>
    /// <param name="plugins">The plugins, by the name each is installed as.</param>
    /// <param name="args">The command line (without the program's name).</param>
    /// <returns>The process exit code: the plugin's, or 0 after the about text.</returns>
    public static int Run(string about, IReadOnlyDictionary<string, Func<ICniPlugin>> plugins, string[] args)
    {
        ArgumentNullException.ThrowIfNull(about);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(args);
        if (!plugins.TryGetValue(Path.GetFileName(ProgramName()), out Func<ICniPlugin>? plugin)
            && (args.Length == 0 || !plugins.TryGetValue(args[0], out plugin)))
        {
            return Usage(about, plugins);
        }

        CniInvocation process = CniInvocation.FromProcess();
        var executor = new MultiCallPluginExecutor(plugins, process.Executor);
        return CniPlugin.Run(plugin(), new CniInvocation(process.Environment, process.Stdin, process.Stdout, process.Stderr, executor));
    }

    /// <summary>The name the program was started as: <c>argv[0]</c> as the caller passed it.</summary>
    internal static string ProgramName()
    {
        string[] argv = Environment.GetCommandLineArgs();
        return argv.Length > 0 ? argv[0] : string.Empty;
    }

    private static int Usage(string about, IReadOnlyDictionary<string, Func<ICniPlugin>> plugins)
    {
        string[] names = [.. plugins.Keys.Order(StringComparer.Ordinal)];
        CniVersion[] versions = [.. names.SelectMany(n => plugins[n]().Info.SupportedVersions).Distinct().Order()];
        TextWriter stderr = Console.Error;
        stderr.WriteLine(about);
        stderr.WriteLine("plugins: " + string.Join(", ", names) + " (run through a link of that name, or as the first argument)");
        stderr.WriteLine("CNI protocol versions supported: " + string.Join(", ", versions));
        return 0;
    }
}
