#!/usr/bin/env bash
# Perplexity of unspin's Kneser-Ney models against IRSTLM's (Debian irstlm,
# tlm -lm=ikn: improved Kneser-Ney) trained on the same text with the same
# order, both scored by the same evaluator (unspin lm perplexity) on held-out
# text. Passes when unspin's perplexity is at most 2 % above IRSTLM's.
# Usage: lm_irstlm_test.sh UNSPIN_BINARY SOURCE_DIR [ORDERS]
set -euo pipefail
unspin=$1 src=$2 orders=${3:-${UNSPIN_LM_ORDERS:-"3 5"}}
tlm=/usr/lib/irstlm/bin/tlm
[ -x "$tlm" ] || { echo "IRSTLM missing: run scripts/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$src/../bench/make_lm_corpus.py" "$work/train.txt" "$work/test.txt"
# IRSTLM wants the sentence markers in its training text.
sed 's/^/<s> /; s/$/ <\/s>/' "$work/train.txt" > "$work/train.se"

ppl() { "$unspin" lm perplexity --lm "$1" "$work/test.txt" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["perplexity"])'; }
status=0
check() {  # label ours theirs
  if python3 -c "import sys; sys.exit(0 if $2 <= 1.02 * $3 else 1)"; then
    printf '%-34s unspin %8.3f  IRSTLM %8.3f  (%+.2f %%)  ok\n' "$1" "$2" "$3" "$(python3 -c "print(100*($2/$3-1))")"
  else
    printf '%-34s unspin %8.3f  IRSTLM %8.3f  FAIL: more than 2 %% above\n' "$1" "$2" "$3"
    status=1
  fi
}
for n in $orders; do
  "$unspin" lm train "$work/train.txt" -o "$work/ours$n.lm" --order "$n" --tokens whitespace 2>/dev/null
  "$tlm" -tr="$work/train.se" -n="$n" -lm=ikn -ps=no -o="$work/irst$n.arpa" >/dev/null 2>&1
  "$unspin" lm import "$work/irst$n.arpa" -o "$work/irst$n.lm" 2>/dev/null
  check "order $n, no pruning" "$(ppl "$work/ours$n.lm")" "$(ppl "$work/irst$n.lm")"
done
# Singleton pruning of trigrams, IRSTLM's default (-ps=yes).
"$unspin" lm train "$work/train.txt" -o "$work/ours_p.lm" --order 3 --tokens whitespace --prune 0,0,1 2>/dev/null
"$tlm" -tr="$work/train.se" -n=3 -lm=ikn -o="$work/irst_p.arpa" >/dev/null 2>&1
"$unspin" lm import "$work/irst_p.arpa" -o "$work/irst_p.lm" 2>/dev/null
check "order 3, singleton trigrams pruned" "$(ppl "$work/ours_p.lm")" "$(ppl "$work/irst_p.lm")"
exit $status
