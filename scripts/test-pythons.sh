#!/usr/bin/env bash
# The non-browser test suite on the other Pythons people have (3.12 and 3.13 by default):
# a virtualenv per version (.venv-3.12, .venv-3.13), the package and its test extras, then
# pytest without the tests that drive Chromium or build wheels (those run on 3.11 in
# scripts/test.sh). A version that is not on this machine (python3.X on PATH, or pyenv) is
# an error under CI and a note otherwise. Extra arguments go to pytest.
#   PYTHONS="3.12 3.13" bash scripts/test-pythons.sh -x -q
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHONS="${PYTHONS:-3.12 3.13}"
BROWSER_TESTS=(tests/test_web_browser.py tests/test_fhir_lforms.py tests/test_report_print.py tests/test_packaging.py
    tests/test_plan_report_print.py tests/test_web_plan_browser.py)
ignore=()
for t in "${BROWSER_TESTS[@]}"; do ignore+=(--ignore "$t"); done

find_python() {  # a python3.X that runs (a pyenv shim on PATH may not), else pyenv's own
    local version=$1 candidate
    for candidate in "$(command -v "python$version" 2>/dev/null || true)" \
        "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python 2>/dev/null | sort -V | tail -n1)"; do
        if [ -n "$candidate" ] && "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.')))" 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    return 1
}

for version in $PYTHONS; do
    if ! python=$(find_python "$version"); then
        if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ]; then
            echo "== Python $version: not found (CI needs it)" >&2
            exit 1
        fi
        echo "== Python $version: not found, skipped"
        continue
    fi
    env_dir=".venv-$version"
    echo "== Python $version ($python)"
    [ -x "$env_dir/bin/python" ] || "$python" -m venv "$env_dir"
    "$env_dir/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
    "$env_dir/bin/python" -m pytest -p no:cacheprovider "${ignore[@]}" "$@"
done
