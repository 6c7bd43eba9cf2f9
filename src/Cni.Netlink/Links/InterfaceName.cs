using Cni.Spec;

namespace Cni.Netlink;

/// <summary>The kernel's rule for interface names (Cni.Spec's <see cref="ConfigRules.InterfaceNameProblem"/>), checked before a request is sent.</summary>
internal static class InterfaceName
{
    public static string Check(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (ConfigRules.InterfaceNameProblem(name) is string problem)
        {
            throw new ArgumentException($"'{name}' is not a valid interface name: it {problem}.", parameter);
        }

        return name;
    }
}
