#!/usr/bin/env bash
# Publishes every NativeAOT program of the repository with warnings as errors:
#   artifacts/cni-bin/<executable>   our plugins (and the sample), ready to use as CNI_PATH
#   artifacts/cni-multi/             the multi-call binary cni-plugins and its links (bridge -> cni-plugins, ...),
#                                    the layout eng/install-node.sh installs; also usable as CNI_PATH
#   artifacts/tools/<executable>     command-line tools (src/Tools/<Name>): cnitool
#   artifacts/aot/<Project>/         other NativeAOT programs (smoke tests)
# A trim or AOT warning fails the publish, and so the script.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=artifacts/cni-bin
multi=artifacts/cni-multi
tools=artifacts/tools
mkdir -p "$bin" "$multi" "$tools" artifacts/aot
status=0

publish() { # project-file output-dir
  local proj=$1 out=$2 log
  log=$(mktemp)
  if dotnet publish "$proj" -c Release -o "$out" -warnaserror -p:TreatWarningsAsErrors=true -v:q -clp:NoSummary >"$log" 2>&1; then
    printf '  published %-40s -> %s\n' "$(basename "$proj" .csproj)" "$out"
  else
    echo "  FAILED to publish $proj:"; grep -E "warning|error" "$log" | sort -u | head -30
    status=1
  fi
  rm -f "$log"
}

# Plugins: the one-line executables src/Plugins/Programs/<executable>/<executable>.csproj (each runs
# the plugin library src/Plugins/<Name>), and samples that are plugins (AssemblyName = executable name).
for proj in src/Plugins/Programs/*/*.csproj samples/*/*.csproj; do
  [ -f "$proj" ] || continue
  grep -q '<PublishAot>true</PublishAot>\|src/Plugins/Programs' <<<"$proj $(cat "$proj")" || continue
  name=$(basename "$proj" .csproj)
  out=artifacts/publish-tmp/$name
  publish "$proj" "$out"
  if [ "$name" = cni-plugins ]; then
    # The multi-call binary: beside its links, not among the standalone binaries. The names of the links
    # are the ones it holds, as it lists them itself when started under its own name.
    if [ -f "$out/cni-plugins" ]; then
      cp "$out/cni-plugins" "$multi/"
      for link in $(eng/install-node.sh --list "$multi/cni-plugins"); do
        ln -sfn cni-plugins "$multi/$link"
      done
    fi
    continue
  fi
  for f in "$out"/*; do
    [ -x "$f" ] && [ -f "$f" ] && [[ "$f" != *.dbg && "$f" != *.so ]] && cp "$f" "$bin/"
  done
done

# Command-line tools: src/Tools/<Name>/<Name>.csproj, the executable named by its AssemblyName.
for proj in src/Tools/*/*.csproj; do
  [ -f "$proj" ] || continue
  out=artifacts/publish-tmp/$(basename "$proj" .csproj)
  publish "$proj" "$out"
  for f in "$out"/*; do
    [ -x "$f" ] && [ -f "$f" ] && [[ "$f" != *.dbg && "$f" != *.so ]] && cp "$f" "$tools/"
  done
done

# Other NativeAOT programs (smoke tests).
for proj in tests/*.AotSmoke/*.csproj; do
  [ -f "$proj" ] || continue
  publish "$proj" "artifacts/aot/$(basename "$proj" .csproj)"
done
exit $status
