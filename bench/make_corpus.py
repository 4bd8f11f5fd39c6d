#!/usr/bin/env python3
"""Writes English prose for benchmarks: the example sentences and glosses of
Debian's WordNet (wordnet-base), joined into paragraphs, repeated up to the
requested size. Usage: make_corpus.py OUT MEGABYTES"""
import re
import sys


def wordnet_gloss_parts():
    """Yields each ';'-separated part of every gloss of Debian's WordNet
    (definitions and quoted examples), in file order, unstripped."""
    for pos in ("noun", "verb", "adj", "adv"):
        with open(f"/usr/share/wordnet/data.{pos}", encoding="utf-8") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                yield from line.split("|", 1)[1].strip().split(";")


def main():
    out_path, megabytes = sys.argv[1], float(sys.argv[2])
    sentences = []
    for part in wordnet_gloss_parts():
        part = part.strip().strip('"').strip()
        if len(part.split()) >= 6:
            s = part[0].upper() + part[1:]
            if not re.search(r"[.!?]$", s):
                s += "."
            sentences.append(s)
    target = int(megabytes * 1024 * 1024)
    written = 0
    with open(out_path, "w", encoding="utf-8") as out:
        i = 0
        while written < target:
            para = " ".join(sentences[(i + k) % len(sentences)] for k in range(8)) + "\n\n"
            out.write(para)
            written += len(para.encode())
            i += 8


if __name__ == "__main__":
    main()
