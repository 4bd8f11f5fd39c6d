#!/usr/bin/env bash
# Whole-process tests of the CLI's handling of bad input and its exit codes
# (README.md, "Exit codes"). Usage: cli_test.sh path/to/unspin tests_dir
set -uo pipefail
UNSPIN=$1
TESTS=$2
MODEL=$(dirname "$UNSPIN")/model
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HUGE_MB=${UNSPIN_HUGE_MB:-200}
source "$TESTS/expect.sh"

S="$UNSPIN spin --model $MODEL"

printf 'The women said so.\n' >"$WORK/good.txt"
expect "plain text spins" 0 "" -- $S --rate 1 "$WORK/good.txt"
check "output differs from input at rate 1" test "$(cat "$WORK/out")" != "The women said so."

printf 'abc \xff def\n' >"$WORK/bad.txt"
expect "invalid UTF-8 names the byte offset" 3 "invalid UTF-8 at byte offset 4" -- $S "$WORK/bad.txt"
expect "--replace-invalid repairs" 0 "" -- $S --replace-invalid "$WORK/bad.txt"

printf 'text\0with nul' >"$WORK/bin.dat"
expect "binary input is refused" 3 "NUL byte at byte offset 4" -- $S "$WORK/bin.dat"

: >"$WORK/empty.txt"
expect "empty input is refused" 3 "input is empty" -- $S "$WORK/empty.txt"
expect "missing input file" 3 "no such file" -- $S "$WORK/nope.txt"
expect "directory as input" 2 "is a directory" -- $S "$WORK"
expect "bad rate is a usage error" 2 "rate" -- $S --rate 2 "$WORK/good.txt"
expect "unknown profile is a usage error" 2 "unknown profile" -- $S --profile bogus "$WORK/good.txt"
expect "unknown flag is a usage error" 2 "" -- $S --bogus "$WORK/good.txt"

# Model files: missing, truncated, corrupt, foreign, other version.
expect "missing model says how to build it" 4 "unspin model build" -- $UNSPIN spin --model "$WORK/nomodel" "$WORK/good.txt"
expect "model info on a missing model" 4 "unspin model build" -- $UNSPIN model info "$WORK/nomodel"
expect "model lookup on a missing model" 4 "unspin model build" -- $UNSPIN model lookup word --model "$WORK/nomodel"
mkdir -p "$WORK/m"
head -c 1000 "$MODEL/lexicon.bin" >"$WORK/m/lexicon.bin"
expect "truncated model" 4 "truncated" -- $UNSPIN spin --model "$WORK/m" "$WORK/good.txt"
cp "$MODEL/lexicon.bin" "$WORK/m/lexicon.bin"
printf '\x55' | dd of="$WORK/m/lexicon.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect "corrupt model" 4 "checksum" -- $UNSPIN spin --model "$WORK/m" "$WORK/good.txt"
cp "$MODEL/lexicon.bin" "$WORK/m/lexicon.bin"
printf '\x63' | dd of="$WORK/m/lexicon.bin" bs=1 seek=8 conv=notrunc 2>/dev/null
expect "model of another version" 4 "format version 99" -- $UNSPIN spin --model "$WORK/m" "$WORK/good.txt"
echo "not a model" >"$WORK/m/lexicon.bin"
expect "foreign file as model" 4 "not an unspin lexicon file" -- $UNSPIN spin --model "$WORK/m" "$WORK/good.txt"
expect "model info on a foreign file" 4 "not an unspin lexicon file" -- $UNSPIN model info "$WORK/m"
expect "model build names the missing package" 4 "mythes-en-us" -- \
  $UNSPIN model build --out "$WORK/m2" --mythes /nonexistent/th.dat

# JSONL: every input line gets exactly one output line, in order.
{
  echo '{"id": 1, "text": "The women said so."}'
  echo 'this is not json'
  echo '{"id": 3}'
  printf '{"id": 4, "text": "bad \xff utf8"}\n'
  echo ''
  echo '{"id": 6, "text": "Children took part."}'
} >"$WORK/in.jsonl"
expect "jsonl with bad records exits 5" 5 "3 record(s)" -- $S --jsonl "$WORK/in.jsonl"
sed -i 's/"id": 3}/"id": 3, "text": 5}/' "$WORK/in.jsonl"
expect "jsonl with bad records exits 5 again" 5 "" -- $S --jsonl --rate 1 "$WORK/in.jsonl"
check "one output line per record" test "$(wc -l <"$WORK/out")" -eq 5
check "records stay in order with ids" test "$(python3 -c 'import json,sys; print(",".join(str(json.loads(l)["id"]) for l in open(sys.argv[1])))' "$WORK/out")" = "1,None,3,4,6"
check "error records name the line" grep -q '"line":2' "$WORK/out"
check "good records carry swaps" python3 -c '
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
r=rows[0]
assert r["original"]=="The women said so." and r["swaps"], r
for s in r["swaps"]:
    assert r["original"][s["original_start"]:s["original_end"]]==s["original"]
    assert r["text"][s["spun_start"]:s["spun_end"]]==s["spun"]
' "$WORK/out"

# -o writes atomically: a failed run leaves no output file behind.
expect "failed run leaves no output file" 3 "" -- $S -o "$WORK/o.txt" "$WORK/bad.txt"
check "no partial output file" test ! -e "$WORK/o.txt" -a ! -e "$WORK/o.txt.partial"
expect "successful run writes the output file" 0 "" -- $S -o "$WORK/o.txt" "$WORK/good.txt"
check "output file exists" test -s "$WORK/o.txt"

# Huge input: a single line of HUGE_MB megabytes is streamed in bounded memory.
python3 -c "
import sys
chunk = ('the women said that at least the children would release it ' * 20).encode()
n = $HUGE_MB * 1024 * 1024
out = sys.stdout.buffer
while n > 0:
    out.write(chunk[:n]); n -= len(chunk)
