#!/usr/bin/env python3
"""How many Han and Kana characters a text takes per English word, on Debian's parallel debian-hints translations
(apt-get install fortunes-debian-hints): the basis of the language-consistency reward's weights (a Han character 2/3
of a word, a Kana character 1/2; see bench/README.md). The same hint in English and in Chinese or Japanese is compared
after dropping the "Debian Hint #n:" prefix, commands, paths and URLs.

Usage: python3 cjk_weights.py [fortunes root, default /usr/share/games/fortunes]
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/games/fortunes"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")


def hints(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for entry in f.read().split("\n%\n"):
            entry = re.sub(r"^[^:：]*[:：]", "", entry.strip(), count=1)
            yield re.sub(r"https?://\S+|\S*[/<>@=_]\S*|'[^']*'", " ", entry)


english = list(hints(os.path.join(ROOT, "debian-hints")))
words = [len(re.findall(r"[A-Za-z]{2,}", e)) for e in english]
print("language  hints  English words  Han  Kana  characters/word  weighted words (Han 2/3, Kana 1/2)")
for language in ["zh_CN", "zh_TW", "ja"]:
    other = list(hints(os.path.join(ROOT, language, "debian-hints")))
    n = min(len(english), len(other))
    w = sum(words[:n])
    han = sum(len(HAN.findall(e)) for e in other[:n])
    kana = sum(len(KANA.findall(e)) for e in other[:n])
    print(f"{language:8}  {n:5}  {w:13}  {han:4}  {kana:4}  {(han + kana) / w:15.2f}  {han * 2 / 3 + kana / 2:8.0f}")
