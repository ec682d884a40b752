#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all:
# a virtualenv with the package and its test extras (editable), the Debian and npm tools
# for the browser tests (scripts/install-test-deps.sh), the linter, the knowledge-base
# check and pytest, then the non-browser suite on Python 3.12 and 3.13
# (scripts/test-pythons.sh; TRIAGE_OTHER_PYTHONS="3.13" or "0" to change or skip them).
# Extra arguments go to pytest. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
bash scripts/install-test-deps.sh

echo "== ruff"
.venv/bin/ruff check triage tests
echo "== triage rules check"
.venv/bin/triage rules check
echo "== pytest"
.venv/bin/python -m pytest "$@"
echo "== experta's own unit tests, with our adaptations loaded"
bash scripts/experta-tests.sh
other_pythons="${TRIAGE_OTHER_PYTHONS:-3.12 3.13}"
if [ "$other_pythons" != "0" ]; then
    # Fewer random examples per property there (the dev profile): the same tests; 3.11 above
    # runs the full ci profile. From 3.13 `json` parses 5,000 levels: the suite checks our own
    # nesting limit holds there.
    echo "== the non-browser suite on Python $other_pythons"
    PYTHONS="$other_pythons" bash scripts/test-pythons.sh -q --hypothesis-profile dev
fi
