# Helpers of the whole-process test scripts (cli_test.sh, hostile_test.sh):
# source it after setting WORK (a scratch directory); end with `summary`.
passed=0
failed=0

# expect NAME WANT_EXIT PATTERN_IN_STDERR -- command...
# Runs the command with stdout in $WORK/out and stderr in $WORK/err.
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

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
