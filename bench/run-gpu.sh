#!/usr/bin/env bash
# Runs on the GPU machine (device tool): Forge and the PyTorch/transformers peers side by side, same shapes, same
# command. Expects bench/.gpu/forge-bench.tar.xz (bench/publish-linux-x64.sh bench/Forge.Bench …) and the peer
# scripts copied unchanged into bench/.gpu/peer/. Writes JSON lines to $OUT/results.jsonl.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/forge-bench-out}; mkdir -p "$out"
work=$(mktemp -d); tar -C "$work" -xJf "$here/.gpu/forge-bench.tar.xz"
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"

# Peak GPU memory of one command, read from nvidia-smi every 100 ms (the same way for Forge and the peers).
measure() {
  local label=$1; shift
  local log; log=$(mktemp)
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$log" &
  local smi=$!
  "$@" 2>>"$out/stderr.txt" | while read -r line; do echo "$line" | tee -a "$out/results.jsonl"; done
  kill $smi; wait $smi 2>/dev/null
  echo "{\"measure\":\"$label\",\"peak_used_mib\":$(sort -n "$log" | tail -1)}" | tee -a "$out/results.jsonl"
}

cd "$here/.gpu/peer"
steps=${STEPS:-all}
if [[ $steps == all || $steps == generate ]]; then
  for b in 1 64; do
    measure "forge-generate-b$b" "$work/app/Forge.Bench" generate --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --batch $b --prompt-len 128 --new-tokens 256
    measure "transformers-generate-b$b" python3 peer_generate.py --shape qwen2.5-0.5b --batch $b --prompt-len 128 --new-tokens 256
  done
fi
if [[ $steps == all || $steps == grpo ]]; then
  measure forge-grpo-step "$work/app/Forge.Bench" grpo-step --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --prompts 16 --group 8 --prompt-len 128 --new-tokens 256 --micro 16 --steps 3
  measure pytorch-grpo-step python3 peer_grpo_step.py --shape qwen2.5-0.5b --prompts 16 --group 8 --prompt-len 128 --new-tokens 256 --micro 16 --steps 3
fi