" >"$WORK/huge.txt"
expect "a ${HUGE_MB} MB single line is spun" 0 "" -- /usr/bin/time -f "%M" -o "$WORK/rss" $S "$WORK/huge.txt"
check "output is as long as the input, give or take the swaps" test "$(stat -c %s "$WORK/out")" -gt $((HUGE_MB * 1024 * 1024 / 2))
rss_kb=$(tail -1 "$WORK/rss")
echo "     peak RSS for ${HUGE_MB} MB line: $((rss_kb / 1024)) MB"
if [ -z "${UNSPIN_SKIP_RSS:-}" ]; then
  check "memory stays bounded (< 400 MB)" test "$rss_kb" -lt 409600
fi
printf '{"id": "big", "text": "%s"}\n{"id": "after", "text": "fine"}\n' "$(head -c 2000000 /dev/zero | tr '\0' 'a')" >"$WORK/big.jsonl"
expect "an over-limit JSONL record is an error record" 5 "" -- $S --jsonl --max-record-bytes 1000000 "$WORK/big.jsonl"
check "the record after it is still processed" grep -q '"id":"after"' "$WORK/out"

# unspin lm: training, conversion, querying and their bad input.
L="$UNSPIN lm"
printf 'the cat sat on the mat\nthe dog sat on the log\n\nA cat, a dog.\n' >"$WORK/corpus.txt"
expect "lm train on a small corpus" 0 "trained order 3 on 3 sentences" -- \
  $L train "$WORK/corpus.txt" -o "$WORK/small.lm" --order 3 --arpa "$WORK/small.arpa"
expect "lm query scores each word" 0 "" -- sh -c "echo 'The cat sat.' | $L query --lm '$WORK/small.lm'"
check "query lowercases as the model was trained" grep -q '^the=[0-9]* 2 .*cat=[0-9]* 3 .*sat=.*Total: .* OOV: 0' "$WORK/out"
expect "lm perplexity" 0 "" -- $L perplexity --lm "$WORK/small.lm" --json "$WORK/corpus.txt"
check "perplexity counts sentences and words" grep -q '"oovs":0,.*"sentences":3,"words":16' "$WORK/out"
expect "lm import of the written ARPA" 0 "wrote" -- $L import "$WORK/small.arpa" -o "$WORK/again.lm" --tokens words
expect "lm export round-trips the ARPA" 0 "" -- $L export "$WORK/small.arpa" -o "$WORK/again.arpa"
check "exported ARPA is byte-identical" cmp -s "$WORK/small.arpa" "$WORK/again.arpa"
expect "lm train: empty corpus" 3 "no sentences" -- $L train "$WORK/empty.txt" -o "$WORK/x.lm"
expect "lm train: invalid UTF-8 names file and line" 3 "bad.txt:1: invalid UTF-8 at column 5" -- \
  $L train "$WORK/bad.txt" -o "$WORK/x.lm"
expect "lm train: binary input" 3 "NUL byte" -- $L train "$WORK/bin.dat" -o "$WORK/x.lm"
expect "lm train: bad order" 2 "outside 2..6" -- $L train "$WORK/corpus.txt" -o "$WORK/x.lm" --order 9
expect "lm train: bad pruning" 2 "not a count" -- $L train "$WORK/corpus.txt" -o "$WORK/x.lm" --prune 0,x
expect "lm train: missing corpus" 1 "no such file" -- $L train "$WORK/nope.txt" -o "$WORK/x.lm"
check "failed training leaves no model" test ! -e "$WORK/x.lm"
expect "lm export refuses a compiled model" 2 "compiled unspin model" -- $L export "$WORK/small.lm" -o -
expect "lm import: not an ARPA file" 4 "not an ARPA language model" -- $L import "$WORK/good.txt" -o "$WORK/x.lm"
head -c 1000 "$WORK/small.lm" >"$WORK/trunc.lm"
expect "lm query: truncated model" 4 "truncated" -- $L query --lm "$WORK/trunc.lm" "$WORK/good.txt"
expect "lm query: missing model" 4 "no such file" -- $L query --lm "$WORK/nope.lm" "$WORK/good.txt"
expect "lm query: default model" 0 "" -- sh -c "echo 'according to the associated press' | UNSPIN_MODEL='$MODEL' $L query"

# unspin detect / restore: the decoder's faces and their bad input.
D="$UNSPIN detect --model $MODEL"
R="$UNSPIN restore --model $MODEL"
SPUN='The most recent spherical of talks left principally ladies and youngsters without meals to outlive.'
printf '%s\n' "$SPUN" >"$WORK/spun.txt"
expect "restore prints the restored text" 0 "" -- $R "$WORK/spun.txt"
check "restore brings back originals" grep -q "round of talks.*women and children.*to survive" "$WORK/out"
expect "restore of clean text" 0 "" -- $R "$TESTS/../examples/news.txt"
check "clean text comes back byte for byte" cmp -s "$WORK/out" "$TESTS/../examples/news.txt"
expect "detect marks spans (plain markers off a terminal)" 0 "" -- $D "$WORK/spun.txt"
check "markers and the score line" grep -q '\[\[spherical -> round\]\].*' "$WORK/out"
check "score line says spun" grep -q '^P(spun) = .*: spun; ' "$WORK/out"
expect "detect --color always" 0 "" -- $D --color always "$WORK/spun.txt"
check "colour codes on request" grep -q $'\x1b\\[1;31m' "$WORK/out"
expect "detect --json" 0 "" -- $D --json "$WORK/spun.txt"
check "JSON has score, spans with byte offsets, restored" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); text = open(sys.argv[2], "rb").read()
assert 0 <= d["score"] <= 1 and d["spun"] is True and d["spans"], d
for s in d["spans"]:
    assert text[s["start"]:s["end"]].decode() == s["text"], s
    assert 0 < s["confidence"] <= 1
