#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them all:
# a virtualenv with the package and its test extras (editable), the Debian and npm tools
# for the browser tests (scripts/install-test-deps.sh), the linter, the knowledge-base
# check and pytest. Extra arguments go to pytest. `.ci/run` runs exactly this.
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
