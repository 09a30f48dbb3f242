#!/usr/bin/env bash
# Runs on the GPU machine (device tool, carry .gpu; tests/gpu/pack.sh makes it here): Forge and the PyTorch/transformers
# peers side by side, same shapes, same command. Writes JSON lines to $OUT/results.jsonl.
#   STEPS="generate grpo forge-run" bash bench/run-gpu.sh      (the default runs all three; "profile" is extra)
#   STEPS=lora-memory SHAPE=qwen2.5-1.5b bash bench/run-gpu.sh  (GRPO steps from one base: full fine-tuning, then LoRA r=16)
#   STEPS=rank-share bash bench/run-gpu.sh   (one GPU as rank 0 of a 2-GPU GRPO job, with and without ZeRO-1)
# Forge's generation runs with CUDA graphs and eagerly in one process (--graphs on off), beside transformers.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/forge-bench-out}; mkdir -p "$out"
work=$(mktemp -d); tar -C "$work" -xJf "$root/.gpu/forge-gpu.tar.xz"
export LD_LIBRARY_PATH=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")') NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
export FORGE=$work/host/forge
bench=$work/bench/Forge.Bench
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

cd "$root/.gpu/peer"
steps=${STEPS:-generate grpo forge-run}
for step in $steps; do
  case $step in
    generate)
      for b in ${BATCHES:-1 64 128}; do
        measure "forge-generate-b$b" "$bench" generate --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --batch $b --prompt-len 128 --new-tokens 256 --graphs ${GRAPHS:-on off}
        measure "transformers-generate-b$b" python3 peer_generate.py --shape qwen2.5-0.5b --batch $b --prompt-len 128 --new-tokens 256
      done
      measure "forge-generate-b64-sample" "$bench" generate --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --batch 64 --prompt-len 128 --new-tokens 256 --sample --graphs ${GRAPHS:-on off}
      measure "transformers-generate-b64-sample" python3 peer_generate.py --shape qwen2.5-0.5b --batch 64 --prompt-len 128 --new-tokens 256 --sample ;;
    grpo)
      for g in ${GRAPHS:-on off}; do
        measure "forge-grpo-step-graphs-$g" "$bench" grpo-step --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --prompts 16 --group 8 --prompt-len 128 --new-tokens 256 --micro 16 --steps 3 --graphs $g ${GRPO_ARGS:-}
      done
      measure pytorch-grpo-step python3 peer_grpo_step.py --shape qwen2.5-0.5b --prompts 16 --group 8 --prompt-len 128 --new-tokens 256 --micro 16 --steps 3 ;;
    rank-share)
      # What rank 0 of a 2-GPU GRPO job allocates and computes, on one GPU: the whole global batch (32 prompts), then
      # one rank's share (16) alone, as rank 0 of 2 with the peer mirrored (grpo-step --mirror-ranks 2: the gradient
      # buckets, global statistics and ZeRO-1 shards of a 2-rank job, less the transfers), and with ZeRO-1.
      for run in "32 1" "16 1" "16 2" "16 2 --shard-optimizer"; do
        set -- $run
        measure "forge-grpo-step-p$1-ranks$2${3:+-zero1}" "$bench" grpo-step --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --prompts $1 --group 8 --prompt-len 128 --new-tokens 256 --micro 16 --steps ${RL_STEPS:-5} --mirror-ranks $2 ${3:-}
      done ;;
    profile)
      measure forge-decode-profile "$bench" decode-profile --shape qwen2.5-0.5b --device cuda --dtype bfloat16 --batch ${BATCHES:-1 64 128} --prompt-len 128 --steps 100 ;;
    forge-run)
      measure forge-run "$root/bench/forge-run-gpu.sh" "$(mktemp -d)/run" ${RUN_ARGS:-} ;;
    lora-memory)
      export RL_STEPS=${RL_STEPS:-2}
      measure "forge-run-full-${SHAPE:-qwen2.5-0.5b}" env BASE=1 "$root/bench/forge-run-gpu.sh" "$(mktemp -d)/run" ${RUN_ARGS:-}
      measure "forge-run-lora-r${LORA_RANK:-16}-${SHAPE:-qwen2.5-0.5b}" env ADAPTER=lora "$root/bench/forge-run-gpu.sh" "$(mktemp -d)/run" ${RUN_ARGS:-} ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
echo "--- last lines of $out/stderr.txt:"; tail -n 12 "$out/stderr.txt" 2>/dev/null
