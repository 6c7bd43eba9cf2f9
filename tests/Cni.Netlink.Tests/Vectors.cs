namespace Cni.Netlink.Tests;

/// <summary>
/// The bytes iproute2 sent (requests.txt) and the kernel answered (replies.txt), captured by
/// Vectors/capture.sh with strace inside a throw-away namespace.
/// </summary>
internal static class Vectors
{
    private static readonly Lazy<List<(string Command, List<byte[]> Buffers)>> RequestCaptures = new(() => Load("requests.txt"));
    private static readonly Lazy<List<(string Command, List<byte[]> Buffers)>> ReplyCaptures = new(() => Load("replies.txt"));

    /// <summary>Every message buffer the command starting with <paramref name="commandPrefix"/> sent.</summary>
    public static List<byte[]> Requests(string commandPrefix) => Find(RequestCaptures.Value, commandPrefix);

    /// <summary>Every datagram the command starting with <paramref name="commandPrefix"/> received.</summary>
    public static List<byte[]> Replies(string commandPrefix) => Find(ReplyCaptures.Value, commandPrefix);

    /// <summary>Every captured reply datagram of every command.</summary>
    public static IEnumerable<(string Command, byte[] Datagram)> AllReplies() =>
        ReplyCaptures.Value.SelectMany(entry => entry.Buffers.Select(b => (entry.Command, b)));

    /// <summary>The last message a command sent: the request itself, after ip's lookups.</summary>
    public static byte[] LastRequest(string commandPrefix) => Requests(commandPrefix)[^1];

    public static uint SequenceOf(byte[] message) => BitConverter.ToUInt32(message, 8);

    private static List<byte[]> Find(List<(string Command, List<byte[]> Buffers)> entries, string prefix)
    {
        var found = entries.Where(e => e.Command.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count > 0, $"no captured vector for '{prefix}'");
        return found[0].Buffers;
    }

    private static List<(string, List<byte[]>)> Load(string file)
    {
        var entries = new List<(string, List<byte[]>)>();
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Vectors", file)))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                entries.Add((line[3..], new List<byte[]>()));
            }
            else if (line.Length > 0)
            {
                entries[^1].Item2.Add(Convert.FromHexString(line));
            }
        }

        return entries;
    }
}
