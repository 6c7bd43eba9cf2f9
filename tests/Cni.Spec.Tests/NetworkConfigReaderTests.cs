using System.Text;
using System.Text.Json;
using Cni.Tests;

namespace Cni.Spec.Tests;

/// <summary>
/// <see cref="NetworkConfig.Parse(ReadOnlySpan{byte})"/> reads with a hand-written reader; these pin it
/// to what the source-generated reader it replaced did. Golden/network-config.outcomes.json holds, for
/// 137 configurations (malformed JSON, every well-known key with every wrong type, duplicate keys,
/// escapes, long values), the outcome recorded with the source-generated reader: the error code,
/// message and details, or every property read, the sections typed, and the configuration written back.
/// </summary>
public class NetworkConfigReaderTests
{
    public static TheoryData<string, string> Recorded()
    {
        return GoldenFiles.Outcomes(Path.Combine(AppContext.BaseDirectory, "Golden", "network-config.outcomes.json"));
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Reads_as_the_source_generated_reader_did(string input, string recorded)
    {
        if (recorded.StartsWith("unhandled ArgumentException", StringComparison.Ordinal))
        {
            // The one deliberate change: a key given twice, the second time with the wrong type,
            // made the old error wording crash (code 999); it is now the coded error it meant to be.
            var e = Assert.Throws<CniException>(() => NetworkConfig.Parse(Encoding.UTF8.GetBytes(input)));
            Assert.Equal(CniErrorCode.DecodingFailure, e.Code);
            Assert.Equal("invalid network configuration: key \"name\" has value 7, which is not a string", e.Message);
            return;
        }

        Assert.Equal(recorded, Describe(input));
    }

    [Fact]
    public void The_recording_covers_every_kind_of_failure()
    {
        string[] outcomes = [.. Recorded().Select(row => row.Data.Item2)];
        Assert.True(outcomes.Length >= 137);
        Assert.Contains(outcomes, o => o.Contains("as JSON:", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.Contains("which is not a boolean", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.Contains("which is not an array", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.Contains("must be an object, not", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.StartsWith("error 7", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => o.StartsWith("ok", StringComparison.Ordinal));
    }

    /// <summary>Everything a caller can observe of a parse, in one line (the recording used this same function).</summary>
    private static string Describe(string line)
    {
        NetworkConfig c;
        try
        {
            c = NetworkConfig.Parse(Encoding.UTF8.GetBytes(line));
        }
        catch (CniException e)
        {
            return $"error {(int)e.Code}: {e.Message} | details: {e.Details}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"unhandled {e.GetType().Name}: {e.Message}";
        }

        static string List(List<Attachment>? l) => l is null ? "<null>" : string.Join(",", l.Select(a => a is null ? "<nullitem>" : (a.ContainerId ?? "<null>") + "/" + (a.IfName ?? "<null>")));
        static string Ext(Dictionary<string, JsonElement>? d) => d is null ? "<null>" : string.Join(",", d.Select(kv => kv.Key + "=" + kv.Value.GetRawText()));
        var sb = new StringBuilder("ok");
        sb.Append(" cniVersion=").Append(c.CniVersionText ?? "<null>");
        sb.Append(" name=").Append(c.Name ?? "<null>");
        sb.Append(" type=").Append(c.Type ?? "<null>");
        sb.Append(" ipMasq=").Append(c.IpMasq?.ToString() ?? "<null>");
        sb.Append(" capabilities=").Append(c.Capabilities is null ? "<null>" : string.Join(",", c.Capabilities.Select(kv => kv.Key + ":" + kv.Value)));
        sb.Append(" dns=").Append(c.Dns is null ? "<null>" : $"[{string.Join(",", c.Dns.Nameservers)}|{c.Dns.Domain}|{string.Join(",", c.Dns.Search)}|{string.Join(",", c.Dns.Options)}]");
        sb.Append(" prevResult=").Append(c.PrevResultJson?.GetRawText() ?? "<null>");
        sb.Append(" valid=").Append(List(c.ValidAttachmentsKey));
        sb.Append(" old=").Append(List(c.AttachmentsKey));
        sb.Append(" ext=").Append(Ext(c.ExtensionData));
        try
        {
            sb.Append(" ipam=").Append(c.Ipam is null ? "<null>" : $"{c.Ipam.Type ?? "<null>"};{Ext(c.Ipam.ExtensionData)}");
        }
        catch (CniException e)
        {
            sb.Append($" ipam-error {(int)e.Code}: {e.Message}");
        }

        try
        {
            sb.Append(" runtimeConfig=").Append(c.RuntimeConfig is null ? "<null>" : "set");
        }
        catch (CniException e)
        {
            sb.Append($" rc-error {(int)e.Code}: {e.Message}");
        }

        try
        {
            sb.Append(" args=").Append(c.Args is null ? "<null>" : "set");
        }
        catch (CniException e)
        {
            sb.Append($" args-error {(int)e.Code}: {e.Message}");
        }

        try
        {
            sb.Append(" toJson=").Append(Encoding.UTF8.GetString(c.ToJson()));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            sb.Append($" toJson-error {e.GetType().Name}: {e.Message}");
        }

        return sb.ToString();
    }
}
