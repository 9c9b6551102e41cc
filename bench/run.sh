#!/usr/bin/env bash
# The whole benchmark in one command, from a clean checkout:
#   bash bench/run.sh            full run (15 runs per command, logs up to 1,000,000 runs)
#   bash bench/run.sh --quick    development run (5 runs, logs up to 100,000 runs)
# Other options go to bench/run.py (--only, --runs, --sizes, --work, --keep; see --help).
#
# It makes (once) a virtual environment for the benchmark, installs this checkout into it
# with the `bench` extra (cookiecutter, copier, mlflow, pyinstrument), and prints Markdown.
#   BENCH_VENV=DIR        where that environment lives (default: .venv-bench in the checkout;
#                         BENCH_VENV=.venv reuses the development environment)
#   BENCH_NO_INSTALL=1    skip the pip step (the environment is already set up)
#   PYTHON=python3.12     the interpreter that creates the environment
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BENCH_VENV:-$ROOT/.venv-bench}"
PYTHON="${PYTHON:-python3}"
command -v git >/dev/null || { echo "bench: git is needed on PATH" >&2; exit 2; }
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
if [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT[bench]"
fi
exec "$VENV/bin/python" "$ROOT/bench/run.py" "$@"
