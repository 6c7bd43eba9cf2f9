using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cni.Tests;

namespace Cni.Plugins.Tests.BadInput;

/// <summary>What a run of one case printed, and the state of the node it ran on before and after.</summary>
internal sealed record BadInputRun(int Exit, int? Code, string? Msg, string Stdout, string Stderr, string Before, string After)
{
    public bool Changed => Before != After;

    public override string ToString() => $"exit {Exit}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// A throwaway node for one run of one case: a node namespace the plugin runs in (<c>ip netns exec</c>),
/// a pod namespace for CNI_NETNS, and a private directory holding the data directories, subnet.env and the
/// CNI_PATH directory (links to either our binaries or the Go ones). Everything is removed on dispose.
/// </summary>
internal sealed class BadInputRig : IDisposable
{
    private readonly TestNamespace _node;
    private readonly TestNamespace _pod;
    private readonly bool _go;

    public BadInputRig(bool go)
    {
        _go = go;
        _node = TestNamespace.Create(go ? "bi-node-go" : "bi-node");
        _pod = TestNamespace.Create(go ? "bi-pod-go" : "bi-pod");
        Root = Directory.CreateTempSubdirectory("cnitest-badinput-").FullName;
        Bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(Root, "emptybin"));
        Directory.CreateDirectory(Path.Combine(Root, "node"));
        foreach (string plugin in new[] { "bridge", "host-local", "loopback" })
        {
            File.CreateSymbolicLink(Path.Combine(Bin, plugin), go ? Requires.ReferencePlugin(plugin) : RepoPaths.OurPlugin(plugin));
        }

        File.WriteAllText(SubnetFile, FlannelKit.DefaultEnv);
    }

    public string Root { get; }

    public string Bin { get; }

    public string DataDir => Path.Combine(Root, "node", "data");

    public string SubnetFile => Path.Combine(Root, "node", "subnet.env");

    public string FlannelDir => Path.Combine(Root, "node", "flannel");

    public string PodPath => _pod.Path;

    public IReadOnlyDictionary<string, string> Placeholders => new Dictionary<string, string>
    {
        ["DATADIR"] = DataDir,
        ["SUBNETFILE"] = SubnetFile,
        ["FLANNELDIR"] = FlannelDir,
        ["ROOT"] = Root,
        ["POD"] = _pod.Path,
        ["POD_NAME"] = _pod.Name,
    };

    /// <summary>Makes what a case's setup needs: symbolic links in the data directory pointing out of it.</summary>
    public void Prepare(string? setup)
    {
        string outside = Path.Combine(Root, "node", "outside");
        switch (setup)
        {
            case null:
                return;
            case "symlink-network":
                // The network's directory is a link to a directory elsewhere.
                Directory.CreateDirectory(outside);
                Directory.CreateDirectory(DataDir);
                Directory.CreateSymbolicLink(Path.Combine(DataDir, "badnet"), outside);
                return;
            case "symlink-lease":
                // The lease file of the first address is a link to a file elsewhere (a file someone wants overwritten).
                Directory.CreateDirectory(Path.Combine(DataDir, "badnet"));
                File.WriteAllText(outside, "precious\n");
                File.CreateSymbolicLink(Path.Combine(DataDir, "badnet", "10.88.0.2"), outside);
                return;
            case "symlink-lastreserved":
                Directory.CreateDirectory(Path.Combine(DataDir, "badnet"));
                File.WriteAllText(outside, "precious\n");
                File.CreateSymbolicLink(Path.Combine(DataDir, "badnet", "last_reserved_ip.0"), outside);
                return;
            case "datadir-file":
                // The data directory is a regular file.
                File.WriteAllText(DataDir, "not a directory\n");
                return;
            case "flannel-saved-symlink":
                Directory.CreateDirectory(FlannelDir);
                File.WriteAllText(outside, "precious\n");
                File.CreateSymbolicLink(Path.Combine(FlannelDir, "ctr-bad"), outside);
                return;
            default:
                throw new ArgumentException("unknown setup " + setup);
        }
    }

