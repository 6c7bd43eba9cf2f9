namespace Cni.Spec;

/// <summary>
/// The <c>CNI_ARGS</c> variable: <c>K1=V1;K2=V2</c>. Deprecated by the conventions in favour of
/// the <c>args</c> configuration key, but Kubernetes still sends it (always with
/// <c>IgnoreUnknown=1</c>).
/// </summary>
public sealed class CniArgs
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private CniArgs(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    /// <summary>The pairs, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>Whether <c>IgnoreUnknown</c> is <c>1</c> or <c>true</c> (any case): unknown keys are then allowed.</summary>
    public bool IgnoreUnknown =>
        TryGetValue("IgnoreUnknown", out string? v) && (v == "1" || string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>An empty set of arguments.</summary>
    public static CniArgs Empty { get; } = new([]);

    /// <summary>Parses <c>K1=V1;K2=V2</c>. Keys are case-sensitive, as in the reference.</summary>
    /// <param name="text">The variable's value; <see langword="null"/> or empty gives no pairs.</param>
    /// <returns>The arguments.</returns>
    /// <exception cref="CniException">A part without <c>=</c> or with an empty key (code 4, naming CNI_ARGS).</exception>
    public static CniArgs Parse(string? text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(text))
        {
            return new CniArgs(pairs);
        }

        foreach (string part in text.Split(';'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CniException(CniErrorCode.InvalidEnvironmentVariables, $"invalid CNI_ARGS pair \"{part}\": expected KEY=VALUE");
            }

            pairs.Add(new(part[..eq], part[(eq + 1)..]));
        }

        return new CniArgs(pairs);
    }

    /// <summary>Gets the last value given for a key.</summary>
    /// <param name="key">The key (case-sensitive).</param>
    /// <param name="value">The value, when present.</param>
    /// <returns>Whether the key is present.</returns>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = null;
        foreach (KeyValuePair<string, string> pair in _pairs)
        {
            if (pair.Key == key)
            {
                value = pair.Value;
            }
        }

        return value is not null;
    }

    /// <summary>
    /// Checks that every key is one the plugin understands, unless <see cref="IgnoreUnknown"/> is set.
    /// <c>IgnoreUnknown</c> itself is always allowed.
    /// </summary>
    /// <param name="knownKeys">The keys the plugin understands.</param>
    /// <exception cref="CniException">An unknown key (code 4, naming it).</exception>
    public void EnsureKnown(params string[] knownKeys)
    {
        ArgumentNullException.ThrowIfNull(knownKeys);
        if (IgnoreUnknown)
        {
            return;
        }

        foreach (KeyValuePair<string, string> pair in _pairs)
        {
            if (pair.Key != "IgnoreUnknown" && Array.IndexOf(knownKeys, pair.Key) < 0)
            {
                throw new CniException(
                    CniErrorCode.InvalidEnvironmentVariables,
                    $"unknown CNI_ARGS key \"{pair.Key}\" (this plugin understands {string.Join(", ", knownKeys)}; add IgnoreUnknown=1 to allow others)");
            }
        }
    }
}
