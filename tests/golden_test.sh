#!/usr/bin/env bash
# Golden tests: `unspin spin --jsonl` on small texts with the default model,
# compared byte for byte with the outputs kept in tests/golden/. They pin the
# spinner's behaviour on the real lexicon (casing, inflection, phrases,
# possessives, names and numbers left alone), so any change to it is seen.
# The expected files were made with Debian 12's thesaurus packages; a change
# in those packages or in the spinner is reviewed and then recorded with
#   tests/golden_test.sh build/unspin tests --update
# Usage: golden_test.sh UNSPIN TESTS_DIR [--update]
set -uo pipefail
UNSPIN=$1
DIR=$2/golden
UPDATE=${3:-}
fail=0
# profile seed rate
while read -r profile seed rate; do
  expected="$DIR/spin_${profile}_s${seed}_r${rate}.jsonl"
  actual=$("$UNSPIN" spin --jsonl --profile "$profile" --seed "$seed" --rate "$rate" "$DIR/spin_input.jsonl")
  status=$?
  if [[ $status -ne 0 ]]; then
    echo "FAIL: spin --profile $profile exited with $status"
    fail=1
  elif [[ $UPDATE == --update ]]; then
    printf '%s\n' "$actual" >"$expected"
    echo "wrote $expected"
  elif ! diff <(printf '%s\n' "$actual") "$expected" >/tmp/unspin_golden_diff.$$; then
    echo "FAIL: $profile seed $seed rate $rate differs from $expected:"
    head -20 /tmp/unspin_golden_diff.$$
    fail=1
  else
    echo "ok: $profile seed $seed rate $rate"
  fi
  rm -f /tmp/unspin_golden_diff.$$
done <<'LIST'
phrase 1 0.3
phrase 2 1.0
naive 1 0.5
careful 1 1.0
mythes 1 1.0
wordnet 1 1.0
moby 1 1.0
table 1 1.0
LIST
exit $fail
