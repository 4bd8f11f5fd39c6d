#!/usr/bin/env python3
"""Writes a language-model corpus from the glosses and examples of Debian's
WordNet (wordnet-base): one clause per line (glosses split at ';'), lower-
cased, words separated by single spaces, punctuation dropped -- text both
unspin and IRSTLM read the same way. Every tenth line goes to the held-out
file, the rest to the training file; the two share no line position.

Usage: make_lm_corpus.py TRAIN_OUT HELDOUT_OUT [REPEAT]
REPEAT > 1 writes the training text that many times (for throughput runs
only; repeated text is no use for quality figures)."""
import re
import sys

from make_corpus import wordnet_gloss_parts

train_path, test_path = sys.argv[1], sys.argv[2]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
word = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
lines = []
for part in wordnet_gloss_parts():
    tokens = word.findall(part.lower())
    if tokens:
        lines.append(" ".join(tokens))
train = [l for i, l in enumerate(lines) if i % 10 != 0]
test = [l for i, l in enumerate(lines) if i % 10 == 0]
with open(train_path, "w", encoding="utf-8") as f:
    for _ in range(repeat):
        f.write("\n".join(train) + "\n")
with open(test_path, "w", encoding="utf-8") as f:
    f.write("\n".join(test) + "\n")
