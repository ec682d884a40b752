#!/usr/bin/env bash
# Write every output a user sees for a set of answers files into OUT_DIR, so that two trees
# (before and after a refactoring) can be compared byte for byte with `diff -r`:
#
#   scripts/output_snapshot.sh OUT_DIR [CASE_DIR ...]      # default: tests/cases examples
#
# For each case: `assess` (text at 80 columns, JSON, FHIR Bundle), `explain` (and --all),
# and the HTML report with a fixed --now. Once: the FHIR Questionnaire, the answers schema,
# `rules list` and `rules check`. The tree it runs is the one this script sits in (PYTHONPATH),
# with the Python of $PYTHON (default .venv/bin/python of this tree); the knowledge-base cache
# is off, so nothing from another tree's run is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
python="${PYTHON:-$here/.venv/bin/python}"
[ $# -gt 0 ] || set -- "$here/tests/cases" "$here/examples"

export PYTHONPATH="$here" TRIAGE_NO_CACHE=1 COLUMNS=80 NO_COLOR=1 SOURCE_DATE_EPOCH=1767225600
triage() { "$python" -m triage "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for dir in "$@"; do
    name="$(basename "$dir")"
    mkdir -p "$work/$name" "$out/$name"
    cp "$dir"/*.json "$work/$name/"
done
cd "$work"  # relative paths: the outputs do not depend on where the cases live
for file in */*.json; do
    base="$out/${file%.json}"
    triage assess "$file" >"$base.assess.txt" 2>&1 || echo "exit $?" >>"$base.assess.txt"
    triage assess --format json "$file" >"$base.assess.json" 2>&1 || echo "exit $?" >>"$base.assess.json"
    triage assess --format fhir "$file" >"$base.bundle.json" 2>&1 || echo "exit $?" >>"$base.bundle.json"
    triage explain "$file" >"$base.explain.txt" 2>&1 || echo "exit $?" >>"$base.explain.txt"
    triage explain --all "$file" >"$base.explain-all.txt" 2>&1 || echo "exit $?" >>"$base.explain-all.txt"
    triage fhir response "$file" >"$base.response.json" 2>&1 || echo "exit $?" >>"$base.response.json"
    triage report "$file" --now 2026-01-31T09:00 -o report.html >"$base.report.log" 2>&1 ||
        echo "exit $?" >>"$base.report.log"
    if [ -f report.html ]; then mv report.html "$base.report.html"; fi
done
triage fhir questionnaire >"$out/questionnaire.json"
triage schema >"$out/schema.json"
triage rules list >"$out/rules-list.txt"
triage rules check >"$out/rules-check.txt" 2>&1 || echo "exit $?" >>"$out/rules-check.txt"
echo "wrote $(find "$out" -type f | wc -l) files to $out"
