"""A two-stage config (SFT from scratch on traces, then GRPO on the `sums` task) with every knob a KEY=VALUE argument.

usage: make_config.py OUT.json data=traces.jsonl [h=64 l=2 sft=200 lr=0.003 rl=500 rllr=1e-4 pps=16 temp=1.0 beta=0.04
       fmt=0|1 scale=Group|Batch|None loss=Grpo|DrGrpo minops=3 maxops=4 maxn=3 eval_prompts=200 only=sft]
"""
import json
import sys

args = dict(a.split("=", 1) for a in sys.argv[2:])


def get(key, default):
    return type(default)(args.get(key, default))


template = "User: {prompt} Assistant:"
hidden = get("h", 64)
model = {"hidden_size": hidden, "intermediate_size": hidden * 2, "num_hidden_layers": get("l", 2), "num_attention_heads": 4,
         "num_key_value_heads": 2, "max_position_embeddings": 128, "tie_word_embeddings": True}
rewards = {"accuracy": 1.0, "format": 0.2} if get("fmt", 0) else {"accuracy": 1.0}
stages = [
    {"Name": "sft", "Kind": "sft", "Data": args["data"], "Template": template, "MaxSteps": get("sft", 200), "BatchSize": 32,
     "NewModel": model, "Training": {"LearningRate": get("lr", 0.003), "MicroBatchSize": 32, "Schedule": "Cosine", "WarmupSteps": 20}},
    {"Name": "rl", "Kind": "rl", "Model": "checkpoints/sft", "Template": template, "PromptSource": "sums", "Optimizer": "grpo",
     "Rewards": rewards, "Steps": get("rl", 500), "PromptsPerStep": get("pps", 16), "CompletionsPerPrompt": 8,
     "Generation": {"MaxNewTokens": 40, "Temperature": get("temp", 1.0)},
     "Training": {"LearningRate": get("rllr", 1e-4), "MicroBatchSize": 128}},
]
config = {
    "PromptSources": {"sums": {"Plugin": "arithmetic", "Options": {"MinOperands": get("minops", 3), "MaxOperands": get("maxops", 4),
                                                                    "MaxNumber": get("maxn", 3)}}},
    "Optimizers": {"grpo": {"Beta": get("beta", 0.0), "ScaleRewards": args.get("scale", "Group"), "LossType": args.get("loss", "Grpo")}},
    "Pipelines": {"mini": {"Eval": {"Tasks": {"sums": "accuracy"}, "Prompts": get("eval_prompts", 200), "K": 4, "MaxNewTokens": 40},
                           "Stages": stages[:1] if args.get("only") == "sft" else stages}},
}
with open(sys.argv[1], "w") as f:
    json.dump(config, f)
