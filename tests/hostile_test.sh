#!/usr/bin/env bash
# The hostile-input suite (docs/RELIABILITY.md): the worst text on the web,
# damaged model files and a full disk, each met with a precise error or a
# correct result, never a crash, a hang, a lost record or a half-written
# file presented as complete.
# Usage: hostile_test.sh path/to/unspin tests_dir
#   UNSPIN_HOSTILE_MB (default 100): size of the huge-line inputs;
#   UNSPIN_HOSTILE_DECODE_MB (default 20): size of the huge line of words
#   that detect decodes (about 1.3 MB/s on one core; 100 runs in 75 s).
set -uo pipefail
UNSPIN=$1
TESTS=$2
MODEL=$(dirname "$UNSPIN")/model
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HUGE_MB=${UNSPIN_HUGE_MB:-${UNSPIN_HOSTILE_MB:-100}}
DECODE_MB=${UNSPIN_HOSTILE_DECODE_MB:-20}
PY=/usr/bin/python3
source "$TESTS/expect.sh"
D="$UNSPIN detect --model $MODEL"

valid_utf8() { $PY -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null; }
lines() { wc -l <"$1"; }

# --- Invalid and overlong UTF-8: refused at the exact byte, or replaced.
declare -A BAD=(
  [overlong-2]='\xc0\xaf' [overlong-3]='\xe0\x80\xaf' [overlong-4]='\xf0\x80\x80\xaf'
  [surrogate]='\xed\xa0\x80' [above-max]='\xf4\x90\x80\x80' [five-byte]='\xf8\x88\x80\x80\x80'
  [lone-continuation]='\x80' [fe]='\xfe' [ff]='\xff' [truncated]='\xe2\x82'
)
for name in "${!BAD[@]}"; do
  printf "the cat ${BAD[$name]} sat" >"$WORK/bad.txt"
  expect "utf-8 $name: refused at byte 8" 3 "invalid UTF-8 at byte offset 8" -- $D "$WORK/bad.txt"
  expect "utf-8 $name: --replace-invalid decodes" 0 "" -- $D --replace-invalid --json "$WORK/bad.txt"
  check "utf-8 $name: output is valid UTF-8" valid_utf8 "$WORK/out"
done
printf 'the cat \xc0\xaf sat' >"$WORK/bad.txt"
expect "restore: overlong UTF-8 refused" 3 "invalid UTF-8" -- $UNSPIN restore --model "$MODEL" "$WORK/bad.txt"
expect "spin: overlong UTF-8 refused" 3 "invalid UTF-8" -- $UNSPIN spin --model "$MODEL" "$WORK/bad.txt"
expect "lm train: overlong UTF-8 refused" 3 "invalid UTF-8" -- $UNSPIN lm train "$WORK/bad.txt" -o "$WORK/x.lm"

# JSONL: each bad record becomes an error record in its place.
{
  printf '{"id":1,"text":"the cat sat"}\n'
  printf '{"id":2,"text":"bad \xc0\xaf byte"}\n'
  printf '{"id":3,"text":"a\\u0000b"}\n'
  printf '{"id":4,"text":"lone \\udc80 surrogate"}\n'
  printf '{"id":5,"text":"\xed\xa0\x80"}\n'
  printf '\x00\x01\x02 binary line\n'
  printf '{"id":7,"text":"the dog ran"}\n'
  printf '{"id":8,"text":"a number too large","n":1e99999}\n'
} >"$WORK/mixed.jsonl"
for cmd in detect restore spin; do
  expect "$cmd --jsonl: bad records are error records" 5 "6 record(s)" -- \
    $UNSPIN $cmd --model "$MODEL" --jsonl "$WORK/mixed.jsonl"
  check "$cmd --jsonl: one output line per input line" test "$(lines "$WORK/out")" -eq 8
  check "$cmd --jsonl: output is valid UTF-8" valid_utf8 "$WORK/out"
  check "$cmd --jsonl: records 1 and 7 processed" test "$(grep -c '"error"' "$WORK/out")" -eq 6
done
expect "index add: bad records are reported, good ones added" 5 "" -- \
  $UNSPIN index add --model "$MODEL" --index "$WORK/idx1" "$WORK/mixed.jsonl"
expect "... and the index holds the two good ones" 0 "" -- $UNSPIN index info --model "$MODEL" --index "$WORK/idx1"
check "... two documents" grep -q '"documents": 2' "$WORK/out"

# --- NUL bytes and binary.
printf 'the cat\0sat' >"$WORK/nul.txt"
expect "NUL byte refused, named" 3 "NUL byte at byte offset 7" -- $D "$WORK/nul.txt"
head -c 65536 /dev/urandom >"$WORK/random.bin" 2>/dev/null || $PY -c 'import os,sys; sys.stdout.buffer.write(os.urandom(65536))' >"$WORK/random.bin"
expect "random bytes refused" 3 "" -- $D "$WORK/random.bin"

