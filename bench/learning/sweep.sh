#!/usr/bin/env bash
# Runs many learning experiments side by side, one core each, and prints every result (e.g. on the GPU machine's 16
# CPU cores). Each line of PLAN is: NAME COUNT:SEED:OPERANDS:MAX[:DIRECT] KEY=VALUE...  (traces for make_traces.py, then
# make_config.py keys; SEED=n sets the run seed).
# usage: JOBS=14 FORGE=app/forge bench/learning/sweep.sh PLAN
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plan=${1:?plan file}
export OUT=${OUT:-/tmp/forge-learning}; mkdir -p "$OUT"
jobs=${JOBS:-$(nproc)}
while read -r name traces rest; do
  [[ -z $name || $name == \#* ]] && continue
  IFS=: read -r count seed ops max direct <<< "$traces"
  data="$OUT/traces-$count-$seed-${ops//,/_}-$max-${direct:-0}.jsonl"
  [[ -s $data ]] || python3 "$here/make_traces.py" "$count" "$seed" "$ops" "$max" "${direct:-0}" > "$data" || continue
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n; done
  ( seedvar=$(grep -o 'SEED=[0-9]*' <<< "$rest" | cut -d= -f2); args=$(sed 's/SEED=[0-9]*//' <<< "$rest")
    SEED=${seedvar:-0} "$here/run.sh" "$name" data="$data" $args > "$OUT/$name.result" 2>&1 ) &
done < "$plan"
wait
cat "$OUT"/*.result
