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

step "Ads: extract contacts, ages, rates, places and indicators; the highest-scoring ads"
.venv/bin/python tests/data/make_ads_eval.py --n 500 --seed 11 --out "$out/ads_sample.jsonl"
$nwd ads scan "$out/ads_sample.jsonl" --out "$out/ads_scanned.jsonl" --workers 2 --top 3
$nwd ads evaluate tests/data/ads_eval.jsonl

step "Ads: link a synthetic corpus into operations and match missing-person posters"
$nwd synth ads --operations 40 --seed 7 --out "$out/ads_corpus"
$nwd ads link "$out/ads_corpus/ads.jsonl" --out "$out/ads_linked" --top 3
$nwd ads match --posters "$out/ads_corpus/posters.csv" --ads "$out/ads_corpus/ads.jsonl" \
  --operations "$out/ads_linked/operations.csv" --out "$out/ads_matches" --show 2

step "Population: an explainable trafficking-risk worklist from 2,000 synthetic members"
$nwd synth claims --members 2000 --seed 12 --out "$out/claims"
$nwd population score "$out/claims/claims.csv" --out "$out/worklist" --as-of 2025-12-31
head -n 6 "$out/worklist/worklist.csv" | cut -c1-150
$nwd population explain "$(sed -n 2p "$out/worklist/worklist.csv" | cut -d, -f1)" \
  --out "$out/worklist"

step "Care: case management on SQLite - synthetic orgs, partners, users, persons, cases, referrals"
rm -f "$out/care.db" "$out/care.db-wal" "$out/care.db-shm"   # a fresh demo database each run
$nwd db upgrade
$nwd care seed --persons 300 --seed 7 --spread-days 150   # six months of a program: most report cells clear the 1-10 rule
$nwd partners import tests/care/data/hsds3-example/csv   # the official HSDS 3 example, as is
[ -f "$out/worklist/worklist.csv" ] && $nwd care import-worklist "$out/worklist" --source demo-population
# the investigator workspace: the linked corpus, its scan and the poster leads (docs/investigate.md);
# ad-match leads reach the care team only once an investigator confirms them
$nwd ads scan "$out/ads_corpus/ads.jsonl" --out "$out/ads_corpus_scanned.jsonl" --workers 2 --top 0
# The synthetic corpus is dated early 2025, older than the default 180-day retention of ad
# text (retention_ad_text_days): for this import only, the demo keeps texts three years so
# the workspace shows them; a later `jobs run` with the defaults purges them as it should.
NOWRONGDOOR_RETENTION_AD_TEXT_DAYS=1095 \
$nwd care import-ads --scanned "$out/ads_corpus_scanned.jsonl" --link "$out/ads_linked" \
  --match "$out/ads_matches" --ads "$out/ads_corpus/ads.jsonl" --posters "$out/ads_corpus/posters.csv"
$nwd users create investigator --role investigator --display-name "Demo investigator" \
  --password nowrongdoor-demo
$nwd audit verify

step "Reports: program reach and outcomes, and the survivor survey (cells 1-10 suppressed)"
report_to=$(.venv/bin/python -c 'import datetime as d; print(d.date.today())')
report_from=$(.venv/bin/python -c 'import datetime as d; t=d.date.today(); m=t.month-5; print(d.date(t.year-(m<1), m+12*(m<1), 1))')   # six months, as seeded
worklist_csv=$(ls "$out"/*/worklist.csv 2>/dev/null | head -n 1 || true)
if [ -f "$out/care.db" ]; then
  $nwd report program --from "$report_from" --to "$report_to" --out "$out/reports/program" \
    ${worklist_csv:+--worklist "$(dirname "$worklist_csv")"}
else
  echo "no care database in $out (the care step seeds it): program report skipped"
fi
$nwd synth survey --count 300 --seed 1 --out "$out/survey_responses.ndjson"
$nwd report survey --responses "$out/survey_responses.ndjson" --out "$out/reports/survey"

step "Web: pages for care managers, supervisors, partners and admins (docs/web.md)"
echo "sign in with a demo login printed by 'care seed' above, e.g. cm.north or partner.shelter,"
echo "or as 'investigator' (password nowrongdoor-demo) for the investigator workspace"
if [ -t 1 ] && [ "${NOWRONGDOOR_DEMO_SERVE:-1}" != "0" ]; then
  echo "serving http://127.0.0.1:8000 - press Ctrl-C to stop"
  # Plain HTTP on loopback for the demo, so the session cookie is not marked Secure.
  NOWRONGDOOR_COOKIE_SECURE=false $nwd serve --host 127.0.0.1 --port 8000
else
  echo "not a terminal (or NOWRONGDOOR_DEMO_SERVE=0): run '$nwd serve' to browse http://127.0.0.1:8000"
fi
