#!/bin/sh
# The matcher benchmark behind docs/benchmarks.md. Generates 1,000,000
# identifiers (142,857 people x 7 kinds, plus org domains) and 200 MB each of
# plain-text and HTML pastes, hashes the identifiers with the real
# `leakmon hash-ids`, then measures load, scan and grep -F -f
# (leakmon-bench run). Needs about 2 GB of disk in the work directory and a
# few minutes on 2 cores; run it when needed, not in a loop.
#
#   bench/run_benchmark.sh [WORK_DIR] [PEOPLE] [MB]
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-bench-run}
PEOPLE=${2:-142857}
MB=${3:-200}
mkdir -p "$DIR"
build/bench/leakmon-bench generate --dir "$DIR" --people "$PEOPLE" --mb "$MB"
rm -f "$DIR/bench.key"
build/app/leakmon keygen --out "$DIR/bench.key" >/dev/null
start=$(date +%s.%N)
build/app/leakmon hash-ids --key "$DIR/bench.key" --in "$DIR/people.csv" --out "$DIR/identifiers.lmids"
end=$(date +%s.%N)
echo "hash-ids: $(echo "$end - $start" | bc) s, $(du -m "$DIR/identifiers.lmids" | cut -f1) MB"
# Three passes over the plain corpus: the figures use the first; the other
# two show what a second scan of the same pages costs.
build/bench/leakmon-bench run --dir "$DIR" --passes 3
