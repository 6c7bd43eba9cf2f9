using System.Text;
using Cni.Spec;

namespace Cni.Testing;

/// <summary>What one call of a plugin did: its exit code and what it printed, with the result or error read from stdout.</summary>
public sealed class PluginRun
{
    /// <summary>Records a finished call.</summary>
    /// <param name="exitCode">The exit code: 0 for success.</param>
    /// <param name="stdout">What it printed on stdout (UTF-8).</param>
    /// <param name="stderr">What it printed on stderr.</param>
    public PluginRun(int exitCode, string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The exit code: 0 for success.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output: the result, the error object, or the VERSION answer.</summary>
    public string Stdout { get; }

    /// <summary>Standard error: the plugin's logs.</summary>
    public string Stderr { get; }

    /// <summary>Whether the call succeeded (exit code 0).</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The result the successful call printed.</summary>
    /// <param name="assumedVersion">The version to read a result without <c>cniVersion</c> as; by default the result's own.</param>
    /// <returns>The result.</returns>
    /// <exception cref="PluginRunException">The call failed, or stdout is not a result.</exception>
    public CniResult Result(CniVersion? assumedVersion = null)
    {
        if (!Succeeded)
        {
            throw new PluginRunException("expected the call to succeed, but it failed", this);
        }

        try
        {
            return CniResult.Parse(Stdout, assumedVersion);
        }
        catch (CniException e)
        {
            throw new PluginRunException($"stdout is not a CNI result ({e.Message})", this);
        }
    }

    /// <summary>The error object the failed call printed.</summary>
    /// <returns>The error, with its code, message and details.</returns>
    /// <exception cref="PluginRunException">The call succeeded, or stdout is not an error object.</exception>
    public CniError Error()
    {
        if (Succeeded)
        {
            throw new PluginRunException("expected the call to fail, but it succeeded", this);
        }

        try
        {
            return CniError.Parse(Encoding.UTF8.GetBytes(Stdout));
        }
        catch (CniException e)
        {
            throw new PluginRunException($"stdout is not a CNI error object ({e.Message})", this);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>A plugin call did not end as the test expected; the message carries everything the plugin printed.</summary>
public sealed class PluginRunException : Exception
{
    /// <summary>Creates the exception for a call.</summary>
    /// <param name="message">What was expected.</param>
    /// <param name="run">The call.</param>
    public PluginRunException(string message, PluginRun run)
        : base($"{message}\n{run}") => Run = run;

    /// <summary>The call.</summary>
    public PluginRun Run { get; }
}