assert "round of talks" in d["restored"]
' "$WORK/out" "$WORK/spun.txt"
printf 'Such papers write "counterfeit consciousness" for artificial intelligence, or irregular woodland for random forest and bosom peril for breast cancer.\n' >"$WORK/tortured.txt"
expect "detect: listed tortured phrases and a quoted mention" 0 "" -- $D --color never "$WORK/tortured.txt"
check "a quoted mention is marked quoted" grep -q '"\[\[counterfeit consciousness -> artificial intelligence, quoted\]\]"' "$WORK/out"
check "listed phrases counted on the score line" grep -q '; 2 listed tortured phrase(s), ' "$WORK/out"
expect "detect --json: listed phrases" 0 "" -- $D --json "$WORK/tortured.txt"
check "JSON counts listed phrases and marks the quoted span" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["listed_phrases"]["count"] == 2, d
assert [s["text"] for s in d["spans"] if s.get("quoted")] == ["counterfeit consciousness"], d
assert all("listed" in s["learned"] for s in d["spans"] if s["text"] in ("irregular woodland", "bosom peril")), d
' "$WORK/out"
printf '{"id":"a","text":"%s"}\n{"id":"b","text":"The women said so."}\nnot json\n{"id":"d","text":"x\\u0000y"}\n{"id":5,"text":""}\n' "$SPUN" >"$WORK/dec.jsonl"
expect "detect --jsonl with a bad record" 5 "could not be processed" -- $D --jsonl "$WORK/dec.jsonl"
check "one detect record per input line, in order" test "$(python3 -c 'import json,sys; print(",".join(str(json.loads(l).get("id")) for l in open(sys.argv[1])))' "$WORK/out")" = "a,b,None,d,5"
check "detect records carry score and spans" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert r[0]["spun"] and r[0]["spans"] and "round" in r[0]["restored"], r[0]
assert r[1]["spans"] == [] and r[1]["restored"] == "The women said so.", r[1]
assert "error" in r[2] and r[2]["line"] == 3, r[2]
assert r[4]["words"] == 0 and r[4]["restored"] == "", r[4]
' "$WORK/out"
expect "restore --jsonl" 5 "" -- $R --jsonl "$WORK/dec.jsonl"
check "restore records carry the restored text" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert "round of talks" in r[0]["text"] and r[1]["text"] == "The women said so.", r
' "$WORK/out"
SC="$UNSPIN screen --model $MODEL"
expect "screen --jsonl with a bad record" 5 "could not be processed" -- $SC --jsonl "$WORK/dec.jsonl"
check "screen: one record per line; the spun one decoded, the clean one cleared with its score" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert [x.get("id") for x in r] == ["a", "b", None, "d", 5], r
assert r[0]["screened"] == "passed" and r[0]["spun"] and "round" in r[0]["restored"], r[0]
assert r[1]["screened"] == "clear" and r[1]["spun"] is False and r[1]["words"] == 4, r[1]
assert isinstance(r[1]["screen_score"], float) and "restored" not in r[1], r[1]
assert "screened_words" not in r[1], r[1]  # read whole
assert "error" in r[2] and r[2]["line"] == 3, r[2]
' "$WORK/out"
python3 -c '
import json, sys
text = open(sys.argv[1]).read()
print(json.dumps({"id": "long", "text": "\n\n".join([text] * (40000 // len(text) + 1))}))
' "$TESTS/../examples/news.txt" >"$WORK/long.jsonl"
expect "screen --jsonl: a long clean document" 0 "" -- $SC --jsonl "$WORK/long.jsonl"
check "screen: a long document cleared on a sample says how much it read" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["screened"] == "clear" and 0 < r["screened_words"] < r["words"], r
' "$WORK/out"
expect "screen: plain text in, one record out" 0 "" -- $SC "$WORK/spun.txt"
check "screen of a spun text passes it to the decoder" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["screened"] == "passed" and d["spun"] and d["spans"], d
' "$WORK/out"
expect "screen: empty input" 3 "input is empty" -- $SC "$WORK/empty.txt"
expect "screen: invalid UTF-8" 3 "invalid UTF-8 at byte offset 4" -- $SC "$WORK/bad.txt"
expect "screen: binary input" 3 "NUL byte at byte offset 4" -- $SC "$WORK/bin.dat"
expect "screen: input over --max-record-bytes" 3 "screen holds a document whole" -- $SC --max-record-bytes 10 "$WORK/spun.txt"
expect "detect: invalid UTF-8" 3 "invalid UTF-8 at byte offset 4" -- $D "$WORK/bad.txt"
expect "detect: binary input" 3 "NUL byte at byte offset 4" -- $D "$WORK/bin.dat"
expect "detect: empty input" 3 "input is empty" -- $D "$WORK/empty.txt"
expect "restore: missing input" 3 "no such file" -- $R "$WORK/nope.txt"
expect "detect: --json with --jsonl" 2 "exclude each other" -- $D --json --jsonl "$WORK/dec.jsonl"
expect "detect: bad --color" 2 "--color" -- $D --color purple "$WORK/spun.txt"
expect "restore -o writes atomically" 0 "" -- $R -o "$WORK/restored.txt" "$WORK/spun.txt"
check "restored file complete, no partial left" test -s "$WORK/restored.txt" -a ! -e "$WORK/restored.txt.partial"
# A long document is decoded window by window in bounded memory.
DECODE_MB=${UNSPIN_DECODE_MB:-4}
python3 -c '
import sys
text = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    for _ in range(int(sys.argv[3]) * 1024 * 1024 // len(text) + 1): f.write(text)
' "$TESTS/../examples/news.txt" "$WORK/long.txt" "$DECODE_MB"
expect "restore of a ${DECODE_MB} MB document" 0 "" -- /usr/bin/time -f "%M" -o "$WORK/rss2" $R -o "$WORK/long.out" "$WORK/long.txt"
check "long clean document comes back byte for byte" cmp -s "$WORK/long.txt" "$WORK/long.out"
if [ -z "${UNSPIN_SKIP_RSS:-}" ]; then
  rss_kb=$(tail -1 "$WORK/rss2")
  echo "     peak RSS restoring ${DECODE_MB} MB: $((rss_kb / 1024)) MB"
  check "decoder memory stays bounded (< 300 MB)" test "$rss_kb" -lt 307200
fi

# The channel file of a model: missing, corrupt, other version.
mkdir -p "$WORK/m2"
ln -sf "$(cd "$MODEL" && pwd)/lexicon.bin" "$WORK/m2/lexicon.bin"
ln -sf "$(cd "$MODEL" && pwd)/lm.bin" "$WORK/m2/lm.bin"
expect "detect: model without channel.json" 4 "channel.json: no such file" -- $UNSPIN detect --model "$WORK/m2" "$WORK/spun.txt"
printf '{"format":"unspin-channel"' >"$WORK/m2/channel.json"
expect "detect: corrupt channel.json" 4 "not valid JSON" -- $UNSPIN detect --model "$WORK/m2" "$WORK/spun.txt"
sed 's/"version": 1/"version": 99/' "$MODEL/channel.json" >"$WORK/m2/channel.json"
expect "detect: channel.json of another version" 4 "version 99" -- $UNSPIN detect --model "$WORK/m2" "$WORK/spun.txt"

# unspin adapt and eval on small data.
$UNSPIN spin --model "$MODEL" --jsonl --rate 0.4 "$TESTS/data/eval_small.jsonl" >"$WORK/bag.jsonl"
expect "adapt learns from a bag of spun text" 0 "learnt pairs" -- $UNSPIN adapt --model "$MODEL" --jsonl "$WORK/bag.jsonl" -o "$WORK/adapted" --iterations 2
expect "the adapted model decodes" 0 "" -- $UNSPIN restore --model "$WORK/adapted" "$WORK/spun.txt"
check "adapted channel says what it learnt from" grep -q '"adapted_on": "8 document' "$WORK/adapted/channel.json"
check "the adapted model has its own candidate table" test -s "$WORK/adapted/candidates.bin"
check "the adapted model keeps the learned table (routing, evidence counts)" cmp -s "$MODEL/learned_pairs.tsv" "$WORK/adapted/learned_pairs.tsv"
expect "adapt --no-compile" 0 "learnt pairs" -- $UNSPIN adapt --model "$MODEL" --jsonl "$WORK/bag.jsonl" -o "$WORK/adapted" --iterations 1 --no-compile
check "... leaves no stale table behind" test ! -e "$WORK/adapted/candidates.bin"
expect "... and the model still decodes" 0 "" -- $UNSPIN restore --model "$WORK/adapted" "$WORK/spun.txt"
expect "adapt: empty input" 3 "input is empty" -- $UNSPIN adapt --model "$MODEL" "$WORK/empty.txt" -o "$WORK/adapted2"
expect "adapt: --out is required" 2 "" -- $UNSPIN adapt --model "$MODEL" "$WORK/spun.txt"
head -4 "$TESTS/data/eval_small.jsonl" | sed 's/"id": "doc/"id": "cal/' >"$WORK/cal.jsonl"
expect "eval on small data" 0 "" -- $UNSPIN eval --model "$MODEL" --test "$TESTS/data/eval_small.jsonl" \
  --calibrate "$WORK/cal.jsonl" --write-channel "$WORK/channel.json" --profiles phrase,moby --rates 0.3 \
  --decoders all,-moby --docs 8 --json "$WORK/eval.json" --html "$WORK/eval.html"
check "eval prints the matrix with the baseline" grep -q '^| all-moby | moby | 0.30 |' "$WORK/out"
check "eval --html: the tables and a ROC curve per cell, self-contained" python3 -c '
import re, sys
page = open(sys.argv[1]).read()
assert page.startswith("<!doctype html>") and "<td>all-moby</td><td>moby</td>" in page, page[:400]
assert page.count("<svg") == 4 and page.count("<polyline") == 8  # 2 decoders x 2 profiles, each beside the baseline
assert not re.search(r"(src|href)=\"(https?:)?//", page)
' "$WORK/eval.html"
expect "eval measures adaptation on other documents" 0 "" -- $UNSPIN eval --model "$MODEL" \
  --test "$TESTS/data/eval_small.jsonl" --calibrate "$WORK/cal.jsonl" --adapt-docs 4 --profiles phrase \
  --rates 0.3 --decoders all --docs 8 --json "$WORK/adapt.json"
check "adaptation table: before -> after" grep -q '^| all | phrase | 0.30 | .* -> ' "$WORK/out"
check "adaptation figures in the JSON" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["adaptation"]
assert len(a) == 1 and a[0]["adapt_docs"] == 4 and 0 < a[0]["learnt_rate"] < 1, a
' "$WORK/adapt.json"
expect "eval: --adapt-docs needs --calibrate" 2 "need --calibrate" -- $UNSPIN eval --model "$MODEL" --adapt-docs 3
check "eval JSON has every cell" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["cells"]) == 4 and len(j["decoders"]) == 2, j
for c in j["cells"]:
    assert 0 <= c["auroc"] <= 1 and 0 <= c["baseline_auroc"] <= 1 and c["swaps"] > 0, c
' "$WORK/eval.json"
cp "$WORK/channel.json" "$WORK/m2/channel.json"
expect "the written channel loads" 0 "" -- $UNSPIN detect --model "$WORK/m2" --json "$WORK/spun.txt"

# The compiled candidate table: made by model compile, the same decoding
# as without it, refused when damaged.
cp "$MODEL/channel.json" "$WORK/m2/channel.json"
$UNSPIN detect --model "$WORK/m2" --json "$WORK/spun.txt" >"$WORK/without_table.json"
expect "model compile writes the candidate table" 0 "compiled .*candidates.bin" -- $UNSPIN model compile "$WORK/m2"
$UNSPIN detect --model "$WORK/m2" --json "$WORK/spun.txt" >"$WORK/with_table.json"
check "decoding with the table is identical" cmp -s "$WORK/without_table.json" "$WORK/with_table.json"
check "the table is the build's, byte for byte" cmp -s "$MODEL/candidates.bin" "$WORK/m2/candidates.bin"
head -c 100000 "$MODEL/candidates.bin" >"$WORK/m2/candidates.bin"
expect "detect: truncated candidate table" 4 "candidates.bin.*truncated" -- $UNSPIN detect --model "$WORK/m2" "$WORK/spun.txt"
expect "model compile replaces a damaged table" 0 "compiled" -- $UNSPIN model compile "$WORK/m2"
expect "model info describes the table" 0 "" -- $UNSPIN model info --json "$WORK/m2"
check "the table matches the model's channel" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["candidate_table"]
assert t["matches_channel"] is True and t["keys"] > 100000, t
' "$WORK/out"
# An edit on purpose: the checksum goes.
grep -v '"checksum"' "$MODEL/channel.json" | sed 's/"max_candidates": 32/"max_candidates": 16/' >"$WORK/m2/channel.json"
expect "model info: a table for another channel" 0 "" -- $UNSPIN model info --json "$WORK/m2"
check "... is reported unused" grep -q '"matches_channel":false' "$WORK/out"
expect "a table for another channel is ignored, not an error" 0 "" -- $UNSPIN restore --model "$WORK/m2" "$WORK/spun.txt"
cp "$MODEL/channel.json" "$WORK/m2/channel.json"
expect "model compile: missing model" 4 "unspin model build" -- $UNSPIN model compile "$WORK/nomodel"
expect "eval refuses a document in both sets" 3 "in both the calibration and the test set" -- \
  $UNSPIN eval --model "$MODEL" --test "$TESTS/data/eval_small.jsonl" --calibrate "$TESTS/data/eval_small.jsonl"
expect "eval: missing test set says how to make it" 3 "make-eval-corpus" -- $UNSPIN eval --model "$MODEL" --test "$WORK/nope.jsonl"
expect "eval: bad rate" 2 "bad rate" -- $UNSPIN eval --model "$MODEL" --rates 0.1,x

# trace: index add / info, trace, and what they refuse.
IDX="$WORK/idx"
python3 - "$TESTS/data/eval_small.jsonl" "$TESTS/../examples/news.txt" >"$WORK/sources.jsonl" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
for d in docs:
    print(json.dumps({"id": d["id"], "text": d["text"]}))
print(json.dumps({"id": "news", "text": open(sys.argv[2]).read()}))
print('{"id": "broken", "text": ')                       # broken JSON
print(json.dumps({"text": "a record without an id"}))   # no id
print(json.dumps({"id": "doc1", "text": "the same id again"}))
PY
expect "index add: bad records become error records" 5 "3 record(s) not added" -- \
  $UNSPIN index add --model "$MODEL" --index "$IDX" "$WORK/sources.jsonl"
check "... one per bad record, with its line" python3 -c '
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
assert [r["line"] for r in records] == [10, 11, 12], records
assert "already in the index" in records[2]["error"], records
' "$WORK/out"
expect "index info --check" 0 "" -- $UNSPIN index info --model "$MODEL" --index "$IDX" --check
check "... counts the documents" python3 -c '
import json, sys
info = json.load(open(sys.argv[1]))
assert info["documents"] == 9 and info["integrity"] == "ok", info
' "$WORK/out"
$UNSPIN spin --model "$MODEL" --profile moby --rate 0.3 "$TESTS/../examples/news.txt" >"$WORK/news_spun.txt"
expect "trace finds the source of a spun copy" 0 "" -- $UNSPIN trace --model "$MODEL" --index "$IDX" "$WORK/news_spun.txt"
check "... first, with evidence" grep -q "^news  similarity" "$WORK/out"
expect "trace --json" 0 "" -- $UNSPIN trace --model "$MODEL" --index "$IDX" --json "$WORK/news_spun.txt"
check "... gives byte offsets into both texts" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["matches"][0]
spun, source = open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
assert m["id"] == "news" and m["similarity"] > 0.6 and m["evidence"], m
assert m["restored_similarity"] > m["similarity"], m  # the restoration is traced too
for e in m["evidence"]:
    assert spun[e["start"]:e["end"]].decode() == e["text"], e
    assert source[e["source_start"]:e["source_end"]].decode() == e["source_text"], e
' "$WORK/out" "$WORK/news_spun.txt" "$TESTS/../examples/news.txt"
expect "trace --no-restore" 0 "" -- $UNSPIN trace --model "$MODEL" --index "$IDX" --json --no-restore "$WORK/news_spun.txt"
check "... traces the text as written only" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["matches"][0]
assert m["id"] == "news" and "restored_similarity" not in m, m
' "$WORK/out"
printf 'Lattice gauge theory on graphics processors, a text written for this test alone.\n' >"$WORK/unrelated.txt"
expect "trace: nothing above the threshold" 0 "" -- $UNSPIN trace --model "$MODEL" --index "$IDX" "$WORK/unrelated.txt"
check "... says so" grep -q "no indexed document reaches similarity 0.30" "$WORK/out"
printf '{"id":"q1","text":"%s"}\nnot json\n' "$(head -c 2000 "$WORK/news_spun.txt" | tr -d '\n"\\')" >"$WORK/queries.jsonl"
expect "trace --jsonl: one record per query, errors included" 5 "" -- \
  $UNSPIN trace --model "$MODEL" --index "$IDX" --jsonl "$WORK/queries.jsonl"
check "... in order" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 2 and r[0]["id"] == "q1" and r[0]["matches"][0]["id"] == "news" and "error" in r[1], r
' "$WORK/out"
expect "trace: invalid UTF-8" 3 "invalid UTF-8" -- $UNSPIN trace --model "$MODEL" --index "$IDX" "$WORK/bad.txt"
expect "trace: empty input" 3 "input is empty" -- $UNSPIN trace --model "$MODEL" --index "$IDX" "$WORK/empty.txt"
expect "trace: missing index says how to make one" 4 "unspin index add" -- \
  $UNSPIN trace --model "$MODEL" --index "$WORK/noidx" "$WORK/news_spun.txt"
expect "trace: bad threshold" 2 "threshold" -- $UNSPIN trace --model "$MODEL" --index "$IDX" --threshold 2 "$WORK/news_spun.txt"
cp -r "$IDX" "$WORK/idx_bad"
head -c 3000 "$IDX/index.sqlite" >"$WORK/idx_bad/index.sqlite"
rm -f "$WORK/idx_bad/index.sqlite-wal" "$WORK/idx_bad/index.sqlite-shm"
expect "trace: truncated index" 4 "index.sqlite" -- $UNSPIN trace --model "$MODEL" --index "$WORK/idx_bad" "$WORK/news_spun.txt"
printf 'not an index at all, just text, long enough to fill a header of a hundred bytes or so, and more text after\n' \
  >"$WORK/idx_bad/index.sqlite"
expect "trace: foreign file as index" 4 "index.sqlite" -- $UNSPIN trace --model "$MODEL" --index "$WORK/idx_bad" "$WORK/news_spun.txt"

# Killed while indexing: every batch reported committed is there, and the
# index opens, passes SQLite's integrity check, and takes the rest.
python3 - "$TESTS/data/eval_small.jsonl" >"$WORK/many.jsonl" <<'PY'
import json, sys
docs = [json.loads(l)["text"] for l in open(sys.argv[1])]
for i in range(60000):
    print(json.dumps({"id": f"k{i}", "text": f"Copy {i}. " + docs[i % len(docs)]}))
PY
$UNSPIN index add --model "$MODEL" --index "$WORK/kidx" --batch 500 "$WORK/many.jsonl" >/dev/null 2>"$WORK/kill.err" &
pid=$!
for _ in $(seq 1 600); do
  [ "$(grep -c committed "$WORK/kill.err")" -ge 3 ] && break
  sleep 0.05
done
expect "a reader opens the index while the writer adds" 0 "" -- \
  $UNSPIN trace --model "$MODEL" --index "$WORK/kidx" --threshold 0 "$WORK/news_spun.txt"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
reported=$(grep committed "$WORK/kill.err" | tail -1 | sed 's/.*committed \([0-9]*\) documents.*/\1/')
check "killed mid-run (it had not finished)" test -n "$reported" -a "$(grep -c 'records added' "$WORK/kill.err")" -eq 0
expect "the killed index opens and passes the integrity check" 0 "" -- \
  $UNSPIN index info --model "$MODEL" --index "$WORK/kidx" --check
check "... holding every document reported committed" python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))["documents"]
assert n >= int(sys.argv[2]) and n % 500 == 0, (n, sys.argv[2])
' "$WORK/out" "$reported"
expect "adding the same file again adds the rest" 5 "" -- \
  $UNSPIN index add --model "$MODEL" --index "$WORK/kidx" --batch 5000 "$WORK/many.jsonl"
$UNSPIN index info --model "$MODEL" --index "$WORK/kidx" >"$WORK/info.json"
check "... so that every document is there once" python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["documents"] == 60000
' "$WORK/info.json"

# eval trace, small: twelve excerpts of State of the Union addresses
# (tests/data/sotu_excerpts.jsonl, public domain, about 230 words each) as
# sources among shuffled distractors; the work directory is removed after.
python3 - "$TESTS/../examples/news.txt" "$WORK" <<'PY'
import json, random, sys
words = open(sys.argv[1]).read().split()
rng = random.Random(5)
for name, n, prefix in (("distractors", 300, "d"), ("unrelated", 20, "u")):
    with open(f"{sys.argv[2]}/{name}.jsonl", "w") as f:
        for i in range(n):
            rng.shuffle(words)
            f.write(json.dumps({"id": f"{prefix}{i}", "text": " ".join(words[:150]) + "."}) + "\n")
PY
expect "eval trace" 0 "" -- $UNSPIN eval trace --model "$MODEL" --sources "$TESTS/data/sotu_excerpts.jsonl" \
  --distractors "$WORK/distractors.jsonl" --unrelated "$WORK/unrelated.jsonl" --profiles moby --rates 0.3 \
  --queries 12 --work-dir "$WORK/te" --json "$WORK/te.json"
check "... finds every source, matches nothing unrelated, cleans up" python3 -c '
import json, os, sys
r = json.load(open(sys.argv[1]))
cell = r["cells"][0]
assert cell["queries"] == 12 and cell["recall_at_1"] == 1.0, cell
assert r["indexes"][0]["documents"] == 312 and r["indexes"][0]["unrelated_above_threshold"] == 0, r["indexes"]
assert r["indexes"][1]["name"] == "words (baseline)", r["indexes"]
assert not os.path.exists(sys.argv[2])
' "$WORK/te.json" "$WORK/te"
head -3 "$TESTS/data/sotu_excerpts.jsonl" >>"$WORK/distractors.jsonl"
expect "eval trace: a source id among the distractors" 3 "occurs twice" -- $UNSPIN eval trace --model "$MODEL" \
  --sources "$TESTS/data/sotu_excerpts.jsonl" --distractors "$WORK/distractors.jsonl" --unrelated "$WORK/unrelated.jsonl" \
  --profiles moby --rates 0.3 --queries 2 --work-dir "$WORK/te2"
expect "eval trace: missing distractors" 3 "nope.jsonl: no such file" -- $UNSPIN eval trace --model "$MODEL" \
  --sources "$TESTS/data/sotu_excerpts.jsonl" --distractors "$WORK/nope.jsonl" --unrelated "$WORK/unrelated.jsonl"

# unspin report: one self-contained page about a screened corpus.
$UNSPIN detect --model "$MODEL" --jsonl "$TESTS/data/sotu_excerpts.jsonl" >"$WORK/screened.jsonl"
$UNSPIN spin --model "$MODEL" --jsonl --rate 0.4 "$TESTS/data/sotu_excerpts.jsonl" |
  sed 's/"id":"\([^"]*\)"/"id":"spun <\1>"/' | $UNSPIN detect --model "$MODEL" --jsonl >>"$WORK/screened.jsonl"
printf '{"id": "x", "text": "one"}\n' | $UNSPIN detect --model "$MODEL" --jsonl --max-record-bytes 5 >>"$WORK/screened.jsonl" 2>/dev/null
expect "report on detect --jsonl output" 0 "report on 24 documents" -- $UNSPIN report "$WORK/screened.jsonl" -o "$WORK/r.html"
check "... histogram, share flagged, phrases, worst documents, ids escaped" python3 -c '
import re, sys
page = open(sys.argv[1]).read()
assert page.startswith("<!doctype html>") and "<svg" in page
assert "records that were errors" in page and re.search(r">1</div>records that were errors", page)
assert "Most frequent tortured phrases" in page and page.count("<mark>") > 5
worst = page.split("Documents most likely spun")[1]
assert "spun &lt;" in worst and "spun <" not in worst  # ids are escaped, spun copies rank first
first_id = re.search(r"<tr><td>([^<]*)</td>", worst).group(1)
assert first_id.startswith("spun &lt;"), first_id
' "$WORK/r.html"
# The same corpus through the screen: the clean documents it clears are
# counted apart; every spun copy is decoded and flagged as before.
$UNSPIN screen --model "$MODEL" --jsonl "$TESTS/data/sotu_excerpts.jsonl" >"$WORK/two-stage.jsonl"
$UNSPIN spin --model "$MODEL" --jsonl --rate 0.4 "$TESTS/data/sotu_excerpts.jsonl" |
  sed 's/"id":"\([^"]*\)"/"id":"spun <\1>"/' | $UNSPIN screen --model "$MODEL" --jsonl >>"$WORK/two-stage.jsonl"
expect "report on screen --jsonl output" 0 "report on 24 documents (" -- $UNSPIN report "$WORK/two-stage.jsonl" -o "$WORK/r3.html"
check "... counts the cleared documents and decodes every spun copy" python3 -c '
import json, re, sys
records = [json.loads(l) for l in open(sys.argv[1])]
cleared = sum(r["screened"] == "clear" for r in records)
assert cleared > 0, records
assert all(r["screened"] == "passed" and r["spun"] for r in records if r["id"].startswith("spun <")), records
page = open(sys.argv[2]).read()
assert re.search(r"</div>cleared by the first pass \(%d\), not decoded" % cleared, page), page
assert "unspin screen --jsonl" in page
flagged = lambda p: re.search(r"</div>flagged as spun \((\d+)\)", p).group(1)
assert flagged(page) == flagged(open(sys.argv[3]).read())  # the screen passed on all that detect flags
' "$WORK/two-stage.jsonl" "$WORK/r3.html" "$WORK/r.html"
(cat "$WORK/screened.jsonl"; echo 'not json') >"$WORK/screened-bad.jsonl"
expect "report: an unreadable line is left out and named" 5 "line 26: not valid JSON" -- \
  $UNSPIN report "$WORK/screened-bad.jsonl" -o "$WORK/r2.html"
expect "report: input that is not detect output" 3 "no numeric \"score\"" -- $UNSPIN report "$TESTS/data/sotu_excerpts.jsonl"
expect "report: empty input" 3 "no records" -- $UNSPIN report "$WORK/empty.txt"

# Progress: a line with rate and ETA on a terminal (forced here with
# UNSPIN_PROGRESS=1), nothing when standard error is not a terminal.
for i in $(seq 17); do cat "$TESTS/data/sotu_excerpts.jsonl"; done >"$WORK/many.jsonl"
UNSPIN_PROGRESS=1 $UNSPIN detect --model "$MODEL" --jsonl "$WORK/many.jsonl" >"$WORK/p.out" 2>"$WORK/p.err"
check "progress shows rate, share and ETA" grep -q $'\rdetect: [0-9]* records, [0-9]* records/s, [0-9.]* MB/s, [0-9]* %, ETA [0-9]:' "$WORK/p.err"
check "... and leaves the output alone" test "$(wc -l <"$WORK/p.out")" -eq 204
$UNSPIN detect --model "$MODEL" --jsonl "$WORK/many.jsonl" >/dev/null 2>"$WORK/p.err"
check "no progress when standard error is not a terminal" test ! -s "$WORK/p.err"
UNSPIN_PROGRESS=1 $UNSPIN index add --model "$MODEL" --index "$WORK/pidx" --batch 50 "$TESTS/data/sotu_excerpts.jsonl" \
  >/dev/null 2>"$WORK/p.err"
check "index add reports batches whether or not progress shows" grep -q "committed 12 documents" "$WORK/p.err"


# Real spinners: unspin learn, the learned table, eval real.
printf '{"id":"a","original":"The level rose.","spun":"The stage rose.","spun_url":"https://example.org/spun","original_url":"https://example.org/original"}\n{"id":"b","original":"x"}\n' >"$WORK/pairs.jsonl"
printf 'irregular woodland\trandom forest\nno tab here\n' >"$WORK/phrases.tsv"
expect "learn names the bad line of a pair file" 3 'pairs.jsonl:2: record has no "spun" field' -- $UNSPIN learn --model "$MODEL" --pairs "$WORK/pairs.jsonl" -o "$WORK/t.tsv"
expect "learn names the bad line of a phrase list" 3 'phrases.tsv:2: expected spun<TAB>original' -- $UNSPIN learn --model "$MODEL" --phrases "$WORK/phrases.tsv" -o "$WORK/t.tsv"
check "a failed learn leaves no table" test ! -e "$WORK/t.tsv"
head -1 "$WORK/pairs.jsonl" >"$WORK/pair1.jsonl"
head -1 "$WORK/phrases.tsv" >"$WORK/phrase1.tsv"
expect "learn writes a table" 0 "learn: " -- $UNSPIN learn --model "$MODEL" --pairs "$WORK/pair1.jsonl" --phrases "$WORK/phrase1.tsv" -o "$WORK/t.tsv" --pages "$WORK/pages.tsv"
check "the table has the aligned swap" grep -qP '^pair\tunknown\tlevel\tstage\t1\tswap$' "$WORK/t.tsv"
check "the table has the phrase and its word pairs" grep -qP '^pair\ttortured-phrases\tforest\twoodland\t1\tword$' "$WORK/t.tsv"
check "the pages file lists the page by URL" grep -qP '^https://example.org/spun\thttps://example.org/original\t' "$WORK/pages.tsv"
sed 's/\tstage\t/\tstagy\t/' "$WORK/t.tsv" >"$WORK/damaged.tsv"
expect "model build refuses a damaged learned table, naming it" 4 "damaged.tsv: learned pair table is damaged: checksum mismatch" -- $UNSPIN model build --learned "$WORK/damaged.tsv" -o "$WORK/learned-model"
sed 's/^#unspin-learned-pairs\t1/#unspin-learned-pairs\t7/' "$WORK/t.tsv" >"$WORK/v7.tsv"
expect "model build refuses a learned table of another version" 4 "v7.tsv: learned pair table version 7" -- $UNSPIN model build --learned "$WORK/v7.tsv" -o "$WORK/learned-model"
printf 'counterfeit consciousness\tartificial intelligence\n' >"$WORK/known.tsv"
expect "eval real refuses to measure on what the model learned from" 3 "the model learned from 0 of these documents and 1 of these phrases" -- $UNSPIN eval real --model "$MODEL" --folds 0 --phrases "$WORK/known.tsv"
expect "eval real names the bad line of a phrase list" 3 'phrases.tsv:2: expected spun<TAB>original' -- $UNSPIN eval real --model "$MODEL" --phrases "$WORK/phrases.tsv"
printf '{"id":"t","original":"%s","spun":"%s"}\n' "$(tr -d '\n"\\' <"$TESTS/../examples/news.txt")" "$(tr -d '\n"\\' <"$WORK/news_spun.txt")" >"$WORK/newspair.jsonl"
expect "eval real --trace-distractors traces the copies" 0 "" -- $UNSPIN eval real --model "$MODEL" --folds 0 --pairs "$WORK/newspair.jsonl" --trace-distractors "$TESTS/data/sotu_excerpts.jsonl" --json "$WORK/real.json" --swaps "$WORK/swaps.jsonl"
check "eval real --swaps: one line per swap and wrong span, agreeing with the figures" python3 -c '
import json, sys
doc = [r for r in json.load(open(sys.argv[1]))["documents"] if r["spinner"] == "all" and r["decoder"] == "learned pairs"][0]
lines = [json.loads(l) for l in open(sys.argv[2])]
outcomes = [l["outcome"] for l in lines]
assert set(outcomes) <= {"restored", "detected", "missed", "clean changed"}, outcomes
swaps = [l for l in lines if l["outcome"] != "clean changed"]
assert len(swaps) == doc["swaps"] and doc["swaps"] > 10, (len(swaps), doc)
assert abs(outcomes.count("restored") / len(swaps) - doc["restored"]) < 1e-9, doc
assert all(l["id"] == "t" and l["spun"] and "original" in l for l in swaps), swaps
assert all("restored" in l for l in lines if l["outcome"] in ("restored", "detected", "clean changed")), lines
' "$WORK/real.json" "$WORK/swaps.jsonl"
check "... as written and with restoration, found at top 1" python3 -c '
import json, sys
t = {(r["spinner"], r["method"]): r for r in json.load(open(sys.argv[1]))["traces"]}
for method in ("as written", "with restoration"):
    r = t[("all", method)]
    assert r["copies"] == 1 and r["found_top1"] == 1 and r["indexed"] == 13, r
' "$WORK/real.json"
expect "eval real --trace-distractors needs pairs" 2 "--trace-distractors needs --pairs" -- $UNSPIN eval real --model "$MODEL" --phrases "$WORK/phrase1.tsv" --trace-distractors "$TESTS/data/sotu_excerpts.jsonl"
expect "eval real --write-channel needs folds" 2 "--folds 2 or more" -- $UNSPIN eval real --model "$MODEL" --folds 0 --pairs "$WORK/pair1.jsonl" --write-channel "$WORK/c.json"


# suggest: the likely originals of a phrase.
expect "suggest restores a tortured phrase" 0 "" -- $UNSPIN suggest --model "$MODEL" "bosom peril"
check "suggest's best is the term" test "$(head -1 "$WORK/out" | cut -f2)" = "breast cancer"
expect "suggest --json" 0 "" -- $UNSPIN suggest --model "$MODEL" --json --top 3 "counterfeit consciousness"
check "suggest --json has ranked suggestions with sources" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["suggestions"]
assert 1 <= len(s) <= 3 and s[0]["original"] == "artificial intelligence" and s[0]["source"] == "learned", d
assert all(s[i]["score"] >= s[i + 1]["score"] for i in range(len(s) - 1)), d
' "$WORK/out"
printf '{"id":1,"text":"flag to commotion","context":"a higher"}\n{"id":2,"text":"x","context":5}\nnot json\n{"id":4,"text":"a b c d e f g h i j k l m"}\n' >"$WORK/suggest.jsonl"
expect "suggest --jsonl keeps every record, errors as records" 5 "3 record(s) could not be processed" -- $UNSPIN suggest --model "$MODEL" --jsonl "$WORK/suggest.jsonl"
check "suggest --jsonl writes one line per record, in order" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r.get("id") for r in rows] == [1, 2, None, 4], rows
assert rows[0]["suggestions"][0]["original"] == "signal to noise", rows[0]
assert "context" in rows[1]["error"] and rows[2]["line"] == 3 and "at most 12" in rows[3]["error"], rows
' "$WORK/out"
expect "suggest needs a phrase or --jsonl" 2 "give a PHRASE or --jsonl" -- $UNSPIN suggest --model "$MODEL"
expect "suggest --top out of range" 2 "--top" -- $UNSPIN suggest --model "$MODEL" --top 0 "bosom peril"
printf 'abc \xff' >"$WORK/badphrase"
expect "suggest refuses invalid UTF-8" 3 "not valid UTF-8" -- $UNSPIN suggest --model "$MODEL" "$(cat "$WORK/badphrase")"

summary
