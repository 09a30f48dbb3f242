#!/usr/bin/env bash
# `forge run` of one RL stage on a Qwen2.5-shaped model, the product path the benchmarks' GRPO step stands for: GRPO,
# PROMPTS prompts × GROUP completions × NEW_TOKENS tokens, the real Qwen3 tokenizer, bf16, random weights, the
# `arithmetic` task, accuracy + 0.2 format; MASTER_WEIGHTS=false and CHECKPOINTING=true set the Training keys of the
# same names. ADAPTER=lora trains a LoRA adapter (r ${LORA_RANK:-16}, alpha 2r, q/k/v/o_proj) on a frozen base instead
# of every weight; BASE=1 (implied by ADAPTER) starts from a random base folder written once by transformers
# (/tmp/forge-base-SHAPE) instead of NewModel, so a full and a LoRA run start from the same weights. Prints one JSON
# line per step from metrics.jsonl (step time and its phases).
#   usage (on the GPU machine, from run-gpu.sh): FORGE=… bench/forge-run-gpu.sh OUT_FOLDER [--set KEY=VALUE …]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1; shift
shape=${SHAPE:-qwen2.5-0.5b}
case $shape in
  qwen2.5-0.5b) model='"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2' ;;
  qwen2.5-1.5b) model='"hidden_size":1536,"intermediate_size":8960,"num_hidden_layers":28,"num_attention_heads":12,"num_key_value_heads":2' ;;
  *) echo "unknown SHAPE $shape" >&2; exit 2 ;;
esac
source="\"NewModel\":{$model,\"tie_word_embeddings\":true,\"rope_theta\":1000000.0,\"max_position_embeddings\":32768,\"rms_norm_eps\":1e-6}"
if [[ -n ${ADAPTER:-} || -n ${BASE:-} ]]; then
  base=/tmp/forge-base-$shape
  if [[ ! -f $base/config.json ]]; then
    python3 - "$base" "{$model}" <<'PY' >&2
import json, sys, torch
from transformers import Qwen2Config, Qwen2ForCausalLM
torch.manual_seed(0)
config = Qwen2Config(vocab_size=151936, tie_word_embeddings=True, rope_theta=1000000.0, max_position_embeddings=32768,
                     rms_norm_eps=1e-6, eos_token_id=151645, **json.loads(sys.argv[2]))
with torch.device("cuda"):
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
model.save_pretrained(sys.argv[1])
PY
  fi
  source="\"Model\":\"$base\""
fi
adapter=""
case ${ADAPTER:-} in
  "") ;;
  lora) r=${LORA_RANK:-16}; adapter=",\"Adapter\":{\"Kind\":\"lora\",\"Rank\":$r,\"Alpha\":$((2 * r)),\"Dropout\":0,\"TargetModules\":[\"q_proj\",\"k_proj\",\"v_proj\",\"o_proj\"]}" ;;
  *) echo "unknown ADAPTER $ADAPTER (lora)" >&2; exit 2 ;;
esac
config=$(mktemp --suffix=.json)
cat > "$config" <<JSON
{"Pipelines":{"gpu-rl":{"Stages":[{"Name":"rl","Kind":"rl","Device":"cuda","DType":"bfloat16",
  $source$adapter,
  "Tokenizer":"$root/.gpu/qwen3","Template":"r1","PromptSource":"arithmetic",
  "Optimizer":{"Plugin":"grpo","Beta":0.04,"LossType":"Grpo"},"Rewards":{"accuracy":1.0,"format":0.2},
  "Steps":${RL_STEPS:-10},"PromptsPerStep":${PROMPTS:-16},"CompletionsPerPrompt":${GROUP:-8},
  "Generation":{"MaxNewTokens":${NEW_TOKENS:-256},"Temperature":1.0},
  "Training":{"LearningRate":1e-6,"MicroBatchSize":${MICRO:-16},"MasterWeights":${MASTER_WEIGHTS:-true},"ActivationCheckpointing":${CHECKPOINTING:-false}}}]}}}
JSON
# STOP_EVERY=N: every N-th token id (of the first 150,000) ends a completion, so that lengths vary from row to row
# as a trained model's do (a random model almost never samples its end-of-text token).
if [[ -n ${STOP_EVERY:-} ]]; then
  python3 - "$config" "$STOP_EVERY" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); n = int(sys.argv[2])
c["Pipelines"]["gpu-rl"]["Stages"][0]["Generation"]["StopTokenIds"] = list(range(n, 150000, n))
json.dump(c, open(sys.argv[1], "w"))
PY
fi
"$FORGE" run --config "$config" --pipeline gpu-rl --output "$out" --seed 0 "$@" >&2
python3 - "$out/metrics.jsonl" "$shape" "${ADAPTER:-}" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "time/step_s" not in r: continue
    print(json.dumps({"system": "forge-run", "shape": sys.argv[2], "adapter": sys.argv[3] or "none", "step": r["step"], "step_s": round(r["time/step_s"], 3),
                      **{k.split("/")[1]: round(v, 3) for k, v in r.items() if k.startswith(("time/", "gc/")) and k != "time/step_s"},
                      "length_mean": round(r["completion/length_mean"], 1), "truncated": r["completion/truncated"]}))
PY
