# Sourced by the bench scripts after `cd` to the project root: $OUT, a
# scratch directory removed at exit, and the one way they time a whole
# process:
#
#   timed LABEL MEGABYTES OUTPUT COMMAND...
#
# runs COMMAND on one core (taskset -c 0: the library loads a model's
# parts on several threads, and every whole-process figure in
# docs/BENCHMARKS.md is for one core) under GNU time, its standard output
# to OUTPUT and its standard error dropped, and prints the label, the
# seconds, MEGABYTES per second and the peak resident memory.
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

timed() {
  local label=$1 mb=$2 output=$3
  shift 3
  /usr/bin/time -f "%e %M" -o "$OUT/time" taskset -c 0 "$@" >"$output" 2>/dev/null
  local secs kb
  read -r secs kb <"$OUT/time"
  printf '%-62s %7.2f s  %6.2f MB/s  %6d MB max RSS\n' "$label" "$secs" \
    "$(python3 -c "print($mb / $secs)")" $((kb / 1024))
}
