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
passed=0
failed=0

# expect NAME WANT_EXIT PATTERN_IN_STDERR -- command...
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, want $want; stderr: $(head -c 300 "$WORK/err")"
    failed=$((failed + 1))
  elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$WORK/err"; then
    echo "FAIL $name: stderr lacks '$pattern': $(head -c 300 "$WORK/err")"
    failed=$((failed + 1))
  else
    echo "ok   $name"
    passed=$((passed + 1))
  fi
}
check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
