#!/bin/sh
# Rebuilds the built-in model (crates/core/src/model/builtin.bin) byte for byte from the labelled file below,
# with the built-in taxonomy. A unit test (commands::train) trains on the same file and fails
# when the committed model differs: run this script and commit the model after changing the
# training data, the features or the training.
#
# The file is fixtures/corpus/model-train.csv, written by fixtures/corpus/real/build.py: the
# real corpus' train split and the project's labelled.csv (never a dev or test row). To train
# on another labelled file, change TRAIN (and TRUTH_COL, its label column; WHERE, a `--where`
# filter, or empty).
TRAIN="fixtures/corpus/model-train.csv"
TRUTH_COL="truth"
WHERE=""
set -eu
cd "$(dirname "$0")/.."
# The built-in taxonomy: no --config, no CHURN_CONFIG, no churn.toml here.
if [ -e churn.toml ]; then
    echo "train-model.sh: churn.toml here would replace the built-in taxonomy; move it away" >&2
    exit 2
fi
cargo build --release --quiet
env -u CHURN_CONFIG target/release/churn train "$TRAIN" --truth-col "$TRUTH_COL" \
    ${WHERE:+--where "$WHERE"} -o crates/core/src/model/builtin.bin 2>&1 | sed 's/^/  /'
