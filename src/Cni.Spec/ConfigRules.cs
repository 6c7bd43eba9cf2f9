using System.Text;

namespace Cni.Spec;

/// <summary>
/// The validation rules the specification and the reference library apply to names and
/// identifiers, each failing with the code the reference uses.
/// </summary>
public static class ConfigRules
{
    /// <summary>The longest interface name Linux accepts (IFNAMSIZ − 1).</summary>
    public const int MaxInterfaceNameLength = 15;

    /// <summary>
    /// Checks a network name: present, starting with a letter or digit, then letters, digits,
    /// <c>_</c>, <c>.</c> or <c>-</c>.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <exception cref="CniException">Missing or invalid (code 7).</exception>
    public static void ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "missing network name: the configuration needs a \"name\"");
        }

        if (!IsIdentifier(name))
        {
            throw new CniException(
                CniErrorCode.InvalidNetworkConfig,
                $"invalid network name {Quoted(name)}: it must start with a letter or digit, followed by letters, digits, '_', '.' or '-'");
        }
    }

    /// <summary>Checks a plugin type: non-empty, and never a path (no <c>/</c> or <c>\</c>).</summary>
    /// <param name="type">The type.</param>
    /// <exception cref="CniException">Empty or a path (code 7).</exception>
    public static void ValidateType(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "missing plugin type: the configuration needs a \"type\"");
        }

        if (type.Contains('/', StringComparison.Ordinal) || type.Contains('\\', StringComparison.Ordinal) || type is "." or "..")
        {
            throw new CniException(
                CniErrorCode.InvalidNetworkConfig,
                $"invalid plugin type {Quoted(type)}: a type is an executable name looked up on CNI_PATH, never a path");
        }
    }

    /// <summary>Checks a container ID: non-empty, a letter or digit first, then letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</summary>
    /// <param name="containerId">The container ID.</param>
    /// <exception cref="CniException">Invalid (code 4, naming CNI_CONTAINERID).</exception>
    public static void ValidateContainerId(string? containerId)
    {
        if (string.IsNullOrEmpty(containerId))
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "empty CNI_CONTAINERID");
        }

        if (!IsIdentifier(containerId))
        {
            throw new CniException(
                CniErrorCode.InvalidEnvironmentVariables,
                $"invalid characters in CNI_CONTAINERID {Quoted(containerId)}: it must start with a letter or digit, followed by letters, digits, '_', '.' or '-'");
        }
    }

    /// <summary>
    /// Checks an interface name by <see cref="InterfaceNameProblem"/>: the rule the kernel applies to every
    /// interface name, and the specification to <c>CNI_IFNAME</c>.
    /// </summary>
    /// <param name="ifName">The name.</param>
    /// <exception cref="CniException">Invalid (code 4, naming CNI_IFNAME).</exception>
    public static void ValidateInterfaceName(string? ifName)
    {
        if (InterfaceNameProblem(ifName) is string problem)
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, $"invalid CNI_IFNAME {Quoted(ifName ?? "")}: the interface name {problem}");
        }
    }

    /// <summary>
    /// What is wrong with an interface name by the kernel's rule (<c>dev_valid_name</c>): empty, longer than
    /// <see cref="MaxInterfaceNameLength"/> bytes of UTF-8, <c>.</c> or <c>..</c>, or containing <c>/</c>,
    /// <c>:</c> or white space. The one copy of that rule, for callers that report it in their own words.
    /// </summary>
    /// <param name="ifName">The name.</param>
    /// <returns>The problem as the end of a sentence ("is empty", "contains ':'"...), or <see langword="null"/> when the name is valid.</returns>
    public static string? InterfaceNameProblem(string? ifName) => ifName switch
    {
        null or "" => "is empty",
        _ when Encoding.UTF8.GetByteCount(ifName) > MaxInterfaceNameLength => $"is longer than {MaxInterfaceNameLength} bytes",
        "." or ".." => "is a reserved name",
        _ when ifName.Contains('/', StringComparison.Ordinal) => "contains '/'",
        _ when ifName.Contains(':', StringComparison.Ordinal) => "contains ':'",
        _ when ifName.Any(char.IsWhiteSpace) => "contains white space",
        _ => null,
    };

    /// <summary>A value as an error message quotes it: whole up to 64 characters, else its start and its length.</summary>
    private static string Quoted(string value) => value.Length <= 64 ? $"\"{value}\"" : $"\"{value[..48]}...\" ({value.Length} characters)";

    /// <summary>
    /// Reads a subnet written in CIDR notation, such as a range's <c>subnet</c>: the address must
    /// be the network itself, with no host bits set.
    /// </summary>
    /// <param name="text">The value as written.</param>
    /// <param name="key">The key it came from, for the message, for example <c>ipam.ranges[0][0].subnet</c>.</param>
    /// <returns>The network.</returns>
    /// <exception cref="CniException">Missing, not CIDR, or with host bits set (code 7, naming the key and value).</exception>
    public static System.Net.IPNetwork ParseSubnet(string? text, string key)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"missing \"{key}\": a subnet such as \"10.1.0.0/16\" is required");
        }

        if (!IPCidr.TryParse(text, out IPCidr cidr))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"invalid \"{key}\" \"{text}\": expected a subnet in CIDR notation such as \"10.1.0.0/16\"");
        }

        if (cidr.HasHostBits)
        {
            throw new CniException(
                CniErrorCode.InvalidNetworkConfig,
                $"invalid \"{key}\" \"{text}\": host bits are set; the network with prefix length {cidr.PrefixLength} is {cidr.Network}");
        }

        return cidr.Network;
    }

    private static bool IsIdentifier(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
