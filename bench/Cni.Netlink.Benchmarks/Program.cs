using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Cni.Netlink.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Cni.Netlink.Benchmarks.ProtocolBenchmarks).Assembly).Run(args);
