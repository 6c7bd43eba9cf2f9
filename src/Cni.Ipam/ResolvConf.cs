using Cni.Spec;

namespace Cni.Ipam;

/// <summary>
/// The DNS settings of a <c>resolv.conf</c> file, as host-local's <c>resolvConf</c> key turns them into a
/// result's <c>dns</c>: <c>nameserver</c> lines, the <c>domain</c>, and the words of <c>search</c> and
/// <c>options</c> lines. Lines starting with <c>#</c> or <c>;</c> are comments; lines with a keyword but no
/// value, and unknown keywords, are ignored.
/// </summary>
/// <param name="Nameservers">The name servers, in file order.</param>
/// <param name="Domain">The local domain (the last <c>domain</c> line wins), or <see langword="null"/>.</param>
/// <param name="Search">The search domains, in file order.</param>
/// <param name="Options">The resolver options, in file order.</param>
public sealed record ResolvConf(IReadOnlyList<string> Nameservers, string? Domain, IReadOnlyList<string> Search, IReadOnlyList<string> Options)
{
    /// <summary>Reads and parses a file.</summary>
    /// <param name="path">The file, e.g. <c>/etc/resolv.conf</c>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CniException">
    /// <see cref="CniErrorCode.IOFailure"/> when the file cannot be read: "open PATH: reason", with the reason as
    /// the reference words it ("no such file or directory", "permission denied").
    /// </exception>
    public static ResolvConf Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's words rather than the exception's, which trimmed NativeAOT builds may reduce to a resource key.
            string reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
                UnauthorizedAccessException => "permission denied",
                _ => e.Message,
            };
            throw new CniException(CniErrorCode.IOFailure, $"open {path}: {reason}", null, e);
        }

        return Parse(text);
    }

    /// <summary>The settings as a result's <c>dns</c>.</summary>
    /// <returns>A new <see cref="DnsConfig"/> with the name servers, domain, search domains and options.</returns>
    public DnsConfig ToDnsConfig()
    {
        var dns = new DnsConfig { Domain = Domain };
        foreach (string s in Nameservers)
        {
            dns.Nameservers.Add(s);
        }

        foreach (string s in Search)
        {
            dns.Search.Add(s);
        }

        foreach (string s in Options)
        {
            dns.Options.Add(s);
        }

        return dns;
    }

    /// <summary>Parses the text of a <c>resolv.conf</c> file.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The settings.</returns>
    public static ResolvConf Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> nameservers = [], search = [], options = [];
        string? domain = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            string[] fields = line.Split([' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            switch (fields[0])
            {
                case "nameserver":
                    nameservers.Add(fields[1]);
                    break;
                case "domain":
                    domain = fields[1];
                    break;
                case "search":
                    search.AddRange(fields[1..]);
                    break;
                case "options":
                    options.AddRange(fields[1..]);
                    break;
            }
        }

        return new ResolvConf(nameservers, domain, search, options);
    }
}
