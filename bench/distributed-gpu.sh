#!/usr/bin/env bash
# Runs on the 2-GPU machine kind (device tool, carry .gpu; tests/gpu/pack.sh makes it here): the proofs of data
# parallelism over NCCL (issue #21), one JSON line each in $OUT/results.jsonl, every run's log beside it.
#   (a) after 20 steps the ranks' weights are bit-identical (each rank hashes its parameters; rank 0 logs all hashes),
#       through forge's own launcher and through torchrun --no-python;
#   (b) an sft run on 2 GPUs (float32) has the metrics of a 1-GPU run with the same global batch, within 1e-3 relative;
#   (c) the GRPO step of the Qwen2.5-0.5B shape, 32 prompts × 8 completions × 256 tokens global: 1 GPU against 2;
#   (d) ZeRO-1 (Training:ShardOptimizer) lowers each GPU's peak memory by the optimizer state it shards away;
#   (e) a rank killed mid-run ends the job with one line naming it, not a hang;
#   (f) a rank frozen mid-run (SIGSTOP: alive, silent, no progress) ends the job after Forge:CollectiveTimeout (20 s
#       here), named by the watchdog.
#   usage: bash bench/distributed-gpu.sh        (about 6–7 minutes)
#          PROOFS=d bash bench/distributed-gpu.sh   (only the proofs named: any of a b c d e f)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/forge-dist-out}; mkdir -p "$out"
work=$(mktemp -d); tar -C "$work" -xJf "$root/.gpu/forge-gpu.tar.xz"
torch_lib=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
nccl_lib=$(python3 -c 'import nvidia.nccl as n,os;print(os.path.join(list(n.__path__)[0],"lib"))' 2>/dev/null || true)
export LD_LIBRARY_PATH=$torch_lib${nccl_lib:+:$nccl_lib} NCCL_NVLS_ENABLE=0 PYTHONUNBUFFERED=1
export FORGE=$work/host/forge
results=$out/results.jsonl
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
echo "{\"nccl_lib\":\"$nccl_lib\",\"torch\":\"$(python3 -c 'import torch;print(torch.__version__, torch.cuda.nccl.version())')\"}" | tee -a "$results"
runs=$work/runs; mkdir -p "$runs"
proofs=" ${PROOFS:-a b c d e f} "
want() { for p in "$@"; do [[ $proofs == *" $p "* ]] && return 0; done; return 1; }

# The sft pipeline of (a)/(b): a small Qwen2-shaped model (float32) on 256 arithmetic traces, 20 steps of 32 rows.
python3 - "$runs/traces.jsonl" <<'PY'
import json, random, sys
r = random.Random(0)
with open(sys.argv[1], "w") as f:
    for i in range(256):
        a, b = r.randint(0, 999), r.randint(0, 999)
        f.write(json.dumps({"prompt": f"What is {a}+{b}?", "completion": f"<think>{a}+{b}={a+b}</think> <answer>{a+b}</answer>" + " ok" * r.randint(0, 20)}) + "\n")
PY
cat > "$runs/sft.json" <<JSON
{"Pipelines":{"sft":{"Stages":[{"Name":"sft","Kind":"sft","Device":"cuda","DType":"float32","Data":"$runs/traces.jsonl","Template":"{prompt}",
  "NewModel":{"hidden_size":256,"intermediate_size":1024,"num_hidden_layers":4,"num_attention_heads":4,"num_key_value_heads":2,"tie_word_embeddings":true,"max_position_embeddings":512},
  "Tokenizer":"$root/.gpu/qwen3","MaxSteps":20,"BatchSize":32,"Training":{"LearningRate":3e-4,"MicroBatchSize":8}}]}}}
JSON

# Per-GPU peak memory of one command (nvidia-smi every 100 ms), one JSON line.
peak() {
  local label=$1; shift
  local log; log=$(mktemp)
  nvidia-smi --query-gpu=index,memory.used --format=csv,noheader,nounits -lms 100 > "$log" &
  local smi=$!
  local start=$(date +%s.%N)
  "$@"; local code=$?
  kill $smi; wait $smi 2>/dev/null
  python3 - "$log" "$label" "$code" "$start" <<'PY' | tee -a "$results"
import json, sys, time
peaks = {}
for line in open(sys.argv[1]):
    parts = [p.strip() for p in line.split(",")]
    if len(parts) == 2 and parts[1].isdigit(): peaks[parts[0]] = max(peaks.get(parts[0], 0), int(parts[1]))
print(json.dumps({"run": sys.argv[2], "exit": int(sys.argv[3]), "wall_s": round(time.time() - float(sys.argv[4]), 1), "peak_mib_by_gpu": peaks}))
PY
}

