// The least a CNI plugin can do for VERSION: read stdin to the end, write the fixed answer, exit 0.
using Stream stdin = Console.OpenStandardInput();
Span<byte> buffer = stackalloc byte[4096];
while (stdin.Read(buffer) > 0)
{
}

using Stream stdout = Console.OpenStandardOutput();
stdout.Write("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.1.0\",\"0.2.0\",\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n"u8);
return 0;
