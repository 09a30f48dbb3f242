#!/usr/bin/env bash
# Runs one learning experiment and prints held-out pass@1/cons@4 per stage and the RL accuracy curve.
# usage: bench/learning/run.sh NAME KEY=VALUE...   (keys: make_config.py; FORGE=path/to/forge, OUT=folder, SEED=n)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=$1; shift
out=${OUT:-/tmp/forge-learning}; mkdir -p "$out"
forge=${FORGE:-$here/../../artifacts/bin/Forge.Host/release/forge}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # one thread per run: runs side by side do not fight over the cores
python3 "$here/make_config.py" "$out/$name.json" "$@"
rm -rf "$out/$name"
start=$(date +%s)
"$forge" run --config "$out/$name.json" --pipeline mini --output "$out/$name" --seed "${SEED:-0}" > "$out/$name.log" 2>&1 ||
  echo "  forge exited $?: $(tail -1 "$out/$name.log")"
echo "$name $* ($(( $(date +%s) - start )) s)"
python3 - "$out/$name" <<'PY'
import glob, json, os, statistics, sys
run = sys.argv[1]
for path in sorted(glob.glob(f"{run}/eval/*.json"), key=os.path.getmtime):
    e = json.load(open(path))["overall"]
    print(f"  {os.path.basename(path)[:-5]:9} pass@1 {e['pass_at_1']:.3f}  cons@4 {e['cons_at_k']:.3f}  length {e['mean_length']:.1f}")
for stage in json.load(open(f"{run}/summary.json"))["stages"] if os.path.exists(f"{run}/summary.json") else []:
    print(f"  {stage['name']:9} {stage['wall_seconds']:7.1f} s")
rows = [json.loads(l) for l in open(f"{run}/metrics.jsonl")]
rows = [r for r in rows if r["stage"] == "rl" and "reward/mean" in r]
if rows:
    w = max(1, len(rows) // 10)
    print("  rl train accuracy per tenth:", [round(statistics.mean(r["reward/accuracy/mean"] for r in rows[i:i + w]), 3) for i in range(0, len(rows), w)])
    print("  rl completion length:       ", [round(rows[i]["completion/length_mean"], 1) for i in range(0, len(rows), w)])
PY
