#!/usr/bin/env bash
# Fuzzing with SharpFuzz and AFL++ (tests/Cni.Fuzz; corpus in tests/Fuzz/corpus/<target>).
#
#   eng/fuzz.sh build [DIR]        publish tests/Cni.Fuzz into DIR (default artifacts/fuzz/bin) and instrument
#                                  the project's assemblies there with sharpfuzz (the normal build is untouched)
#   eng/fuzz.sh run [SECONDS]      the test command's bounded phase: afl-fuzz on every target for SECONDS each
#                                  (default 25), within FUZZ_BUDGET seconds in all (default 340). A crash or a
#                                  confirmed hang is a finding: saved under artifacts/fuzz/findings/<target>/,
#                                  printed as base64; the exit status is the number of targets with findings.
#
# AFL's checks of the machine (core_pattern, CPU governor) are turned off with its environment variables
# instead of changing the machine; the .NET program is not an instrumented binary, hence AFL_SKIP_BIN_CHECK.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_SKIP_CRASHES=1
# AFL's per-input timeout (ms); generous because the machine is shared. A hang is confirmed by replaying the
# input uninstrumented with REPLAY_LIMIT seconds before it counts.
: "${FUZZ_TIMEOUT_MS:=5000}" "${REPLAY_LIMIT:=60}"
export FUZZ_TIMEOUT_MS REPLAY_LIMIT

fuzz_build() {
  local dir=${1:-artifacts/fuzz/bin}
  rm -rf "$dir"
  dotnet tool restore >/dev/null || return 1
  dotnet publish tests/Cni.Fuzz -c Release -o "$dir" -v:q -clp:NoSummary >/dev/null || return 1
  local a
  for a in Cni.Spec Cni.Netlink Cni.Ipam Cni.Runtime Cni.Plugins.Bridge Cni.Plugins.Flannel; do
    dotnet tool run sharpfuzz "$dir/$a.dll" >/dev/null || { echo "sharpfuzz failed on $a.dll"; return 1; }
  done
}

# fuzz_one BIN TARGET SECONDS OUT: one afl-fuzz run; its stats are in OUT/default/fuzzer_stats.
fuzz_one() {
  local bin=$1 target=$2 seconds=$3 out=$4
  mkdir -p "$out"
  timeout -k 5 $((seconds + 30)) afl-fuzz -i "tests/Fuzz/corpus/$target" -o "$out" -t "$FUZZ_TIMEOUT_MS" -V "$seconds" -- \
    dotnet "$bin/Cni.Fuzz.dll" "$target" >"$out/afl.log" 2>&1
}

# findings TARGET OUT: prints and saves each crash and each confirmed hang; returns how many.
findings() {
  local target=$1 out=$2 n=0 f saved
  saved=artifacts/fuzz/findings/$target
  for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
    [ -e "$f" ] || continue
    if [[ $f == */hangs/* ]] && timeout "$REPLAY_LIMIT" dotnet artifacts/bin/Cni.Fuzz/release/Cni.Fuzz.dll --replay "$target" "$f" >/dev/null 2>&1; then
      echo "   $target: $(basename "$f") timed out under afl-fuzz but replays in under $REPLAY_LIMIT s: a slow machine, not a hang"
      continue
    fi
    n=$((n + 1))
    mkdir -p "$saved"
    cp "$f" "$saved/$(basename "$(dirname "$f")")-$(sha1sum "$f" | cut -c1-12)"
    echo "   FINDING $target ($(basename "$(dirname "$f")")): saved in $saved; base64:"
    base64 -w0 "$f"; echo
    timeout "$REPLAY_LIMIT" dotnet artifacts/bin/Cni.Fuzz/release/Cni.Fuzz.dll --replay "$target" "$f" | head -3 | sed 's/^/   /'
  done
  return $n
}

stat_of() { grep -oP "^$2\s*:\s*\K.*" "$1/default/fuzzer_stats" 2>/dev/null || echo 0; }

case "${1:-run}" in
  build)
    fuzz_build "${2:-}" ;;
  run)
    seconds=${2:-25}
    command -v afl-fuzz >/dev/null || { echo "afl-fuzz not installed (Debian package afl++)"; exit 1; }
    fuzz_build || { echo "the instrumented build failed"; exit 1; }
    rm -rf artifacts/fuzz/out artifacts/fuzz/findings
    passed=0 failed=0
    mapfile -t targets < <(dotnet artifacts/fuzz/bin/Cni.Fuzz.dll --list | cut -f1)
    # The whole phase stays within FUZZ_BUDGET seconds (startup and calibration included): on a loaded
    # machine each target gets its share of what is left instead of SECONDS.
    deadline=$(( $(date +%s) + ${FUZZ_BUDGET:-340} )) left_targets=${#targets[@]}
    for target in "${targets[@]}"; do
      out=artifacts/fuzz/out/$target
      share=$(( (deadline - $(date +%s)) / left_targets - 5 )) left_targets=$((left_targets - 1))
      (( share < seconds )) && seconds_now=$share || seconds_now=$seconds
      if (( seconds_now < 3 )); then
        echo "   $target: no time left in the ${FUZZ_BUDGET:-340} s budget: not fuzzed this run"; continue
      fi
      fuzz_one artifacts/fuzz/bin "$target" "$seconds_now" "$out"
      if [ ! -s "$out/default/fuzzer_stats" ] && grep -q "No instrumentation detected" "$out/afl.log" 2>/dev/null; then
        # Seen now and then on hostlocal-store (and in the campaign's first round): the fork server's first
        # run reports an empty map. One more start; a second failure counts.
        echo "   $target: afl-fuzz saw no instrumentation at its dry run; starting it once more"
        rm -rf "$out"; fuzz_one artifacts/fuzz/bin "$target" "$seconds_now" "$out"
      fi
      if [ ! -s "$out/default/fuzzer_stats" ]; then
        echo "   $target: afl-fuzz did not run:"; tail -5 "$out/afl.log"
        failed=$((failed + 1)); continue
      fi
      findings "$target" "$out"; found=$?
      echo "   $target: $(stat_of "$out" execs_done) executions, $(stat_of "$out" edges_found) edges, $found findings"
      if [ "$found" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "fuzz targets: ${passed} clean, ${failed} with findings"
    exit "$failed" ;;
  *)
    echo "usage: eng/fuzz.sh build [DIR] | run [SECONDS]"; exit 2 ;;
esac
