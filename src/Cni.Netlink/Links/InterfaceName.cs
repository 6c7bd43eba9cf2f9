namespace Cni.Netlink;

/// <summary>The kernel's rule for interface names, checked before a request is sent.</summary>
internal static class InterfaceName
{
    public const int MaxLength = 15; // IFNAMSIZ - 1

    public static string Check(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxLength || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{name}' is not a valid interface name (at most {MaxLength} bytes, no '/' or spaces).", parameter);
        }

        return name;
    }
}
