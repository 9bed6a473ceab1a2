#!/usr/bin/env bash
# Benchmark: ceasefire against DuckDB on the same synthetic logs.
#   bench/compare.sh [N ...]      default: 1000000
# Creates bench/.venv with DuckDB, generates bench/data/log-N.{jsonl,csv},
# builds ceasefire and the parse floor (bench/floor) in release mode, and prints
# the tables of docs/performance.md: against DuckDB, and against the floors.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet duckdb
fi
cargo build --release --quiet
(cd bench/floor && cargo build --release --quiet)
exec bench/.venv/bin/python bench/compare.py "${@:-1000000}"
