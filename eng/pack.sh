#!/usr/bin/env bash
# Packs every library under src/ (the projects with IsPackable = true: src/Directory.Build.props) into the
# local feed artifacts/packages, with one version for the whole set.
#
#   eng/pack.sh             a development pack: <VersionPrefix>-dev.<UTC time>.<commit>, unique per pack, so a
#                           package restored from the NuGet cache is never a stale build of the same number
#   eng/pack.sh --release   the release pack: exactly <VersionPrefix> (the working tree must be clean)
#
# The version prefix lives in one place, Directory.Build.props (VersionPrefix); CHANGELOG.md says what each
# version holds. The packed version is written to artifacts/packages/version.txt for the scripts and tests
# that consume the packages (eng/sample-from-packages.sh, tests/Cni.Packaging.Tests).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(grep -oP '<VersionPrefix>\K[^<]+' Directory.Build.props)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo nogit)
if [ "${1:-}" = --release ]; then
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
    echo "refusing a release pack of a working tree with changes" >&2
    exit 1
  fi
  version=$prefix
else
  version="$prefix-dev.$(date -u +%Y%m%d%H%M%S).$commit"
fi

out=artifacts/packages
mkdir -p "$out"
rm -f "$out"/Cni.*.nupkg "$out"/Cni.*.snupkg
packed=()
for proj in src/*/*.csproj src/Tools/*/*.csproj; do
  [ -f "$proj" ] || continue
  # Only packable projects: the libraries, and tools or templates that say so in their project file.
  case "$proj" in
    src/Plugins/*) continue ;;
  esac
  if [[ "$proj" == src/Tools/* ]] && ! grep -q '<IsPackable>true</IsPackable>' "$proj"; then continue; fi
  log=$(mktemp)
  if ! dotnet pack "$proj" -c Release -o "$out" -p:Version="$version" -warnaserror -v:q -clp:NoSummary >"$log" 2>&1; then
    echo "  FAILED to pack $proj:"; grep -E "warning|error" "$log" | sort -u | head -30
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  packed+=("$(basename "$proj" .csproj)")
done
echo "$version" >"$out/version.txt"
echo "  packed ${packed[*]} $version into $out"