hashes() { # the replica check's line from a run's log
  python3 - "$1" "$2" <<'PY' | tee -a "$results"
import json, re, sys
text = open(sys.argv[1]).read()
m = re.findall(r"weights sha256 by rank ([0-9a-f ]+): identical on all (\d+) ranks", text)
hs = m[-1][0].split() if m else []
print(json.dumps({"proof": "a", "run": sys.argv[2], "hashes_by_rank": hs, "identical": len(hs) >= 2 and len(set(hs)) == 1}))
PY
}

compare() { # (b): metrics of two runs, step by step
  python3 - "$1/metrics.jsonl" "$2/metrics.jsonl" <<'PY' | tee -a "$results"
import json, sys
def records(p): return [r for r in map(json.loads, open(p)) if "loss" in r]
one, two = records(sys.argv[1]), records(sys.argv[2])
skip = ("time", "stage", "step", "padding_fraction")
worst, key = 0.0, None
for a, b in zip(one, two):
    for k, v in a.items():
        if k.startswith(skip) or k.startswith(("gc/", "memory/")) or not isinstance(v, (int, float)): continue
        rel = abs(v - b[k]) / max(abs(v), 1e-12) if v != b[k] else 0.0
        if rel > worst: worst, key = rel, f"{k}@{a['step']}"
print(json.dumps({"proof": "b", "steps": [len(one), len(two)], "max_rel_diff": worst, "worst": key, "pass": len(one) == len(two) == 20 and worst <= 1e-3,
                  "loss_first_last_1gpu": [one[0]["loss"], one[-1]["loss"]], "loss_first_last_2gpu": [two[0]["loss"], two[-1]["loss"]]}))
PY
}

# (a) and (b): sft on 1 GPU, on 2 through forge's launcher, on 2 through torchrun.
if want a b; then
peak sft-1gpu env CUDA_VISIBLE_DEVICES=0 "$FORGE" run --config "$runs/sft.json" --pipeline sft --output "$runs/sft-1" --seed 0 > "$out/sft-1.log" 2>&1
peak sft-2gpu "$FORGE" run --config "$runs/sft.json" --pipeline sft --output "$runs/sft-2" --seed 0 --nproc-per-node 2 > "$out/sft-2.log" 2>&1
hashes "$out/sft-2.log" sft-2gpu-launcher
compare "$runs/sft-1" "$runs/sft-2"
if command -v torchrun >/dev/null; then
  peak sft-2gpu-torchrun torchrun --no-python --nproc-per-node 2 "$FORGE" run --config "$runs/sft.json" --pipeline sft --output "$runs/sft-t" --seed 0 > "$out/sft-torchrun.log" 2>&1
  hashes "$out/sft-torchrun.log" sft-2gpu-torchrun
fi
fi

# (c): the GRPO step, Qwen2.5-0.5B shape, 32 × 8 × 256 global, bf16 with float32 masters; 1 GPU, then 2.
steps_line() { # median step time of steps 1.. from a run's metrics; $3: the proof it belongs to (c)
  python3 - "$1/metrics.jsonl" "$2" "${3:-c}" <<'PY' | tee -a "$results"
import json, statistics, sys
rs = [r for r in map(json.loads, open(sys.argv[1])) if "time/step_s" in r]
later = [r for r in rs if r["step"] >= 1]
med = lambda k: round(statistics.median(r[k] for r in later), 3) if later else None
print(json.dumps({"proof": sys.argv[3], "run": sys.argv[2], "steps": len(rs), "step_s": [round(r["time/step_s"], 3) for r in rs],
                  "median_step_s": med("time/step_s"), "median_sample_s": med("time/sample_s"), "median_update_s": med("time/update_s"),
                  # libtorch's allocator, the fullest rank's: what the tensors held at most in a step, and what they keep between steps
                  "peak_allocated_mib": max((r["memory/peak_allocated_mib"] for r in rs if "memory/peak_allocated_mib" in r), default=None),
                  "kept_allocated_mib": rs[-1].get("memory/allocated_mib") if rs else None,
                  "reward_mean": [round(r["reward/mean"], 3) for r in rs]}))
PY
}
export PROMPTS=32 GROUP=8 NEW_TOKENS=256 MICRO=16 RL_STEPS=8
if want c; then
peak grpo-1gpu env CUDA_VISIBLE_DEVICES=0 bash "$root/bench/forge-run-gpu.sh" "$runs/grpo-1" > "$out/grpo-1.jsonl" 2> "$out/grpo-1.log"
steps_line "$runs/grpo-1" grpo-1gpu
peak grpo-2gpu bash "$root/bench/forge-run-gpu.sh" "$runs/grpo-2" --nproc-per-node 2 > "$out/grpo-2.jsonl" 2> "$out/grpo-2.log"
steps_line "$runs/grpo-2" grpo-2gpu
hashes "$out/grpo-2.log" grpo-2gpu
python3 - "$results" <<'PY' | tee -a "$results"
import json, sys
c = {r["run"]: r for r in map(json.loads, open(sys.argv[1])) if r.get("proof") == "c"}
one, two = c.get("grpo-1gpu", {}).get("median_step_s"), c.get("grpo-2gpu", {}).get("median_step_s")
print(json.dumps({"proof": "c", "speedup": round(one / two, 3) if one and two else None, "pass": bool(one and two and one / two >= 1.8)}))
PY
fi

