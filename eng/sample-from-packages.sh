#!/usr/bin/env bash
# Packs the libraries into the local feed artifacts/packages and publishes the sample plugin
# against those packages (not the projects), as a third-party author would build it.
# Output: artifacts/from-packages/static-routes
set -euo pipefail
cd "$(dirname "$0")/.."
version="0.0.0-local.$(date +%Y%m%d%H%M%S)"
rm -f artifacts/packages/Cni.*.nupkg artifacts/packages/Cni.*.snupkg
for lib in src/Cni.Spec src/Cni.Skel src/Cni.Netlink src/Cni.Ipam; do
  dotnet pack "$lib" -c Release -o artifacts/packages -p:Version="$version" -warnaserror -v:q -clp:NoSummary >/dev/null
done
echo "  packed Cni.Spec, Cni.Skel, Cni.Netlink, Cni.Ipam $version into artifacts/packages"
dotnet publish samples/StaticRoutes -c Release -p:CniPackageVersion="$version" \
  -p:ArtifactsPath="$PWD/artifacts/from-packages-build" -o artifacts/from-packages -warnaserror -v:q -clp:NoSummary >/dev/null
echo "  published samples/StaticRoutes against the packages -> artifacts/from-packages/static-routes"
