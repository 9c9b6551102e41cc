#!/usr/bin/env bash
# Rerun the whole example, from a copy of this folder without its results: five seeds of
# the 1989 network and one run of the modern extension through `starter run`, then
# `starter status` and `starter report` (Markdown, HTML and JSON) into DIR/report/.
#
#   ./run_example.sh [--fast] [DIR]
#
#   --fast  3 passes instead of 23: the same code path in about a tenth of the time (CI);
#           the numbers differ, the verdicts do not (README.md, "Rerun it").
#   DIR     where to rerun it: a new or empty folder (default: a new temporary folder).
#
# This folder's own results/ and report/ are never written, appended to or deleted: the
# copy in DIR gets neither, and starter writes only there. They were made once, by
# `./run_example.sh --in-place` on a checkout that had none (it refuses otherwise).
#
# Needs starter (`pip install paper-starter`, or starter's own checkout), numpy and
# scikit-learn in the Python on PATH; $PYTHON and $STARTER pick others.
set -euo pipefail

usage() { sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
FAST=0
IN_PLACE=0
DIR=""
for arg in "$@"; do
  case "$arg" in
    --fast) FAST=1 ;;
    --in-place) IN_PLACE=1 ;;
    -h | --help) usage ;;
    -*) echo "run_example.sh: unknown option $arg" >&2; usage ;;
    *) [ -z "$DIR" ] || usage; DIR="$arg" ;;
  esac
done

# Plain names, so that the runs record the command as anyone would type it.
PYTHON="${PYTHON:-python}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
STARTER="${STARTER:-starter}"
if ! command -v "$STARTER" >/dev/null 2>&1; then
  echo "run_example.sh: no starter on PATH: pip install paper-starter (or set \$STARTER)" >&2
  exit 6
fi
if ! "$PYTHON" -c "import numpy, sklearn" 2>/dev/null; then
  echo "run_example.sh: $PYTHON lacks numpy or scikit-learn:" \
    "pip install numpy scikit-learn (or set \$PYTHON)" >&2
  exit 6
fi

if [ "$IN_PLACE" = 1 ]; then
  [ -z "$DIR" ] || { echo "run_example.sh: --in-place takes no DIR" >&2; exit 2; }
  if [ -e "$HERE/results/runs.jsonl" ] || [ -e "$HERE/report" ]; then
    echo "run_example.sh: --in-place: $HERE already has results; they are never appended" \
      "to: rerun it in another folder (./run_example.sh [DIR])" >&2
    exit 7
  fi
  DIR="$HERE"
else
  if [ -z "$DIR" ]; then
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/lecun1989-example.XXXXXX")"
  elif [ -e "$DIR" ] && [ -n "$(ls -A "$DIR")" ]; then
    echo "run_example.sh: $DIR is not empty: give a new or empty folder" >&2
    exit 7
  fi
  mkdir -p "$DIR"
  DIR="$(cd "$DIR" && pwd -P)"
  case "$DIR/" in
    "$HERE"/*)
      echo "run_example.sh: $DIR is inside the example itself: give a folder outside it" >&2
      exit 7
      ;;
  esac
  # A clean checkout's files: no results or report, nothing built or cached.
  tar -C "$HERE" -cf - \
    --exclude=./results --exclude=./report --exclude=./checkpoints \
    --exclude=./.venv --exclude=./.nox --exclude='*.egg-info' --exclude=__pycache__ \
    --exclude=.pytest_cache --exclude=.mypy_cache --exclude=.ruff_cache . \
    | tar -C "$DIR" -xf -
fi
cd "$DIR"
export PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}"

# What each run declares (README.md, "Why the main numbers are not comparable"). The
# architecture counts (units, connections, independent-parameters) declare nothing: they
# do not depend on the data or the optimiser, and are judged by equality with the paper.
if [ "$FAST" = 1 ]; then
  PASSES=3
  SHORT="; fast mode: $PASSES of the 23 passes"
else
  PASSES=23
  SHORT=""
fi
DATA="proxy data: scikit-learn's 8x8 digits at 16x16, 1,198 train / 599 test, not the paper's USPS 7,291 / 2,007"
SGD="plain SGD, not the paper's diagonal Newton method"
PASSES_TEXT="$PASSES passes over the proxy's 1,198 images: $((PASSES * 1198)) presentations, not 167,693"
deviations=(
  --deviation "train-size=$DATA"
  --deviation "test-size=$DATA"
  --deviation "training-passes=$PASSES_TEXT"
)
trained=()
for claim in test-error train-error train-mse test-mse; do
  trained+=(--deviation "$claim=$DATA; $SGD$SHORT")
done
fast=()
[ "$FAST" = 0 ] || fast=(--fast)

for seed in 1 2 3 4 5; do
  "$STARTER" run --seed "$seed" --param config=configs/default.toml --param passes="$PASSES" \
    "${deviations[@]}" "${trained[@]}" \
    -- "$PYTHON" -m lecun1989.train --config configs/default.toml ${fast[@]+"${fast[@]}"}
done

# The extension: a deliberate change, shown apart and never counted for a claim.
extension=()
for claim in test-error train-error; do
  extension+=(--deviation "$claim=$DATA$SHORT")
done
"$STARTER" run --seed 1 --kind extension --param config=configs/modern.toml \
  --param passes="$PASSES" "${deviations[@]}" "${extension[@]}" \
  --note "modern variant: ReLU, softmax cross-entropy, SGD with momentum 0.9, He init" \
  -- "$PYTHON" -m lecun1989.train --config configs/modern.toml ${fast[@]+"${fast[@]}"}

"$STARTER" status
"$STARTER" report
"$STARTER" report --format html
"$STARTER" report --format json
echo "run_example.sh: the runs are in $DIR/results/runs.jsonl, the report in $DIR/report/"
