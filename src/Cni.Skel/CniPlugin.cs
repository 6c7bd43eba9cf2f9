using Cni.Spec;

namespace Cni.Skel;

/// <summary>
/// The plugin entry point: validates the environment and stdin, checks versions, calls the
/// plugin's verb, and writes the result or the error object.
/// </summary>
/// <remarks>
/// <para>The order of checks, each failing with the code the specification gives it:</para>
/// <list type="number">
/// <item><description>CNI_COMMAND unset: the about text on stderr, exit 0. Unknown: code 4.</description></item>
/// <item><description>Every required variable that is missing, reported together in one code-4 error.</description></item>
/// <item><description>stdin (except for VERSION): unreadable is code 5; not JSON, or a key of the wrong type, code 6;
/// a missing or invalid network name, code 7.</description></item>
/// <item><description>CNI_CONTAINERID and CNI_IFNAME syntax, and CNI_ARGS pairs: code 4.</description></item>
/// <item><description>The verb's minimum version (CHECK 0.4.0, STATUS and GC 1.1.0), then the plugin's supported
/// versions: code 1 with details.</description></item>
/// <item><description>ADD and CHECK refuse a CNI_NETNS that is the plugin's own network namespace (code 8) unless
/// CNI_NETNS_OVERRIDE is 1 or true.</description></item>
/// <item><description><c>prevResult</c>, read in the configuration's version: malformed is code 6, except on DEL,
/// which logs it and goes on without it.</description></item>
/// <item><description>GC whose configuration has neither <c>cni.dev/valid-attachments</c> nor the older
/// <c>cni.dev/attachments</c>: the runtime has not said what is valid (libcni sends neither when its caller
/// gives no attachments, as <c>cnitool gc</c> does), so GC succeeds, frees nothing and says so on stderr,
/// without calling the plugin. A key that is present, even <c>[]</c> or <c>null</c>, is the valid set.</description></item>
/// </list>
/// <para>
/// A <see cref="CniException"/> from the plugin is written as it is; any other exception becomes code
/// 999 with its message. Errors carry the configuration's <c>cniVersion</c> (the Go reference leaves it
/// out). <see cref="Run(ICniPlugin, CniInvocation)"/> returns the exit code and never exits the process.
/// </para>
/// </remarks>
public static class CniPlugin
{
    /// <summary>Runs a plugin with the process's environment and standard streams.</summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="args">The command line; CNI passes everything through the environment, so it is ignored.</param>
    /// <returns>The process exit code: 0 on success, 1 on error.</returns>
    public static int Run(ICniPlugin plugin, string[] args) => Run(plugin, CniInvocation.FromProcess());

    /// <summary>Runs a plugin with the given environment and streams.</summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="invocation">The environment and streams.</param>
    /// <returns>The exit code: 0 on success, 1 on error.</returns>
    public static int Run(ICniPlugin plugin, CniInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(invocation);
        CniVersion errorVersion = CniVersion.Current;
        try
        {
            string? commandText = invocation.Environment.TryGetValue("CNI_COMMAND", out string? c) && c.Length > 0 ? c : null;
            if (commandText is null)
            {
                invocation.Stderr.WriteLine(plugin.Info.About);
                invocation.Stderr.WriteLine("CNI protocol versions supported: " + string.Join(", ", plugin.Info.SupportedVersions));
                return 0;
            }

            if (!DispatchTables.TryParseCommand(commandText, out CniCommand command))
            {
                throw new CniException(
                    CniErrorCode.InvalidEnvironmentVariables,
                    $"unknown CNI_COMMAND: {commandText} (expected ADD, DEL, CHECK, VERSION, STATUS or GC)");
            }

            var state = new InvocationState { Environment = invocation.Environment, Log = invocation.Stderr, Command = command, Executor = invocation.Executor };
            CheckEnvironment(state);
            byte[] stdin = ReadStdin(invocation.Stdin);
            if (command == CniCommand.Version)
            {
                WriteVersion(plugin, stdin, invocation.Stdout);
                return 0;
            }

            state.Stdin = stdin;
            state.Config = NetworkConfig.Parse(stdin);
            errorVersion = KnownOrCurrent(state.Config.CniVersionText);
            ValidateEnvironmentValues(state);
            CheckVersion(plugin, state);
            errorVersion = state.Config.CniVersion;
            CheckNamespace(state);
            ReadPrevResult(state);
            CniResult? result = Call(plugin, state);
            if (result is not null)
            {
                byte[] json = result.ToJson(state.Config.CniVersion);
                invocation.Stdout.Write(json);
                invocation.Stdout.Flush();
            }

            return 0;
        }
        catch (CniException e)
        {
            WriteError(invocation, e.ToError(errorVersion));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            invocation.Stderr.WriteLine(e.ToString());
            WriteError(invocation, new CniError(CniErrorCode.Internal, e.Message, $"{e.GetType().FullName}: {e.Message}") { CniVersion = errorVersion });
        }

        return 1;
    }

    private static void CheckEnvironment(InvocationState state)
    {
        var missing = new List<string>();
        foreach (DispatchTables.EnvVar v in DispatchTables.Variables)
        {
            if (state.Get(v.Name) is null && Array.IndexOf(v.RequiredFor, state.Command) >= 0)
            {
                missing.Add(v.Name);
            }
        }

        if (missing.Count > 0)
        {
            throw new CniException(
                CniErrorCode.InvalidEnvironmentVariables,
                $"required env variables [{string.Join(",", missing)}] missing",
                $"{DispatchTables.Name(state.Command)} needs {string.Join(", ", DispatchTables.Variables.Where(v => Array.IndexOf(v.RequiredFor, state.Command) >= 0).Select(v => v.Name).Prepend("CNI_COMMAND"))}");
        }
    }

