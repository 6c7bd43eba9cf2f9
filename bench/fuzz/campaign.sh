#!/usr/bin/env bash
# The long fuzzing campaign: afl-fuzz on every target (or the ones named) for MINUTES each, JOBS targets at a
# time, at the lowest priority (nice 19) so it can run beside other work. Outputs in artifacts/fuzz/campaign/;
# a second run with the same outputs resumes them (AFL_AUTORESUME). At the end it prints the table for
# bench/fuzz/README.md (executions, AFL's bitmap coverage and edges, crashes and hangs per target).
#
#   bench/fuzz/campaign.sh MINUTES [JOBS] [TARGET...]      e.g. bench/fuzz/campaign.sh 30 2
#   bench/fuzz/campaign.sh --table                          only the table of what has run so far
#
# A crash is saved by AFL under artifacts/fuzz/campaign/<target>/default/crashes/; replay it with
#   dotnet artifacts/bin/Cni.Fuzz/release/Cni.Fuzz.dll --replay <target> <file>
# fix the parser, and keep the input in tests/Fuzz/regressions/<target>/ (replayed by Cni.Fuzz.Tests).
set -uo pipefail
cd "$(dirname "$0")/../.."
source <(sed -n "/^export AFL_/p" eng/fuzz.sh)
export FUZZ_TIMEOUT_MS=${FUZZ_TIMEOUT_MS:-5000}
export AFL_AUTORESUME=1
out=artifacts/fuzz/campaign
bin=${CAMPAIGN_BIN:-artifacts/fuzz/campaign-bin} # another while one runs: CAMPAIGN_BIN=...

table() {
  echo "| target | executions | exec/s (last) | edges | bitmap coverage | corpus | crashes | hangs |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local total=0 s t
  for s in "$out"/*/default/fuzzer_stats; do
    [ -e "$s" ] || continue
    t=$(basename "$(dirname "$(dirname "$s")")")
    v() { grep -oP "^$1\s*:\s*\K.*" "$s"; }
    echo "| $t | $(v execs_done) | $(v execs_per_sec) | $(v edges_found) | $(v bitmap_cvg) | $(v corpus_count) | $(v saved_crashes) | $(v saved_hangs) |"
    total=$((total + $(v execs_done)))
  done
  echo "| all | $total | | | | | | |"
}

if [ "${1:-}" = "--table" ]; then table; exit 0; fi
minutes=${1:?usage: bench/fuzz/campaign.sh MINUTES [JOBS] [TARGET...]}
jobs=${2:-2}
shift $(( $# >= 2 ? 2 : 1 ))
eng/fuzz.sh build "$bin" || exit 1
dotnet build tests/Cni.Fuzz -c Release -v:q -clp:NoSummary >/dev/null # the uninstrumented program, for replays
targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(dotnet "$bin/Cni.Fuzz.dll" --list | cut -f1)
echo "campaign: ${#targets[@]} targets x $minutes min, $jobs at a time, started $(date -u +%FT%TZ)"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} sh -c '
  mkdir -p "$0/{}"
  nice -n 19 afl-fuzz -i tests/Fuzz/corpus/{} -o "$0/{}" -t "$FUZZ_TIMEOUT_MS" -V "$1" -- dotnet "$2/Cni.Fuzz.dll" {} >"$0/{}/afl.log" 2>&1
  echo "  {}: done $(date -u +%T)"' "$out" $((minutes * 60)) "$bin"
table
