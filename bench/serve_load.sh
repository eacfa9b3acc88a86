#!/usr/bin/env bash
# The service under load, end to end: a demo database, `matcher serve --workers 2` (and, on
# PostgreSQL, a `matcher worker` for the job queue), then bench.load from a separate process.
#
#   bench/serve_load.sh sqlite|postgres [mixed|recommend] [--jobs]
#
# mixed      60 s, 20 clients: 80% recommendations, 10% candidates, 5% outcomes, 5% plan writes
# recommend  60 s, 20 clients: GET /persons/{id}/recommendations?kind=vacancy&limit=10 only
# --jobs     an allocation and a retraining are queued at the start and queued again whenever
#            they finish, so that slow jobs run for the whole measurement
#
# The demo carries 200 days of simulated outcomes (`matcher demo --history 200`), so that a
# retraining has something to learn from. Everything is made in a temporary folder (and a new
# PostgreSQL database, dropped after) and removed at the end. Figures go to standard output.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB="${1:?sqlite or postgres}"
MODE="${2:-mixed}"
JOBS="${3:-}"
SECONDS_RUN="${LOAD_SECONDS:-60}"
CLIENTS="${LOAD_CLIENTS:-20}"
M="$ROOT/.venv/bin/matcher"
PY="$ROOT/.venv/bin/python"
WORK="$(mktemp -d)"
export MATCHER_HOME="$WORK/home"
export MATCHER_SECRET_KEY="bench-only-key-0123456789abcdef0123456789"
# one token per kind of client: lift the per-token limits (docs/security.md)
export MATCHER_TOKEN_CONCURRENCY=1000 MATCHER_TOKEN_RATE_PER_MINUTE=1000000
unset DATABASE_URL MATCHER_DATABASE_URL
PGDB=""
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$PGDB" ]; then
    psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $PGDB with (force)" >/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ "$DB" = postgres ]; then
  PGDB="matcher_load_$$"
  psql -h 127.0.0.1 -U postgres -q -c "create database $PGDB" >/dev/null
  export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$PGDB"
fi
echo "== demo with 200 days of history ($DB)" >&2
"$M" demo --history 200 >"$WORK/demo.log" 2>&1
OFFICER="$("$M" token create --role officer 2>/dev/null)"
ADMIN="$("$M" token create --role admin 2>/dev/null)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
setsid "$M" serve --port "$PORT" --workers 2 >"$WORK/serve.log" 2>&1 &
pids+=($!)
if [ "$DB" = postgres ]; then
  setsid "$M" worker >"$WORK/worker.log" 2>&1 &
  pids+=($!)
fi
for _ in $(seq 1 120); do
  curl -fsS "$URL/api/v1/health" >/dev/null 2>&1 && break
  sleep 1
done
# every worker warms its engine as it starts: measure once they are done (idle)
"$PY" -c "import bench.api as b, sys; print(f'== server warm after {b.wait_idle(int(sys.argv[1])):.0f} s more', file=sys.stderr)" "${pids[0]}"
if [ "$JOBS" = --jobs ]; then
  region="$("$PY" - <<'PY'
import sqlalchemy as sa
from service.config import Settings
engine = sa.create_engine(Settings().url)
with engine.connect() as c:
    print(c.execute(sa.text(
        "select region_kato from persons group by region_kato order by count(*) desc limit 1"
    )).scalar())
PY
)"
  (
    end=$((SECONDS + SECONDS_RUN + 30))
    while [ $SECONDS -lt $end ]; do
      a="$(curl -fsS -X POST "$URL/api/v1/allocations" -H "Authorization: Bearer $ADMIN" \
        -H 'Content-Type: application/json' \
        -d "{\"kato\":\"$region\",\"release_from\":\"2020-01-01\",\"release_to\":\"2030-12-31\"}" || true)"
      r="$(curl -fsS -X POST "$URL/api/v1/model/retrain" -H "Authorization: Bearer $ADMIN" || true)"
      for body in "$a" "$r"; do
        url="$(printf '%s' "$body" | "$PY" -c 'import json,sys
try: print(json.load(sys.stdin)["url"])
except Exception: pass')"
        [ -n "$url" ] || continue
        while [ $SECONDS -lt $end ]; do
          state="$(curl -fsS "$URL$url" -H "Authorization: Bearer $ADMIN" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["state"])' || echo unknown)"
          case "$state" in succeeded|failed) echo "job $url: $state" >&2; break ;; esac
          sleep 2
        done
      done
    done
  ) &
  pids+=($!)
  sleep 3
fi
args=(--url "$URL" --token "$OFFICER" --seconds "$SECONDS_RUN" --clients "$CLIENTS")
[ "$MODE" = recommend ] && args+=(--only recommend)
echo "== bench.load $MODE on $DB ${JOBS:+with jobs running} (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
"$PY" -m bench.load "${args[@]}"
echo "== server log: $(grep -c -i 'error\|traceback' "$WORK/serve.log" || true) error lines"
grep -i -m5 'traceback\|error' "$WORK/serve.log" || true