    private static void ValidateEnvironmentValues(InvocationState state)
    {
        bool attachment = state.Command is CniCommand.Add or CniCommand.Check or CniCommand.Del;
        foreach (DispatchTables.EnvVar v in DispatchTables.Variables)
        {
            if (attachment && state.Get(v.Name) is string value)
            {
                v.Validate?.Invoke(value);
            }
        }

        if (attachment)
        {
            state.ContainerId = state.Get("CNI_CONTAINERID");
            state.NetNs = state.Get("CNI_NETNS");
            state.IfName = state.Get("CNI_IFNAME");
        }

        state.Args = CniArgs.Parse(state.Get("CNI_ARGS"));
        state.PluginPaths = (state.Get("CNI_PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static byte[] ReadStdin(Stream stdin)
    {
        try
        {
            using var buffer = new MemoryStream();
            stdin.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (IOException e)
        {
            throw new CniException(CniErrorCode.IOFailure, "error reading the network configuration from stdin: " + e.Message, null, e);
        }
    }

    private static void WriteVersion(ICniPlugin plugin, byte[] stdin, Stream stdout)
    {
        stdout.Write(VersionInfo.For(RequestedVersion(stdin), plugin.Info.SupportedVersions).ToJson());
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    /// <summary>
    /// The top-level <c>cniVersion</c> string of a VERSION request (the last one when it is repeated),
    /// or <see langword="null"/> when stdin is empty, not one JSON document, or has none: VERSION needs
    /// nothing from stdin, so an odd document gets the current version. Read with a reader rather
    /// than a document or the serializer, which cost more than the rest of the verb.
    /// </summary>
    internal static string? RequestedVersion(ReadOnlySpan<byte> stdin)
    {
        if (stdin.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(stdin);
            string? requested = null;
            bool isObject = false;
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0)
                {
                    isObject |= reader.TokenType == System.Text.Json.JsonTokenType.StartObject;
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                {
                    bool isVersion = reader.ValueTextEquals("cniVersion"u8);
                    reader.Read();
                    if (isVersion)
                    {
                        requested = reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                    }

                    reader.Skip();
                }
            }

            return isObject ? requested : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // a string that is not valid UTF-8 once unescaped
        }
    }

    private static void CheckVersion(ICniPlugin plugin, InvocationState state)
    {
        NetworkConfig config = state.Config!;
        CniVersion version = config.CniVersion;
        CniVersion minimum = DispatchTables.MinimumVersion(state.Command);
        if (version < minimum)
        {
            string verb = DispatchTables.Name(state.Command);
            throw new CniException(
                CniErrorCode.IncompatibleVersion,
                $"config version does not allow {verb}",
                $"config is \"{config.CniVersionText}\", {verb} needs {minimum} or later");
        }

        VersionNegotiation.EnsureSupported(config.CniVersionText, [.. plugin.Info.SupportedVersions]);
    }

    private static void CheckNamespace(InvocationState state)
    {
        if (state.Command is not (CniCommand.Add or CniCommand.Check) || state.NetNs is null)
        {
            return;
        }

        string? overrideValue = state.Get("CNI_NETNS_OVERRIDE");
        if (overrideValue == "1" || string.Equals(overrideValue, "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (NamespaceIdentity.IsCurrentNetworkNamespace(state.NetNs))
        {
            throw new CniException(
                CniErrorCode.InvalidNetNS,
                $"CNI_NETNS \"{state.NetNs}\" is the plugin's own network namespace; the container must have its own (set CNI_NETNS_OVERRIDE=1 to allow it)");
        }
    }

    private static void ReadPrevResult(InvocationState state)
    {
        if (state.Command is not (CniCommand.Add or CniCommand.Check or CniCommand.Del))
        {
            return;
        }

        try
        {
            state.PrevResult = state.Config!.GetPrevResult();
        }
        catch (CniException e) when (state.Command == CniCommand.Del)
        {
            state.Log.WriteLine($"ignoring an unreadable prevResult on DEL: {e.Message}");
        }
    }

    private static CniResult? Call(ICniPlugin plugin, InvocationState state)
    {
        switch (state.Command)
        {
            case CniCommand.Add:
                return plugin.Add(new AddRequest(state)) ?? throw new InvalidOperationException("the plugin's Add returned no result");
            case CniCommand.Del:
                plugin.Delete(new DeleteRequest(state));
                return null;
            case CniCommand.Check:
                plugin.Check(new CheckRequest(state));
                return null;
            case CniCommand.Status:
                plugin.Status(new StatusRequest(state));
                return null;
            default:
                if (!GcRule.RuntimeNamedValidAttachments(state.Stdin.Span))
                {
                    state.Log.WriteLine(GcRule.NothingToCollect);
                    return null;
                }

                plugin.GarbageCollect(new GcRequest(state));
                return null;
        }
    }

    private static CniVersion KnownOrCurrent(string? text) =>
        CniVersion.TryParse(text, out CniVersion v) && v.IsKnown ? v : CniVersion.Current;

    private static void WriteError(CniInvocation invocation, CniError error)
    {
        try
        {
            invocation.Stdout.Write(error.ToJson(indented: true));
            invocation.Stdout.Flush();
        }
        catch (IOException e)
        {
            invocation.Stderr.WriteLine($"cannot write the error object to stdout: {e.Message}; the error was: {error.Message}");
        }
    }
}
