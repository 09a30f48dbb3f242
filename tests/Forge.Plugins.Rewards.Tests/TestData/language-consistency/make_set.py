#!/usr/bin/env python3
"""Builds set.jsonl: labelled chains of thought for the language-consistency reward.

Sources (Debian bookworm, free-software data; README.md beside this script lists files and licences):
  apt-get install fortunes-min fortunes-de fortunes-es fortunes-it fortunes-br fortunes-pl fortunes-cs \
                  fortunes-ru fortunes-zh fortunes-debian-hints
Real sentences come from those fortune files; the maths working ("3 + 4 = 7", LaTeX) and the short English reasoning
clauses are generated here. Deterministic: random.Random(SEED), files read in sorted order.

Each line: {"id", "kind", "written", "target", "share", "completion"}
  kind "target":  written in the target language            -> the reward should give >= 0.9
  kind "foreign": written in another language               -> <= 0.3
  kind "mixed":   target-language and foreign sentences     -> within a tolerance of "share"
  share: target-language words / all words, counted by count_words() below (maths tokens are not words).

Usage: python3 make_set.py [fortunes root, default /usr/share/games/fortunes] > set.jsonl
"""
import glob
import json
import os
import random
import re
import sys

SEED = 15
ROOT = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/games/fortunes"

# Fortune files per language (under ROOT): proverbs, quotations and computing humour; offensive sections, ASCII art
# and files of dirty jokes are left out.
SOURCES = {
    "en": ["fortunes", "literature", "riddles"],
    "de": ["de/sprichworte", "de/zitate", "de/mathematiker", "de/wusstensie", "de/murphy", "de/letzteworte",
           "de/computer", "de/kinderzitate"],
    "fr": ["fr/debian-hints"],
    "es": ["es/proverbios.fortunes", "es/refranes.fortunes", "es/sabiduria.fortunes", "es/filosofia.fortunes",
           "es/ciencia.fortunes", "es/amistad.fortunes", "es/vida.fortunes", "es/verdad.fortunes", "es/arte.fortunes"],
    "it": ["it/adams", "it/computer", "it/definizioni", "it/formiche", "it/italia", "it/leggi", "it/zuse"],
    "pt": ["brasil", "pt/debian-hints"],
    "pl": ["pl/pratchett", "pl/sapkowski", "pl/seneka", "pl/puchatek", "pl/zen", "pl/nauka", "pl/milosc"],
    "cs": ["cs/citat", "cs/citace", "cs/prislovi", "cs/chesterton", "cs/jerome", "cs/pratchett", "cs/murphy",
           "cs/wodehouse", "cs/parkinson"],
    "sv": ["sv/debian-hints"],
    "tr": ["tr/debian-hints"],
    "ru": ["ru/friendship", "ru/knowledge", "ru/life", "ru/time", "ru/truth", "ru/work", "ru/education",
           "ru/success", "ru/happy", "ru/murphy", "ru/programming", "ru/computer"],
    "zh": ["chinese", "zh_CN/debian-hints"],
    "ja": ["ja/debian-hints"],
}

# A sentence is kept only if it has one of its language's common words and, outside English, none of English's.
STOPWORDS = {
    "en": "the and you that with this have what from are of is it to in be not for your",
    "de": "der die das und ist nicht ich ein eine zu mit sich auf den dem",
    "fr": "le la les des est une que qui pour dans pas vous avec sur du",
    "es": "el la los las que es una por para con del se no lo",
    "it": "il la che di non una per con sono del gli le un",
    "pt": "os as que não uma para com do da em um se",
    "pl": "nie się jest na że jak co do ale za",
    "cs": "je se na že není jsem jak ale když jen",
    "sv": "och att det som är en på för med kan du",
    "tr": "bir ve bu için ile olarak çok daha gibi",
    "ru": "и в не на что я с он как это",
}
ENGLISH_ONLY = set("the and you that with this have what from are of your they there which".split())
CJK = {"zh", "ja"}

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
VARIABLE = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff]$")  # a single Latin or Greek letter is a variable
WORD = re.compile(r"(?<![\w\\])[^\W\d_]+(?:['’-][^\W\d_]+)*(?!\w)")


def count_words(text):
    """Words as the labels count them: letter runs that do not touch a digit or follow a backslash (LaTeX), except
    single Latin or Greek letters (variables); every Han character 2/3 of a word and every Kana character 1/2
    (see bench/README.md)."""
    han = len(HAN.findall(text))
    kana = len(KANA.findall(text))
    rest = HAN.sub(" ", KANA.sub(" ", text))
    words = sum(1 for w in WORD.findall(rest) if len(w) >= 2 or not VARIABLE.match(w))
    return words + han * 2 / 3 + kana / 2


