#!/usr/bin/env bash
# Issue #20 (CUDA-graph decoding) on a GPU machine, one command (device tool: carry .gpu, made here by tests/gpu/pack.sh):
#   bash tests/gpu/graphs.sh
# 1. compiles src/Forge.Cuda/native against the machine's PyTorch (the same build Forge runs on first use), timed;
# 2. the GPU check graphs_match_eager (graph vs eager decoding: ids equal, log-probs within 1e-3 bf16 / 1e-5 f32);
# 3. bench: the decode-step profile (eager, replayed, and its parts replayed alone) at batches 1, 64, 128, and the
#    GRPO step (16 × 8 × 256) with graphs on and off beside the PyTorch peer.
# Results: $OUT/graphs.txt (everything printed) and $OUT/results.jsonl.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-/tmp/forge-graphs-out}; mkdir -p "$out"
exec > >(tee -a "$out/graphs.txt") 2>&1
torch=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
echo "torch $(python3 -c 'import torch;print(torch.__version__)'), nvcc $(command -v nvcc || echo none), g++ $(g++ -dumpversion 2>/dev/null || echo none)"
t0=$(date +%s.%N)
if bash "$root/src/Forge.Cuda/native/build.sh" "$torch" "$out/build/libforge_cuda_graphs.so"; then
  echo "native build: ok in $(python3 -c "print(round($(date +%s.%N)-$t0,1))") s"
  nm -D --defined-only "$out/build/libforge_cuda_graphs.so" | grep -c ' T forge_' | sed 's/^/exported forge_ functions: /'
  rm -rf "$out/build"
else
  echo "native build: FAILED (decoding would run eagerly)"
fi
bash "$root/tests/gpu/run.sh" graphs_match_eager
# The GRPO step as the peer runs it: bf16 AdamW state, no float32 master weights.
GRPO_ARGS="${GRPO_ARGS:---no-master-weights}" BATCHES="${BATCHES:-1 64 128}" STEPS="${STEPS:-profile grpo}" bash "$root/bench/run-gpu.sh"
