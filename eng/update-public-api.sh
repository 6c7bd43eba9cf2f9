#!/usr/bin/env bash
# Records the current public surface of a library in its PublicAPI.Unshipped.txt, so the diff of
# that file is what a reviewer reads. Usage: eng/update-public-api.sh src/Cni.Spec
# It adds symbols the analyzer reports as undeclared (RS0016) and drops declared ones that no
# longer exist (RS0017). Review the diff before committing.
set -euo pipefail
dir=${1:?usage: eng/update-public-api.sh src/<Project>}
proj=$(ls "$dir"/*.csproj)
unshipped="$dir/PublicAPI.Unshipped.txt"
log=$(mktemp)
dotnet build "$proj" -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= --no-incremental -v:q -clp:NoSummary >"$log" 2>&1 || true
add=$(grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sort -u || true)
remove=$(grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" "$log" | sort -u || true)
tmp=$(mktemp)
{ echo '#nullable enable'; { grep -v '^#nullable' "$unshipped" || true; printf '%s\n' "$add"; } | grep -v '^$' | grep -vxF -f <(printf '%s\n' "$remove" | grep -v '^$' || echo '§none§') | sort -u; } >"$tmp"
mv "$tmp" "$unshipped"
echo "added $(printf '%s' "$add" | grep -c . || true), removed $(printf '%s' "$remove" | grep -c . || true) symbols in $unshipped"
grep -E "error" "$log" | grep -v -E "RS001[67]" | sort -u | head -20 || true
rm -f "$log"
