#!/usr/bin/env bash
# SIGKILL chaos on the bridge chain, at length: runs the test command's chaos test
# (tests/Cni.Plugins.Tests/BridgeChaosTests.cs: bridge ADD/DEL and its host-local child killed after a
# random delay, then the runtime's retried DEL or GC, then a check that nothing is left) with many rounds
# per binary set (standalone binaries, then the multi-call binary with host-local in-process).
#
#   bench/chaos/run.sh [ROUNDS] [SEED]     ROUNDS per binary set (default 100, so 200 in all)
#
# Prints each set's seed, its kill figures and any leak (the test fails on the first one, naming the round,
# its kind and its delay: replay it with the same SEED). Needs root and the published binaries (eng/publish.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-100}
seed=${2:-$((RANDOM * 32768 + RANDOM))}
dotnet build tests/Cni.Plugins.Tests -c Release -warnaserror -v:q -clp:NoSummary >/dev/null
start=$(date +%s)
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
CNI_TESTS_STRICT=1 CNI_CHAOS_ROUNDS=$rounds CNI_CHAOS_SEED=$seed CNI_CHAOS_REPORT=$report \
  dotnet test --project tests/Cni.Plugins.Tests -c Release --no-build -- \
  --filter-class 'Cni.Plugins.Tests.BridgeChaosTests' >"$report.log" 2>&1 || status=$?
cat "$report"
grep -E "round [0-9]+ \(|failed:|succeeded:|total:" "$report.log" | head -20 || true
rm -f "$report.log"
[ "$status" = 0 ] || echo "FAILED (exit $status)"
echo "wall time: $(( $(date +%s) - start )) s for $rounds rounds x 2 binary sets (seed $seed)"
