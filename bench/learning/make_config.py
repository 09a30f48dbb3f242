"""An SFT → GRPO config (SFT from scratch on traces, then GRPO on the `sums` task) with every knob a KEY=VALUE
argument; `full=1` adds rejection sampling from the RL model and SFT distillation into a new, smaller student.

usage: make_config.py OUT.json data=traces.jsonl [h=64 l=2 sft=200 lr=0.003 rl=500 rllr=1e-4 pps=16 group=8 temp=1.0
       beta=0.04 fmt=0|1 fmtw=0.2 scale=Group|Batch|None loss=Grpo|DrGrpo dyn=0|1 minops=3 maxops=4 maxn=3 maxtok=40
       eval_prompts=200 only=sft full=0|1 rs_prompts=512 rs_k=4 rs_max=2 sh=48 sl=2 s_epochs=3 s_steps=0 s_lr=0.003]
"""
import json
import sys

args = dict(a.split("=", 1) for a in sys.argv[2:])


def get(key, default):
    return type(default)(args.get(key, default))


def model(hidden, layers):
    return {"hidden_size": hidden, "intermediate_size": hidden * 2, "num_hidden_layers": layers, "num_attention_heads": 4,
            "num_key_value_heads": 2, "max_position_embeddings": 128, "tie_word_embeddings": True}


template = "User: {prompt} Assistant:"
rewards = {"accuracy": 1.0, "format": get("fmtw", 0.2)} if get("fmt", 0) else {"accuracy": 1.0}
tokens = get("maxtok", 40)
stages = [
    {"Name": "sft", "Kind": "sft", "Data": args["data"], "Template": template, "MaxSteps": get("sft", 200), "BatchSize": 32,
     "NewModel": model(get("h", 64), get("l", 2)),
     "Training": {"LearningRate": get("lr", 0.003), "MicroBatchSize": 32, "Schedule": "Cosine", "WarmupSteps": 20}},
    {"Name": "rl", "Kind": "rl", "Model": "checkpoints/sft", "Template": template, "PromptSource": "sums", "Optimizer": "grpo",
     "Rewards": rewards, "Steps": get("rl", 500), "PromptsPerStep": get("pps", 16), "CompletionsPerPrompt": get("group", 8),
     "DynamicSampling": bool(get("dyn", 0)),
     "Generation": {"MaxNewTokens": tokens, "Temperature": get("temp", 1.0)},
     "Training": {"LearningRate": get("rllr", 1e-4), "MicroBatchSize": 128}},
]
if get("full", 0):
    stages += [
        {"Name": "rejection", "Kind": "rejection-sampling", "Teacher": "checkpoints/rl", "Template": template, "PromptSource": "sums",
         "Split": "train", "Prompts": get("rs_prompts", 512), "SamplesPerPrompt": get("rs_k", 4), "MaxPerPrompt": get("rs_max", 2),
         "Generation": {"MaxNewTokens": tokens, "Temperature": 0.8},
         "Rewards": {"accuracy": 1.0, "format": 1.0}, "Thresholds": {"accuracy": 1.0, "format": 1.0}},
        {"Name": "student", "Kind": "distill", "Teacher": "checkpoints/rl", "Distiller": "sft", "Data": "data/rejection.jsonl",
         "Template": template, "Epochs": get("s_epochs", 3), "BatchSize": 32, "NewModel": model(get("sh", 48), get("sl", 2)),
         "Training": {"LearningRate": get("s_lr", 0.003), "MicroBatchSize": 32, "Schedule": "Cosine", "WarmupSteps": 20}},
    ]
if get("s_steps", 0) and len(stages) > 3:
    stages[3]["MaxSteps"] = get("s_steps", 0)
config = {
    "PromptSources": {"sums": {"Plugin": "arithmetic", "Options": {"MinOperands": get("minops", 3), "MaxOperands": get("maxops", 4),
                                                                    "MaxNumber": get("maxn", 3), "AllowMultiplication": False}}},
    "Optimizers": {"grpo": {"Beta": get("beta", 0.0), "ScaleRewards": args.get("scale", "Group"), "LossType": args.get("loss", "Grpo")}},
    "Pipelines": {"mini": {"Eval": {"Tasks": {"sums": "accuracy"}, "Prompts": get("eval_prompts", 200), "K": 4, "MaxNewTokens": tokens},
                           "Stages": stages[:1] if args.get("only") == "sft" else stages}},
}
with open(sys.argv[1], "w") as f:
    json.dump(config, f)
