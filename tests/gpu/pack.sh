#!/usr/bin/env bash
# Here (with .NET): publishes what the GPU suite and the GPU benchmarks run — the forge host, tests/gpu's checks app
# and bench/Forge.Bench, self-contained for linux-x64 against the managed TorchSharp package (libtorch comes from the
# GPU machine's PyTorch) — into .gpu/forge-gpu.tar.xz (files the three share are stored once), with the PyTorch peers
# and the Qwen3 tokenizer beside it. .gpu/ is git-ignored; name it in the device tool's carry.
# Lingua's language models (72 MB) stay out to fit the carry limit: language-consistency cannot score there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
for p in host/Forge.Host:host tests/gpu/Forge.GpuChecks:checks bench/Forge.Bench:bench; do
  dotnet publish "$root/${p%%:*}" -c Release -r linux-x64 --self-contained -p:TorchBackend=cuda -o "$stage/${p##*:}" --nologo -v q
done
rm -rf "$stage/host/plugins/Forge.Plugins.LanguageConsistency/Lingua"
find "$stage" \( -name '*.pdb' -o -name 'libmscordaccore.so' -o -name 'libmscordbi.so' -o -name 'libcoreclrtraceptprovider.so' \) -delete
# Identical files become hard links, which tar stores once.
python3 - "$stage" <<'PY'
import hashlib, os, sys
seen = {}
for folder, _, files in sorted(os.walk(sys.argv[1])):
    for name in sorted(files):
        path = os.path.join(folder, name)
        if os.path.islink(path): continue
        digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()
        if digest in seen: os.remove(path); os.link(seen[digest], path)
        else: seen[digest] = path
PY
mkdir -p "$root/.gpu/peer" "$root/.gpu/qwen3"
tar -C "$stage" -cf - host checks bench | xz -T2 -6 > "$root/.gpu/forge-gpu.tar.xz"
cp "$root/../shared/tools/peer_generate.py" "$root/../shared/tools/peer_grpo_step.py" "$root/.gpu/peer/"
gunzip -c "$root/tests/Forge.Core.Tests/TestData/tokenizers/qwen3/tokenizer.json.gz" > "$root/.gpu/qwen3/tokenizer.json"
cp "$root/tests/Forge.Core.Tests/TestData/tokenizers/qwen3/tokenizer_config.json" "$root/.gpu/qwen3/"
du -sh "$root/.gpu"/*
