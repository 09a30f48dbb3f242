#!/usr/bin/env bash
# Publishes a Forge executable self-contained for linux-x64 against the managed TorchSharp package only (no
# libtorch-cpu): on the target machine libtorch comes from an installed PyTorch (see README "Running on a GPU").
# Usage: bench/publish-linux-x64.sh PROJECT OUTPUT.tar.xz
set -euo pipefail
project=${1:?project path}; archive=${2:?output .tar.xz}
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:TorchBackend=cuda -o "$stage/app" --nologo -v q
# Debug symbols and the debugger/tracing natives are not needed to run.
find "$stage/app" \( -name '*.pdb' -o -name 'libmscordaccore.so' -o -name 'libmscordbi.so' -o -name 'libcoreclrtraceptprovider.so' \) -delete
mkdir -p "$(dirname "$archive")"
tar -C "$stage" -cJf "$archive" app
rm -rf "$stage"
ls -la "$archive"
