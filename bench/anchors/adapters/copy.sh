#!/usr/bin/env bash
# Copy an already generated project: with with_git.sh, it times the git part alone.
# usage: copy.sh OUT_DIR              -> project lands in OUT_DIR/$BENCH_SLUG
# env:   BENCH_RENDERED (a generated project), BENCH_SLUG
set -eu
out=$1
rm -rf -- "$out"
mkdir -p -- "$out"
cp -R -- "$BENCH_RENDERED" "$out/$BENCH_SLUG"
