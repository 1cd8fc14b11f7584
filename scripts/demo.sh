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

step "Screening: a FHIR instrument from an answers file, and the 22 USC 7102 decision aid"
$nwd screen list
cat > "$out/cst6_answers.json" <<'JSON'
{"substance-use": true, "ran-away": true, "police-contact": false,
 "sti-history": false, "many-partners": null, "violence-history": false}
JSON
$nwd screen run cst6 --answers "$out/cst6_answers.json" --age 15 --fhir "$out/cst6_bundle.json"
cat > "$out/classify_facts.json" <<'JSON'
{"age": 16, "commercial_sex_act": true, "force": false, "fraud": false,
 "coercion": false, "role": "buyer"}
JSON
$nwd classify --facts "$out/classify_facts.json"