# (d): ZeRO-1 on 2 GPUs, the same GRPO run (3 steps) without and with the optimizer state sharded.
if want d; then
export RL_STEPS=3
peak zero-off bash "$root/bench/forge-run-gpu.sh" "$runs/zero-off" --nproc-per-node 2 > /dev/null 2> "$out/zero-off.log"
peak zero-on bash "$root/bench/forge-run-gpu.sh" "$runs/zero-on" --nproc-per-node 2 --set Pipelines:gpu-rl:Stages:0:Training:ShardOptimizer=true > /dev/null 2> "$out/zero-on.log"
hashes "$out/zero-on.log" zero-on
steps_line "$runs/zero-off" zero-off d
steps_line "$runs/zero-on" zero-on d
python3 - "$results" <<'PY' | tee -a "$results"
import json, sys
runs = {r["run"]: r for r in map(json.loads, open(sys.argv[1])) if "peak_mib_by_gpu" in r}
off, on = runs.get("zero-off", {}).get("peak_mib_by_gpu", {}), runs.get("zero-on", {}).get("peak_mib_by_gpu", {})
params = 494_032_768  # Qwen2.5-0.5B shape, tied embeddings
expected = params * (4 + (4 + 8) / 2) / 2**20  # float32 master gradients no longer kept + half of the float32 masters and AdamW moments (2 GPUs)
d = {r["run"]: r for r in map(json.loads, open(sys.argv[1])) if r.get("proof") == "d" and "run" in r}
kept = [d.get(k, {}).get("kept_allocated_mib") for k in ("zero-off", "zero-on")]
peak = [d.get(k, {}).get("peak_allocated_mib") for k in ("zero-off", "zero-on")]
print(json.dumps({"proof": "d", "peak_off_mib": off, "peak_on_mib": on, "saved_mib": {g: off[g] - on.get(g, 0) for g in off},
                  "peak_allocated_saved_mib": round(peak[0] - peak[1]) if None not in peak else None,
                  "kept_allocated_saved_mib": round(kept[0] - kept[1]) if None not in kept else None,
                  "expected_saved_mib": round(expected)}))
PY
fi

# (e): kill rank 1 ten seconds into a 2-GPU run; the job must end at once with a line naming rank 1.
if want e; then
export RL_STEPS=50
timeout 180 bash "$root/bench/forge-run-gpu.sh" "$runs/kill" --nproc-per-node 2 > /dev/null 2> "$out/kill.log" &
job=$!
sleep 25
victim=$(pgrep -f "forge run" | while read -r p; do grep -qz '^RANK=1$' /proc/$p/environ 2>/dev/null && echo $p; done | head -1)
killed_at=$(date +%s.%N)
[[ -n $victim ]] && kill -9 "$victim"
wait $job; code=$?
python3 - "$out/kill.log" "$code" "$killed_at" "${victim:-}" <<'PY' | tee -a "$results"
import json, sys, time
lines = [l for l in open(sys.argv[1]).read().splitlines() if "rank 1" in l]
print(json.dumps({"proof": "e", "victim_pid": sys.argv[4], "exit": int(sys.argv[2]), "ended_after_kill_s": round(time.time() - float(sys.argv[3]), 1), "lines": lines[-3:]}))
PY
fi

# (f): freeze rank 1 (SIGSTOP) 25 s into a 2-GPU run with a 20 s collective timeout; rank 0's watchdog must end the job
# about 20 s later with a line naming rank 1 (the launcher then kills the frozen process).
if want f; then
export RL_STEPS=50
FORGE_Forge__CollectiveTimeout=00:00:20 timeout 240 bash "$root/bench/forge-run-gpu.sh" "$runs/freeze" --nproc-per-node 2 > /dev/null 2> "$out/freeze.log" &
job=$!
sleep 25
victim=$(pgrep -f "forge run" | while read -r p; do grep -qz '^RANK=1$' /proc/$p/environ 2>/dev/null && echo $p; done | head -1)
frozen_at=$(date +%s.%N)
[[ -n $victim ]] && kill -STOP "$victim"
wait $job; code=$?
python3 - "$out/freeze.log" "$code" "$frozen_at" "${victim:-}" <<'PY' | tee -a "$results"
import json, sys, time
lines = [l for l in open(sys.argv[1]).read().splitlines() if "rank 1" in l or "stalled" in l]
print(json.dumps({"proof": "f", "victim_pid": sys.argv[4], "exit": int(sys.argv[2]), "ended_after_freeze_s": round(time.time() - float(sys.argv[3]), 1), "timeout_s": 20, "lines": lines[-3:]}))
PY
fi
echo done
