#!/usr/bin/env bash
# Set up a virtualenv with triage, then run a demo assessment and explain it.
# For the interactive questionnaire afterwards: .venv/bin/triage ask
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
echo "== triage assess examples/osteoarthritis.json"
.venv/bin/triage assess examples/osteoarthritis.json
echo
echo "== triage explain examples/osteoarthritis.json"
.venv/bin/triage explain examples/osteoarthritis.json