def entries(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    for entry in re.split(r"\n%\n", text):
        lines = [l for l in entry.splitlines() if not re.match(r"\s*(--|—)", l)]  # drop attributions
        yield " ".join(l.strip() for l in lines)


def sentences(language):
    files = sorted({p for g in SOURCES[language] for p in glob.glob(os.path.join(ROOT, g))
                    if os.path.isfile(p) and not p.endswith((".dat", ".u8"))})
    found = []
    for path in files:
        for entry in entries(path):
            if path.endswith("debian-hints"):  # "Debian Hint #3: you can use 'apt-cache search <words>' to ..."
                entry = re.sub(r"^[^:：]*[:：]\s*", "", entry)
                entry = re.sub(r"(?<!\w)'[^']*'(?!\w)|«[^»]*»|\"[^\"]*\"|「[^」]*」|https?://\S+|\S*[/<>@_]\S*", "", entry)
                entry = entry[:1].upper() + entry[1:]
            parts = re.split(r"(?<=[。！？])" if language in CJK else r"(?<=[.!?])\s+", entry)
            for s in parts:
                s = re.sub(r"\s+", " ", s).strip()
                if keep(s, language):
                    found.append(s)
    return sorted(set(found))


def keep(s, language):
    if re.search(r"[0-9/<>@=_|#*\[\]{}\\~^$%&]|http|www\.|\.\w+\.", s):
        return False
    if language in CJK:
        cjk = len(HAN.findall(s)) + len(KANA.findall(s))
        if language == "ja" and not KANA.search(s):
            return False
        return 10 <= cjk <= 60 and cjk >= 0.8 * len(re.sub(r"[\s\W]", "", s)) and s[-1] in "。！？"
    words = [w.lower() for w in WORD.findall(s)]
    if not 5 <= len(words) <= 30 or s[-1] not in ".!?" or not s[0].isupper():
        return False
    if '"' in s or "'" in s[:1]:
        return False
    stop = set(STOPWORDS[language].split())
    if language == "en":
        return sum(w in stop for w in words) >= 2
    return any(w in stop for w in words) and not any(w in ENGLISH_ONLY for w in words)


# ---- maths working (language neutral) and short English reasoning ------------------------------------------------

def maths(rng):
    a, b, c = rng.randint(2, 19), rng.randint(2, 12), rng.randint(2, 9)
    v = rng.choice("xyznk")
    return rng.choice([
        f"{a} + {b} = {a + b}",
        f"{a} \\times {b} = {a * b}",
        f"\\frac{{{a * b}}}{{{b}}} = {a}",
        f"{v} = {a + b} - {b} = {a}",
        f"2{v} + {a} = {2 * b + a} \\Rightarrow {v} = {b}",
        f"$({a} + {b}) \\cdot {c} = {(a + b) * c}$",
        f"{a * b} / {b} = {a}",
        f"{a}^2 = {a * a}",
        f"\\sqrt{{{a * a}}} = {a}",
        f"{v}_1 + {v}_2 = {a} + {b} = {a + b}",
    ])


ENGLISH_CLAUSES = [
    "Let me compute.", "So {v} plus {w} is {u}.", "Check: {a} plus {b} is {s}.", "First, add {a} and {b}.",
    "That gives {s}.", "Now multiply by {b}.", "We get {p}.", "Let {v} be the number of apples.",
    "Then {v} + {a} = {s}, so {v} = {b}.", "Wait, let me recheck that.", "Hmm, that doesn't look right.",
    "Okay, so the total is {s}.", "The answer should be {s}.", "Subtract {a} from both sides.",
    "Divide both sides by {b}.", "So {v} = {a}.", "Plug it back in: {a} + {b} = {s}.", "Yes, that matches.",
    "Each box holds {a} pens, and there are {b} boxes.", "So there are {a} \\times {b} = {p} pens.",
    "Since {v} is even, {v} = 2k for some integer k.", "Now I need the difference.",
    "Let me try a smaller case first.", "If {v} = 1, then {w} = {a}.", "Both sides equal {s}, so it checks out.",
    "The area is {a} times {b}, which is {p}.", "We want the smallest such {v}.", "Next, simplify the fraction.",
    "That means {v} must be {a}.", "Good.", "Right, {a} squared is {q}.", "Therefore the sum is {s}.",
    "I think I made an error.", "Let me redo the last step.", "So {v} = {s} - {b} = {a}.", "Adding these up gives {s}.",
    "Note that {v} cannot be zero.", "The perimeter is 2({a} + {b}) = {r}.", "So the final answer is {s}.",
    "Compute {a} \\cdot {b} = {p}.", "Substitute {v} = {a} into the second equation.", "Now solve for {w}.",
    "It follows that {w} = {b}.", "Add the two equations.", "Hmm, wait.", "Actually, no.", "Let me think again.",
    "This is consistent with the problem.", "So {v} is {a} and {w} is {b}.", "The ratio of {v} to {w} is {a} to {b}.",
    "Tom has {a} apples and buys {b} more.", "How many does he have now?", "{a} plus {b} makes {s}.",
    "Is {s} the right total?", "Let me double-check by counting again.", "Yes, {s} is correct.",
    "Then {u} = {v} + {w}.", "Let {v} = {a} and {w} = {b}.", "So {v}{w} = {p}.", "Square both sides.",
    "The equation becomes {v}^2 = {q}.", "Take the positive root, so {v} = {a}.", "Check: {a} times {b} is {p}.",
]


def english(rng, n):
    a, b = rng.randint(2, 19), rng.randint(2, 12)
    v, w, u = rng.sample("abcxyzmn", 3)
    values = dict(a=a, b=b, s=a + b, p=a * b, q=a * a, r=2 * (a + b), v=v, w=w, u=u)
    return [rng.choice(ENGLISH_CLAUSES).format(**values) for _ in range(n)]


def think(parts, answer):
    return f"<think>\n{' '.join(parts)}\n</think>\n<answer>{answer}</answer>"


def with_maths(rng, text_parts, k):
    parts = list(text_parts)
    for _ in range(k):
        parts.insert(rng.randint(0, len(parts)), maths(rng) + ".")
    return parts


def main():
    rng = random.Random(SEED)
    pool = {lang: sentences(lang) for lang in SOURCES}
    for lang, found in pool.items():
        print(f"{lang}: {len(found)} sentences", file=sys.stderr)
        rng.shuffle(found)
    take = {lang: iter(found) for lang, found in pool.items()}
    rows = []

    def add(kind, written, target, share, parts):
        rows.append(dict(id=f"{kind}-{written}-{target}-{len(rows):03d}", kind=kind, written=written, target=target,
                         share=round(share, 3), completion=think(parts, rng.randint(2, 99))))

    # Foreign chains of thought for an English target: 2-3 real sentences with maths working.
    for lang in ["de", "fr", "es", "it", "pt", "pl", "cs", "sv", "tr", "ru", "zh", "ja"]:
        for _ in range(12):
            add("foreign", lang, "en", 0.0, with_maths(rng, [next(take[lang]) for _ in range(rng.randint(2, 3))], rng.randint(1, 3)))
    # English: short maths reasoning (60), and real English sentences with maths (30).
    for _ in range(60):
        add("target", "en", "en", 1.0, english(rng, rng.randint(3, 8)))
    for _ in range(30):
        add("target", "en", "en", 1.0, with_maths(rng, [next(take["en"]) for _ in range(rng.randint(2, 3))], rng.randint(1, 2)))
    # Chinese target: Chinese sentences with maths score high; English and Japanese low.
    for _ in range(15):
        add("target", "zh", "zh", 1.0, with_maths(rng, [next(take["zh"]) for _ in range(rng.randint(2, 3))], rng.randint(1, 2)))
    for _ in range(8):
        add("foreign", "en", "zh", 0.0, english(rng, rng.randint(3, 6)))
    for _ in range(4):
        add("foreign", "ja", "zh", 0.0, with_maths(rng, [next(take["ja"])], 1))
    # Mixed: English reasoning and foreign sentences, as two blocks or alternating sentence by sentence.
    for i, lang in enumerate(["de", "fr", "es", "it", "pt", "pl", "cs", "ru", "zh"] * 7):
        en_parts = english(rng, rng.randint(2, 5)) if i % 2 else [next(take["en"]) for _ in range(rng.randint(1, 3))]
        other = [next(take[lang]) for _ in range(rng.randint(1, 2))]
        en_words = sum(count_words(p) for p in en_parts)
        other_words = sum(count_words(p) for p in other)
        if i % 3 == 0:
            parts = [p for pair in zip(en_parts, other) for p in pair] + en_parts[len(other):] + other[len(en_parts):]
        else:
            parts = en_parts + other if i % 3 == 1 else other + en_parts
        add("mixed", f"en+{lang}", "en", en_words / (en_words + other_words), with_maths(rng, parts, 1))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    print(f"{len(rows)} chains of thought", file=sys.stderr)


if __name__ == "__main__":
    main()
