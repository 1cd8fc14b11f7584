#!/usr/bin/env bash
# The main job on embedded defaults (DuckDB files, SQLite): run by `make demo`.
# Every step writes under the demo directory; nothing leaves this machine.
set -euo pipefail
out="${1:-.nowrongdoor/demo}"
nwd=".venv/bin/nowrongdoor"
mkdir -p "$out"
export NOWRONGDOOR_DATA_DIR="$out"

step() { printf '\n\033[1;34m== %s ==\033[0m\n' "$1"; }

step "Knowledge base: the deck as cited data"
$nwd kb list
$nwd kb search bottom
