using Cni.Netlink;
using Cni.Spec;

namespace Cni.Fuzz;

/// <summary>
/// One parser under fuzzing: <see cref="Run"/> feeds it outside bytes and checks what it can (write what was
/// read and parse it back); <see cref="IsDocumented"/> says which exceptions its documentation allows. Any
/// other exception, including <see cref="PropertyViolation"/> from a failed check, is a finding.
/// </summary>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run, Func<Exception, bool> IsDocumented)
{
    /// <summary>
    /// Runs one input: returns normally for a value or a documented exception, lets anything else escape
    /// (under afl-fuzz an escaping exception is a crash).
    /// </summary>
    public void Execute(byte[] input)
    {
        try
        {
            Run(input);
        }
        catch (Exception e) when (IsDocumented(e))
        {
        }
    }

    /// <summary>Only a <see cref="CniException"/> with one of <paramref name="codes"/>.</summary>
    public static Func<Exception, bool> CniCodes(params CniErrorCode[] codes) =>
        e => e is CniException c && e.GetType() == typeof(CniException) && Array.IndexOf(codes, c.Code) >= 0;

    /// <summary>Only a <see cref="NetlinkException"/>.</summary>
    public static bool NetlinkOnly(Exception e) => e.GetType() == typeof(NetlinkException);

    /// <summary>No exception at all: the parser takes anything.</summary>
    public static bool Nothing(Exception e) => false;
}

/// <summary>A check on what a parser returned failed: the parser misread, or its writer wrote something it cannot read back.</summary>
public sealed class PropertyViolation(string message) : Exception(message)
{
    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new PropertyViolation(what);
        }
    }
}
