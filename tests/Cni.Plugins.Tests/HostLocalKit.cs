using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cni.Spec;
using Cni.Tests;

namespace Cni.Plugins.Tests;

/// <summary>
/// A fresh data directory under /tmp for one host-local binary, removed on dispose; never /var/lib/cni.
/// </summary>
internal sealed class HostLocalDataDir : IDisposable
{
    public HostLocalDataDir(string tag)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cnitest-hl-{tag}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Network(string name = HostLocalKit.NetName) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Runs host-local binaries (ours and the reference) and reads what they leave on disk.</summary>
internal static class HostLocalKit
{
    public const string NetName = "hlnet";

    /// <summary>Our owner index, one file inside the network directory (the reference keeps none).</summary>
    public const string IndexFile = ".cni-ipam-index";

    public static TheoryData<string> AllGoVersions => new("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0");

    public static string Ours => RepoPaths.OurPlugin("host-local");

    public static string Go => Requires.ReferencePlugin("host-local");

    /// <summary>A host-local configuration; <paramref name="ipam"/> is the JSON inside <c>ipam</c> after <c>type</c> and <c>dataDir</c>.</summary>
    public static string Config(string version, string dataDir, string ipam, string extra = "", string name = NetName) =>
        $$"""{"cniVersion":"{{version}}","name":"{{name}}","type":"host-local"{{extra}},"ipam":{"type":"host-local","dataDir":"{{dataDir}}"{{(ipam.Length == 0 ? "" : "," + ipam)}}""" + "}}";

    public static string Ranges(params string[] sets) => "\"ranges\":[" + string.Join(",", sets) + "]";

    public static string Set(params string[] subnets) => "[" + string.Join(",", subnets.Select(s => s.StartsWith('{') ? s : $$"""{"subnet":"{{s}}"}""")) + "]";

    public static ProcessResult Run(string plugin, string command, string config, string containerId = "ctr1", string ifName = "eth0", string? cniArgs = null)
    {
        Dictionary<string, string?> env = PluginRunner.Env(command, "/var/run/netns/cnitest-none", containerId, ifName);
        if (cniArgs is not null)
        {
            env["CNI_ARGS"] = cniArgs;
        }

        return Processes.Run(plugin, env, config);
    }

    /// <summary>The code and message of an error object, and the exit code.</summary>
    public static (int Exit, int Code, string Msg) ErrorOf(ProcessResult r)
    {
        Assert.True(r.ExitCode != 0, "expected failure: " + r);
        JsonNode error = JsonNode.Parse(r.Stdout)!;
        return (r.ExitCode, error["code"]!.GetValue<int>(), error["msg"]!.GetValue<string>());
    }

    /// <summary>
    /// Every entry of a network directory: name, mode and content, sorted, but for our owner index
    /// (<see cref="IndexFile"/>, which the reference does not keep), so the network directories of both
    /// binaries compare equal.
    /// </summary>
    public static string Snapshot(string networkDir)
    {
        if (!Directory.Exists(networkDir))
        {
            return "(no directory)";
        }

        var sb = new StringBuilder();
        sb.Append("dir ").Append(Convert.ToString((int)File.GetUnixFileMode(networkDir), 8)).Append('\n');
        foreach (string path in Directory.GetFileSystemEntries(networkDir).Where(p => System.IO.Path.GetFileName(p) != IndexFile).Order(StringComparer.Ordinal))
        {
            string mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
            string content = File.Exists(path) ? File.ReadAllText(path).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) : "<dir>";
            sb.Append(System.IO.Path.GetFileName(path)).Append(' ').Append(mode).Append(' ').Append(content).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The lease files of a network directory (name → content).</summary>
    public static Dictionary<string, string> Leases(string networkDir) =>
        Directory.GetFiles(networkDir)
            .Select(System.IO.Path.GetFileName)
            .Where(n => n is not null && n != "lock" && !n.StartsWith("last_reserved_ip.", StringComparison.Ordinal) && !n.StartsWith('.'))
            .ToDictionary(n => n!, n => File.ReadAllText(System.IO.Path.Combine(networkDir, n!)));

    /// <summary>The addresses of a success result, as written.</summary>
    public static string[] Addresses(ProcessResult r, string version)
    {
        CniResult result = PluginRunner.Result(r, CniVersion.Parse(version));
        return [.. result.Ips.Select(i => i.Address.ToString())];
    }
}
