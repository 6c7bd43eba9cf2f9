using Cni.Spec;

namespace Cni.Ipam;

/// <summary>Checks of the names a store records or builds paths from, before any file is touched.</summary>
internal static class IpamNames
{
    // The reference's rule for container IDs and network names: ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$
    public static bool IsValidIdentifier(string? value)
    {
        if (string.IsNullOrEmpty(value) || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static void ValidateNetworkName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "missing network name");
        }

        if (!IsValidIdentifier(name))
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, "invalid characters found in network name", name);
        }
    }

    public static void ValidateContainerId(string? containerId)
    {
        if (string.IsNullOrEmpty(containerId))
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "required env variables [CNI_CONTAINERID] missing");
        }

        if (!IsValidIdentifier(containerId))
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "invalid characters in containerID", containerId);
        }
    }

    public static void ValidateIfName(string? ifName)
    {
        if (string.IsNullOrEmpty(ifName))
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "interface name is empty");
        }

        if (ifName is "." or "..")
        {
            throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "interface name cannot be . or ..", ifName);
        }

        foreach (char c in ifName)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new CniException(CniErrorCode.InvalidEnvironmentVariables, "interface name contains / or : or whitespace characters", ifName);
            }
        }
    }

    public static void ValidateOwner(LeaseOwner owner)
    {
        ValidateContainerId(owner.ContainerId);
        if (owner.IfName is not null)
        {
            ValidateIfName(owner.IfName);
        }
    }
}
