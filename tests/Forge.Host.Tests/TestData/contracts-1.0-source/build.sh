#!/usr/bin/env bash
# Rebuilds ../contracts-1.0/Legacy.Rewards/ from this source against a Forge.Contracts 1.0.0 package in FEED (a folder), outside the
# repository (whose Directory.Build.props and central package versions would apply here), with a private NuGet cache.
#   usage: FEED=/tmp/feed10 bash build.sh      (the feed from `dotnet pack contracts/Forge.Contracts` at version 1.0.0)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); work=$(mktemp -d)
cp "$here"/*.cs "$here"/*.csproj "$work/"
printf '<configuration><packageSources><add key="contracts" value="%s" /></packageSources></configuration>\n' "$FEED" > "$work/nuget.config"
NUGET_PACKAGES=$work/packages dotnet build "$work" -c Release -o "$work/out" --nologo -v q
rm -rf "$here/../contracts-1.0/Legacy.Rewards"; mkdir -p "$here/../contracts-1.0/Legacy.Rewards"
cp "$work/out/Legacy.Rewards."{dll,deps.json,runtimeconfig.json} "$here/../contracts-1.0/Legacy.Rewards/"
