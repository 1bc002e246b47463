#!/usr/bin/env bash
# Times `churn analyze` (release build) on generated exports.
#   bench/analyze.sh [ROWS...]      default: 10000
#   FLAGS="--weight mrr --by plan" bench/analyze.sh 100000    extra analyze flags
#   COMMAND="tag" bench/analyze.sh 100000                       another command (default:
#                                                               "analyze --format json")
# Uses hyperfine when installed (apt-get install hyperfine); otherwise runs 10 times and prints
# the median wall time. Writes the generated files under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=("${@:-10000}")
read -r -a flags <<< "${FLAGS:-}"
command_line="${COMMAND:-analyze --format json}"
read -r -a command <<< "$command_line"
cargo build --release --quiet --bin churn --example generate
mkdir -p target/bench
for n in "${rows[@]}"; do
  file="target/bench/exit-survey-$n.csv"
  [ -s "$file" ] || target/release/examples/generate "$n" > "$file"
  echo "== churn $command_line ${FLAGS:-} on $n rows ($(du -h "$file" | cut -f1))"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 2 --runs 10 --style basic "target/release/churn ${command[0]} $file ${command[*]:1} ${FLAGS:-}"
  else
    times=()
    for _ in $(seq 10); do
      start=$(date +%s%N)
      target/release/churn "${command[0]}" "$file" "${command[@]:1}" "${flags[@]}" > /dev/null
      times+=($(( ($(date +%s%N) - start) / 1000 )))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "median $(( sorted[4] / 1000 )).$(printf %03d $(( sorted[4] % 1000 ))) ms over 10 runs (min $(( sorted[0] / 1000 )) ms, max $(( sorted[9] / 1000 )) ms)"
  fi
done