    /// <summary>Runs the case's plugin in the node namespace with the case's stdin and environment.</summary>
    public BadInputRun Run(BadInputCase c)
    {
        Prepare(c.Setup);
        var env = new Dictionary<string, string?>
        {
            ["CNI_COMMAND"] = c.Command,
            ["CNI_CONTAINERID"] = "ctr-bad",
            ["CNI_NETNS"] = _pod.Path,
            ["CNI_IFNAME"] = c.Plugin == "loopback" ? "lo" : "eth0",
            ["CNI_PATH"] = c.Plugin == "flannel" ? Path.Combine(Root, "emptybin") : Bin,
        };
        foreach ((string k, JsonNode? v) in c.Env ?? [])
        {
            env[k] = v is null ? null : BadInputCase.Fill((string)v!, Placeholders);
        }

        byte[] stdin = c.StdinBytes(Placeholders);
        string plugin = c.Plugin == "flannel" ? RepoPaths.OurPlugin("flannel") : Path.Combine(Bin, c.Plugin);
        string before = State();
        (int exit, string stdout, string stderr) = Exec(["ip", "netns", "exec", _node.Name, plugin], env, stdin);
        string after = State();
        int? code = null;
        string? msg = null;
        try
        {
            JsonNode? error = JsonNode.Parse(stdout);
            code = (int?)error?["code"];
            msg = (string?)error?["msg"];
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return new BadInputRun(exit, code, msg, stdout, stderr, before, after);
    }

    /// <summary>Replaces this rig's paths and names in a message, so that ours and Go's read alike.</summary>
    public string Normalize(string? text) => (text ?? "")
        .Replace(_pod.Path, "<pod>", StringComparison.Ordinal)
        .Replace(_pod.Name, "<pod>", StringComparison.Ordinal)
        .Replace(Root, "<root>", StringComparison.Ordinal);

    /// <summary>
    /// The state a bad input must not change: links, addresses and routes (all tables, both families) of
    /// the node and the pod namespace, and every file under the private directory (type, mode, link target,
    /// content), CNI_PATH directories aside.
    /// </summary>
    public string State()
    {
        var sb = new StringBuilder();
        foreach ((string label, TestNamespace ns) in new[] { ("node", _node), ("pod", _pod) })
        {
            // One line per link, address and route, each naming its device, so a diff says what changed where.
            foreach (JsonNode? link in JsonNode.Parse(ns.Ip("-d", "-j", "addr", "show"))!.AsArray())
            {
                string dev = (string)link!["ifname"]!;
                sb.Append($"{label} link {dev} kind={(string?)link["linkinfo"]?["info_kind"]} master={(string?)link["master"]} mtu={(int?)link["mtu"]} flags={link["flags"]?.ToJsonString()}\n");
                foreach (JsonNode? a in link["addr_info"]?.AsArray() ?? [])
                {
                    sb.Append($"{label} addr {dev} {(string?)a!["local"]}/{(int?)a["prefixlen"]}\n");
                }
            }

            foreach (string family in new[] { "-4", "-6" })
            {
                foreach (JsonNode? route in JsonNode.Parse(ns.Ip("-j", family, "route", "show", "table", "all"))!.AsArray())
                {
                    sb.Append($"{label} route {route!.ToJsonString()}\n");
                }
            }
        }

        foreach (string path in Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            string rel = Path.GetRelativePath(Root, path);
            if (rel.StartsWith("bin", StringComparison.Ordinal) || rel.StartsWith("emptybin", StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(path);
            string mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
            if (info.LinkTarget is string target)
            {
                sb.Append($"file {rel} -> {target}\n");
            }
            else if (Directory.Exists(path))
            {
                sb.Append($"dir {rel} {mode}\n");
            }
            else
            {
                byte[] content = File.ReadAllBytes(path);
                string shown = content.Length <= 200 ? Encoding.UTF8.GetString(content).Replace("\n", "\\n", StringComparison.Ordinal) : Convert.ToHexStringLower(SHA256.HashData(content));
                sb.Append($"file {rel} {mode} {shown}\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>Runs a program with exactly this environment (plus PATH) and raw stdin bytes.</summary>
    public static (int Exit, string Stdout, string Stderr) Exec(string[] command, IReadOnlyDictionary<string, string?> env, byte[] stdin, int timeoutMs = 60_000)
    {
        ProcessResult run = Processes.Run(command[0], env, stdin, command.Skip(1), timeoutMs);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    public void Dispose()
    {
        _pod.Dispose();
        _node.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
