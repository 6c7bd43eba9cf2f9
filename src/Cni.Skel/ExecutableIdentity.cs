using Tmds.Linux;

namespace Cni.Skel;

/// <summary>Whether a path is the running executable: <c>stat</c> of both, links followed, compared by device and inode.</summary>
internal static unsafe class ExecutableIdentity
{
    private static (ulong Device, ulong Inode)? s_self;

    public static bool IsRunningExecutable(string path)
    {
        s_self ??= Identity("/proc/self/exe");
        (ulong, ulong)? target = Identity(path);
        return target is not null && target == s_self;
    }

    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(path);
        Span<byte> name = length < 1024 ? stackalloc byte[length + 1] : new byte[length + 1];
        System.Text.Encoding.UTF8.GetBytes(path, name);
        name[length] = 0;
        stat st;
        fixed (byte* p = name)
        {
            if (LibC.stat(p, &st) != 0)
            {
                return null;
            }
        }

        return ((ulong)st.st_dev, (ulong)st.st_ino);
    }
}
