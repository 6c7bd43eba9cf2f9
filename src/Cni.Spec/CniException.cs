namespace Cni.Spec;

/// <summary>
/// The one error type that crosses the plugin boundary: it carries a CNI error code, a message a
/// person can act on, and optional details, and becomes the error object a plugin prints.
/// </summary>
/// <remarks>
/// Throw it from any layer with the code that fits; the skeleton dispatcher writes it unchanged.
/// Any other exception becomes <see cref="CniErrorCode.Internal"/> with its message in the details.
/// </remarks>
public class CniException : Exception
{
    /// <summary>Creates an error with a code and a message.</summary>
    /// <param name="code">The CNI error code.</param>
    /// <param name="message">What went wrong, naming the key, value or variable involved.</param>
    public CniException(CniErrorCode code, string message)
        : this(code, message, null, null)
    {
    }

    /// <summary>Creates an error with a code, a message and details.</summary>
    /// <param name="code">The CNI error code.</param>
    /// <param name="message">What went wrong, naming the key, value or variable involved.</param>
    /// <param name="details">Longer details, for example the underlying error; may be <see langword="null"/>.</param>
    public CniException(CniErrorCode code, string message, string? details)
        : this(code, message, details, null)
    {
    }

    /// <summary>Creates an error with a code, a message, details and the exception that caused it.</summary>
    /// <param name="code">The CNI error code.</param>
    /// <param name="message">What went wrong, naming the key, value or variable involved.</param>
    /// <param name="details">Longer details; may be <see langword="null"/>.</param>
    /// <param name="innerException">The cause; may be <see langword="null"/>.</param>
    public CniException(CniErrorCode code, string message, string? details, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
        Details = details;
    }

    /// <summary>The CNI error code.</summary>
    public CniErrorCode Code { get; }

    /// <summary>Longer details about the error, or <see langword="null"/>.</summary>
    public string? Details { get; }

    /// <summary>Converts this exception to the wire error object.</summary>
    /// <param name="cniVersion">The version to stamp on the error object.</param>
    /// <returns>The error object.</returns>
    public CniError ToError(CniVersion cniVersion) => new(Code, Message, Details) { CniVersion = cniVersion };
}
