using System.Runtime.InteropServices;
using Cni.Runtime;
using Cni.Spec;

namespace Cni.Tools.CniTool;

/// <summary>
/// One run of cnitool: load the named network from NETCONFPATH, run the verb along its plugins through
/// <see cref="CniRuntime"/>, print the result of ADD, and exit 0 on success or 1 with the error on
/// standard error, as the reference cnitool does.
/// </summary>
internal static class CniToolCommand
{
    /// <summary>Runs the tool with this process's environment and standard streams.</summary>
    /// <param name="args">The command line after the program's name.</param>
    /// <returns>The exit code: 0 on success, 1 on any failure.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        TextWriter stderr = Console.Error;
        ToolInvocation invocation;
        try
        {
            invocation = ToolInvocation.Parse(args, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        }
        catch (UsageException e)
        {
            if (e.Problem is not null)
            {
                await stderr.WriteLineAsync("cnitool: " + e.Problem).ConfigureAwait(false);
            }

            await stderr.WriteAsync(Usage()).ConfigureAwait(false);
            return 1;
        }
        catch (SettingException e)
        {
            return await Fail(e.Message).ConfigureAwait(false);
        }

        using var cancel = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        try
        {
            CniNetwork network = CniConfigLoader.LoadNetwork(invocation.NetConfPath, invocation.Network);
            var runtime = new CniRuntime(new CniRuntimeOptions
            {
                PluginDirectories = invocation.PluginDirectories,
                CacheDirectory = invocation.CacheDirectory ?? CniRuntimeOptions.DefaultCacheDirectory,
                Log = stderr,
            });
            var attachment = new AttachmentParameters
            {
                ContainerId = invocation.ContainerId,
                NetNs = invocation.NetNs,
                IfName = invocation.IfName,
                Args = invocation.Args,
                CapabilityArgs = invocation.CapabilityArgs,
            };
            switch (invocation.Verb)
            {
                case "add":
                    CniResult result = await runtime.AddNetworkListAsync(network, attachment, cancel.Token).ConfigureAwait(false);

                    // As the reference prints it: indented by four spaces, in the result's version, no newline after.
                    using (Stream stdout = Console.OpenStandardOutput())
                    {
                        await stdout.WriteAsync(result.ToJson(result.CniVersion), cancel.Token).ConfigureAwait(false);
                    }

                    break;
                case "check":
                    await runtime.CheckNetworkListAsync(network, attachment, cancel.Token).ConfigureAwait(false);
                    break;
                case "del":
                    await runtime.DeleteNetworkListAsync(network, attachment, cancel.Token).ConfigureAwait(false);
                    break;
                case "gc":
                    // As the reference: no attachment is valid, so every cached attachment of the network is deleted,
                    // then GC. libcni then sends the plugins no valid-attachments key at all, which our plugins (Cni.Skel)
                    // take as "collect nothing"; the empty list is sent instead, so every plugin collects what the
                    // network still holds, as the reference's own comment says it means to (README, "cnitool").
                    await runtime.GarbageCollectAsync(network, [], cancel.Token).ConfigureAwait(false);
                    break;
                case "status":
                    await runtime.GetStatusAsync(network, cancel.Token).ConfigureAwait(false);
                    break;
            }

            return 0;
        }
        catch (CniException e)
        {
            return await Fail(string.IsNullOrEmpty(e.Details) ? e.Message : e.Message + "; " + e.Details).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return await Fail($"{invocation.Verb} of network \"{invocation.Network}\" interrupted by a signal").ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return await Fail(e.Message).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Not expected (every failure above is a CNI error); still a message and exit 1, never a crash dump.
            return await Fail($"cnitool: {invocation.Verb} of network \"{invocation.Network}\" failed unexpectedly: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
        }
    }

    private static async Task<int> Fail(string message)
    {
        await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
        return 1;
    }

    private static string Usage()
    {
        const string exe = "cnitool";
        return $"""
            {exe}: Add, check, remove, gc or status network interfaces from a network namespace
              {exe} add    <net> <netns>
              {exe} check  <net> <netns>
              {exe} del    <net> <netns>
              {exe} gc     <net> <netns>
              {exe} status <net> <netns>
            Environment: NETCONFPATH (default {ToolInvocation.DefaultNetConfPath}), CNI_PATH, CNI_IFNAME (default {ToolInvocation.DefaultIfName}),
              CNI_ARGS (K=V;K=V), CAP_ARGS (a JSON object), CNITOOL_CACHE_DIR (default {CniRuntimeOptions.DefaultCacheDirectory}).

            """;
    }
}