# --- Huge lines.
$PY -c "import sys; sys.stdout.write('x' * ($HUGE_MB << 20))" >"$WORK/token.txt"
expect "a ${HUGE_MB} MB single token is decoded" 0 "" -- $D "$WORK/token.txt"
check "... and given back whole" test "$(stat -c %s "$WORK/out")" -ge $((HUGE_MB << 20))
$PY -c "import sys; sys.stdout.write(' ' * ($HUGE_MB << 19) + 'word' + '\n' * ($HUGE_MB << 19))" >"$WORK/blank.txt"
expect "${HUGE_MB} MB of blank space around one word" 0 "" -- $D "$WORK/blank.txt"
$PY - "$DECODE_MB" >"$WORK/words.txt" <<'PY'
import sys
n = int(sys.argv[1]) << 20
w = b"in accordance with the related press information company the ladies said that a minimum of the youngsters would launch it "
sys.stdout.buffer.write((w * (n // len(w) + 1))[:n])
PY
expect "a ${DECODE_MB} MB line of spun words is decoded" 0 "" -- $D --json "$WORK/words.txt"
check "... with spans found" grep -q '"original"' "$WORK/out"
$PY - "$HUGE_MB" >"$WORK/huge.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1]) << 20
sys.stdout.write('{"id": "huge", "text": "' + "word " * (n // 5) + '"}\n')
sys.stdout.write(json.dumps({"id": "after", "text": "the cat sat"}) + "\n")
PY
expect "a ${HUGE_MB} MB JSONL record over --max-record-bytes" 5 "" -- \
  $D --jsonl --max-record-bytes 8000000 "$WORK/huge.jsonl"
check "... is an error record, and the next is processed" \
  test "$(grep -c '"error"' "$WORK/out")" -eq 1 -a "$(grep -c '"id":"after"' "$WORK/out")" -eq 1

# --- Deeply nested and gigantic JSON.
$PY - >"$WORK/deep.jsonl" <<'PY'
import json
print('{"id": 1, "text": ' + "[" * 1000000 + "]" * 1000000 + "}")
print('{"id": 2, "meta": ' + '{"a": ' * 500000 + "1" + "}" * 500000 + ', "text": "the cat sat"}')
print('{"id": 3, "text": "x", ' + ", ".join(f'"k{i}": {i}' for i in range(1000000)) + "}")
print("[" * 1000000)
print(json.dumps({"id": 5, "text": "the dog ran"}))
PY
expect "deeply nested and gigantic JSON records" 5 "" -- $D --jsonl "$WORK/deep.jsonl"
check "... one output line each, valid UTF-8" test "$(lines "$WORK/out")" -eq 5
check "... nested text and a broken line are error records" test "$(grep -c '"error"' "$WORK/out")" -eq 2

# --- Right-to-left, bidi controls, combining marks, emoji, CJK.
$PY - >"$WORK/scripts.txt" <<'PY'
text = ("In accordance with the Related Press information company, \u0645\u0631\u062d\u0628\u0627 "
        "\u05e9\u05dc\u05d5\u05dd \u202eesrever\u202c the ladies said. "
        "Z" + "\u0301\u0316" * 500 + "algo text, a\u200db, \U0001F469\u200d\U0001F52C scientists, "
        "\u4e2d\u6587\u5b57, e\u0301t\u00e9, \ufeffBOM inside, \u00a0nbsp and the youngsters would launch it.")
print(text)
PY
expect "mixed scripts: detect --json" 0 "" -- $D --json "$WORK/scripts.txt"
check "... spans lie on character boundaries and match the text" $PY - "$WORK/scripts.txt" "$WORK/out" <<'PY'
import json, sys
text = open(sys.argv[1], "rb").read()
result = json.load(open(sys.argv[2]))
assert result["spans"], "no spans"
for s in result["spans"]:
    piece = text[s["start"]:s["end"]].decode("utf-8")  # byte offsets; raises off a boundary
    assert piece == s["text"], (piece, s["text"])
PY
expect "mixed scripts: restore" 0 "" -- $UNSPIN restore --model "$MODEL" "$WORK/scripts.txt"
check "... keeps every non-Latin character" $PY -c '
import sys
a, b = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
assert [c for c in a if ord(c) > 0x2000] == [c for c in b if ord(c) > 0x2000]
' "$WORK/scripts.txt" "$WORK/out"

# --- Damaged model files: every file of the model, truncated at random
# points and with flipped bytes, is refused with a message naming it.
mkdir -p "$WORK/m"
for f in "$MODEL"/*; do ln "$f" "$WORK/m/" 2>/dev/null || cp "$f" "$WORK/m/"; done
printf 'the cat sat\n' >"$WORK/good.txt"
expect "the linked model works" 0 "" -- $UNSPIN detect --model "$WORK/m" "$WORK/good.txt"
check "its channel.json carries a checksum" grep -q '"checksum"' "$MODEL/channel.json"
for file in lexicon.bin lm.bin candidates.bin channel.json; do
  size=$(stat -c %s "$MODEL/$file")
  for trial in 1 2 3 4 5 6; do
    rm -f "$WORK/m/$file"
    # Positions from a fixed seed; in channel.json a digit changes, to one
    # that changes a value.
    what=$($PY - "$MODEL/$file" "$WORK/m/$file" "$trial" "$size" <<'PY'
import random, sys
src, dst, trial, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(f"{src}:{trial}")
data = bytearray(open(src, "rb").read())
if trial % 2:
    cut = rng.randrange(size)
    data = data[:cut]
    what = f"truncated at {cut}"
else:
    if src.endswith(".json"):
        import json
        original = json.loads(bytes(data))
        digits = [i for i, b in enumerate(data) if chr(b).isdigit()]
        while True:  # a digit whose change changes a value (not just its 17th digit)
            at = rng.choice(digits)
            changed = bytearray(data)
            changed[at] = ord(str((int(chr(data[at])) + 1 + rng.randrange(9)) % 10))
            if json.loads(bytes(changed)) != original:
                data = changed
                break
    else:
        at = rng.randrange(size)
        data[at] ^= 1 << rng.randrange(8)
    what = f"byte {at} changed"
open(dst, "wb").write(data)
print(what)
PY
)
    expect "$file $what: refused" 4 "$file" -- $UNSPIN detect --model "$WORK/m" "$WORK/good.txt"
  done
  rm -f "$WORK/m/$file"
  ln "$MODEL/$file" "$WORK/m/$file" 2>/dev/null || cp "$MODEL/$file" "$WORK/m/$file"
done

# --- A full disk: output and index writes fail cleanly. RLIMIT_FSIZE
# (ulimit -f, with SIGXFSZ ignored) makes writes past the limit fail as a
# full disk does; /dev/full fails every write with ENOSPC.
full_disk() {  # full_disk KB command...: runs the command with files capped at KB
  local kb=$1
  shift
  (trap '' XFSZ; ulimit -f "$kb"; exec "$@")
}
expect "detect --jsonl to a full device" 1 "no space left on device" -- \
  sh -c "$UNSPIN detect --model '$MODEL' --jsonl '$TESTS/data/sotu_excerpts.jsonl' >/dev/full"
expect "detect to a full device" 1 "no space left on device" -- sh -c "$D '$WORK/words.txt' >/dev/full"
mkdir -p "$WORK/o"
expect "restore -o on a full disk" 1 "writing" -- full_disk 4 $UNSPIN restore --model "$MODEL" -o "$WORK/o/r.txt" "$WORK/words.txt"
expect "detect --jsonl -o on a full disk" 1 "writing" -- \
  full_disk 4 $UNSPIN detect --model "$MODEL" --jsonl -o "$WORK/o/d.jsonl" "$TESTS/data/sotu_excerpts.jsonl"
expect "spin -o on a full disk" 1 "writing" -- full_disk 4 $UNSPIN spin --model "$MODEL" -o "$WORK/o/s.txt" "$WORK/words.txt"
$UNSPIN detect --model "$MODEL" --jsonl "$TESTS/data/sotu_excerpts.jsonl" >"$WORK/screened.jsonl"
expect "report -o on a full disk" 1 "writing" -- full_disk 4 $UNSPIN report -o "$WORK/o/r.html" "$WORK/screened.jsonl"
check "no output file, complete or partial, is left" test -z "$(ls -A "$WORK/o")"
expect "index add on a full disk" 1 "index" -- \
  full_disk 64 $UNSPIN index add --model "$MODEL" --index "$WORK/idx2" --batch 2 "$TESTS/data/sotu_excerpts.jsonl"
committed=$(grep -o 'committed [0-9]* documents' "$WORK/err" | tail -1 | grep -o '[0-9]*' || echo 0)
check "index add reported committed batches before failing" test "${committed:-0}" -gt 0
expect "the index written up to the full disk opens and passes the integrity check" 0 "" -- \
  $UNSPIN index info --model "$MODEL" --index "$WORK/idx2" --check
check "... and holds exactly the committed documents" grep -q "\"documents\": ${committed:-0}," "$WORK/out"
expect "adding again with room adds the rest" 5 "" -- \
  $UNSPIN index add --model "$MODEL" --index "$WORK/idx2" "$TESTS/data/sotu_excerpts.jsonl"
expect "... to 12 documents" 0 "" -- $UNSPIN index info --model "$MODEL" --index "$WORK/idx2"
check "... 12" grep -q '"documents": 12,' "$WORK/out"

summary
