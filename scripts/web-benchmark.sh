#!/usr/bin/env bash
# Load benchmark of `triage serve` (not a test): 2 gunicorn workers on this machine, wrk in
# another process, 16 concurrent connections. Prints /api/v1/assess throughput with p50/p99
# latency, and the question page's p50. Installs wrk from Debian when missing.
#   scripts/web-benchmark.sh [SECONDS]      (default 15 s per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
CONNECTIONS=16
WORKERS=2

if ! command -v wrk >/dev/null 2>&1; then
    SUDO=(); [ "$(id -u)" -ne 0 ] && SUDO=(sudo -n)
    "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -x .venv/bin/triage ] || { echo "run scripts/test.sh first (creates .venv with the [web] extra)" >&2; exit 1; }

WORK="$(mktemp -d)"
PORT="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export TRIAGE_STATE_KEY="$(.venv/bin/python -c 'import os; print(os.urandom(32).hex())')"  # to seal a state below
.venv/bin/triage serve --port "$PORT" --workers "$WORKERS" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# The bodies: a complete answers file, and a question page mid-way (age and injury answered).
.venv/bin/python - "$WORK" <<'PY'
import json, sys, urllib.parse
work = sys.argv[1]
answers = json.load(open("examples/osteoarthritis.json", encoding="utf-8"))
answers = answers.get("answers", answers)
def lua(path, body, kind, cookie=""):
    with open(f"{work}/{path}", "w", encoding="utf-8") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "%s"\nwrk.body = %s\n' % (kind, json.dumps(body)))
        if cookie:
            f.write('wrk.headers["Cookie"] = %s\n' % json.dumps(cookie))
lua("assess.lua", json.dumps(answers), "application/json")
# The pages' state is a sealed cookie (triage/web/sealed.py); the key is the server's.
import os
from triage.web.sealed import COOKIE, seal
state = json.dumps({"answers": {"age": 60, "injury": False}, "history": ["age", "injury"]})
cookie = f"{COOKIE}={seal(bytes.fromhex(os.environ['TRIAGE_STATE_KEY']), state)}"
form = urllib.parse.urlencode({"action": "answer", "question": "can_bear_weight", "value": "yes"})
lua("page.lua", form, "application/x-www-form-urlencoded", cookie)
PY
curl -fsS -X POST -H 'Content-Type: application/json' --data @examples/osteoarthritis.json "$BASE/api/v1/assess" >/dev/null

run() {  # path script -> wrk output
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/$2" "$BASE$1"
}
wrk -t2 -c"$CONNECTIONS" -d3s -s "$WORK/assess.lua" "$BASE/api/v1/assess" >/dev/null  # warm up
ASSESS="$(run /api/v1/assess assess.lua)"
PAGE="$(run /questions page.lua)"
echo "$ASSESS" >"$WORK/assess.txt"; echo "$PAGE" >"$WORK/page.txt"

pick() { awk -v k="$2" '$1 == k {print $2}' "$WORK/$1.txt"; }
echo "machine: $(nproc) cores, $(uname -m), $(.venv/bin/python -V); triage serve --workers $WORKERS; wrk -c$CONNECTIONS -d${DURATION}s"
echo "/api/v1/assess: $(awk '/Requests\/sec/ {print $2}' "$WORK/assess.txt") requests/s, p50 $(pick assess 50%), p99 $(pick assess 99%), errors: $(grep -c 'Non-2xx\|Socket errors' "$WORK/assess.txt" || true)"
echo "a step (POST /questions, answered with a 303 and a new sealed cookie): $(awk '/Requests\/sec/ {print $2}' "$WORK/page.txt") requests/s, p50 $(pick page 50%), p99 $(pick page 99%)"
