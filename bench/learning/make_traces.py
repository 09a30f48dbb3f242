"""Cold-start traces for learning experiments: `<think>a+b=c c-d=e</think><answer>e</answer>` for sums of small
numbers, drawn only from the train split of Forge's `arithmetic` task (the same FNV-1a hash, 20 % test), so held-out
evaluation never sees a traced problem.

With DIRECT_SHARE, that share of traces answers without working (`<think></think><answer>e</answer>`), as a hurried
annotator would: correct answers, but a pattern a tiny model cannot compute in one token.

usage: make_traces.py COUNT SEED OPERAND_COUNTS MAX_NUMBER [DIRECT_SHARE] > traces.jsonl     e.g. 300 7 3,4 3 0.5
"""
import json
import random
import sys


def is_test(expression, test_percent=20):
    h = 2166136261
    for byte in expression.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h % 100 < test_percent


def main(count, seed, operand_counts, max_number, direct_share=0.0):
    rng, seen, rows, misses = random.Random(seed), set(), [], 0
    while len(rows) < count:
        if misses > 100_000:
            sys.exit(f"make_traces.py: only {len(rows)} distinct train problems of {operand_counts} terms up to {max_number}")
        k = rng.choice(operand_counts)
        terms = [rng.randint(0, max_number) for _ in range(k)]
        ops = [rng.choice("+-") for _ in range(k - 1)]
        expression = str(terms[0]) + "".join(o + str(t) for o, t in zip(ops, terms[1:]))
        if expression in seen or is_test(expression):
            misses += 1
            continue
        misses = 0
        seen.add(expression)
        value, steps = terms[0], []
        for o, t in zip(ops, terms[1:]):
            new = value + t if o == "+" else value - t
            steps.append(f"{value}{o}{t}={new}")
            value = new
        working = "" if rng.random() < direct_share else " ".join(steps)
        rows.append({"prompt": f"What is {expression}?",
                     "completion": f"<think>{working}</think><answer>{value}</answer>", "answer": str(value)})
    sys.stdout.write("".join(json.dumps(r) + "\n" for r in rows))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")], int(sys.argv[4]),
         float(sys.argv[5]) if len(sys.argv) > 5 else 0.0)
