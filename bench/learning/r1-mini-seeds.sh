#!/usr/bin/env bash
# Runs the default pipeline (r1-mini) once per seed, two at a time with one intra-op thread each, and prints held-out
# pass@1 per stage, the student's share of its teacher's pass@1 and each run's wall time.
# usage: bench/learning/r1-mini-seeds.sh [SEED...]     (default seeds 0 1 2)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
forge=${FORGE:-$here/../../artifacts/bin/Forge.Host/release/forge}
out=${OUT:-/tmp/forge-r1-mini}; mkdir -p "$out"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
seeds=("${@:-0 1 2}"); [[ $# -eq 0 ]] && seeds=(0 1 2)
for seed in "${seeds[@]}"; do
  while (( $(jobs -rp | wc -l) >= ${JOBS:-2} )); do wait -n; done
  ( rm -rf "$out/seed-$seed"; start=$(date +%s)
    "$forge" run --output "$out/seed-$seed" --seed "$seed" ${RUN_ARGS:-} > "$out/seed-$seed.log" 2>&1 || echo "seed $seed failed: $(tail -1 "$out/seed-$seed.log")"
    echo $(( $(date +%s) - start )) > "$out/seed-$seed.seconds" ) &
done
wait
python3 - "$out" "${seeds[@]}" <<'PY'
import json, sys
out, seeds = sys.argv[1], sys.argv[2:]
print("| seed | cold-start SFT | GRPO | GRPO − SFT | student | student / teacher | wall |")
print("|---|---|---|---|---|---|---|")
for seed in seeds:
    stages = {s["name"]: s for s in json.load(open(f"{out}/seed-{seed}/summary.json"))["stages"]}
    p = {n: s["eval"]["pass_at_1"] for n, s in stages.items() if "eval" in s}
    wall = open(f"{out}/seed-{seed}.seconds").read().strip()
    print(f"| {seed} | {p['cold-start']:.3f} | {p['reasoning-rl']:.3f} | {100 * (p['reasoning-rl'] - p['cold-start']):+.1f} pts | "
          f"{p['student']:.3f} | {100 * p['student'] / max(p['reasoning-rl'], 1e-9):.0f} % | {wall} s |")
PY
