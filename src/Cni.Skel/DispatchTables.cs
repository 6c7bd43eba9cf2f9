using Cni.Spec;

namespace Cni.Skel;

/// <summary>The data the dispatcher runs on: which variables each verb needs, and each verb's minimum version.</summary>
internal static class DispatchTables
{
    /// <summary>A variable, the verbs that need it, and its validator (run when it is set).</summary>
    internal sealed record EnvVar(string Name, CniCommand[] RequiredFor, Action<string>? Validate);

    private static readonly CniCommand[] AddCheckDel = [CniCommand.Add, CniCommand.Check, CniCommand.Del];

    /// <summary>
    /// The environment table. CNI_PATH is required for ADD, CHECK and DEL, as the reference
    /// dispatcher requires it (the spec lists it optional for ADD), and for GC as the spec says;
    /// STATUS needs only CNI_COMMAND.
    /// </summary>
    public static readonly EnvVar[] Variables =
    [
        new("CNI_CONTAINERID", AddCheckDel, ConfigRules.ValidateContainerId),
        new("CNI_NETNS", [CniCommand.Add, CniCommand.Check], null),
        new("CNI_IFNAME", AddCheckDel, ConfigRules.ValidateInterfaceName),
        new("CNI_ARGS", [], null),
        new("CNI_PATH", [CniCommand.Add, CniCommand.Check, CniCommand.Del, CniCommand.GC], null),
    ];

    /// <summary>The version each verb first appeared in; a configuration below it cannot use the verb.</summary>
    public static CniVersion MinimumVersion(CniCommand command) => command switch
    {
        CniCommand.Check => CniVersion.V0_4_0,
        CniCommand.Status or CniCommand.GC => CniVersion.V1_1_0,
        CniCommand.Version => CniVersion.V0_2_0,
        _ => CniVersion.V0_1_0,
    };

    public static bool TryParseCommand(string text, out CniCommand command)
    {
        (bool ok, command) = text switch
        {
            "ADD" => (true, CniCommand.Add),
            "DEL" => (true, CniCommand.Del),
            "CHECK" => (true, CniCommand.Check),
            "VERSION" => (true, CniCommand.Version),
            "STATUS" => (true, CniCommand.Status),
            "GC" => (true, CniCommand.GC),
            _ => (false, CniCommand.Add),
        };
        return ok;
    }

    public static string Name(CniCommand command) => command switch
    {
        CniCommand.Add => "ADD",
        CniCommand.Del => "DEL",
        CniCommand.Check => "CHECK",
        CniCommand.Version => "VERSION",
        CniCommand.Status => "STATUS",
        _ => "GC",
    };
}
