#!/usr/bin/env bash
# Fuzz the live HTTP API with Schemathesis, once per role, from a separate process.
#
#   tools/fuzz/run.sh [DATABASE]
#
# DATABASE (or FUZZ_DATABASE):
#   sqlite            (default) a SQLite file in a temporary MATCHER_HOME
#   postgres          a new database on FUZZ_PG_SERVER (default postgresql://postgres@127.0.0.1:5432),
#                     created for the run and dropped after it
#   postgresql://...  that database: created (and dropped after) when it does not exist; an
#                     existing one must be empty (it receives demo data; kept after the run)
#
# What it does: builds a small demo into a temporary MATCHER_HOME (and the database), starts
# `matcher serve --workers 2` on a free loopback port, makes four tokens (admin with
# `matcher token create`; then through POST /api/v1/tokens: officer; inspector scoped to the
# region of the schema's example person; employer owning the schema's example vacancy), runs
# `st run` with every check and every phase (examples, coverage, fuzzing, stateful) once per
# token (checks configured per operation in tools/fuzz/schemathesis.toml: read its reasons),
# then prints a summary per token, the distinct failures with a curl reproduction each,
# and the unexpected errors of the server log. The server is stopped and the temporary data
# removed on exit, whatever happens. Reports stay in FUZZ_REPORT_DIR.
#
# Needs Schemathesis 4 in the virtualenv: .venv/bin/pip install 'schemathesis>=4,<5'
#
# Exit status: 0 nothing found; 1 failures found; 2 no failure but an incomplete run (a run cut
# short by its time limit, a Schemathesis internal error, a token revoked mid-run); other: setup
# failed.
#
# Settings (environment):
#   FUZZ_EXAMPLES=10        examples per operation and phase (`st run -n`)
#   FUZZ_WORKERS=2          Schemathesis workers (concurrent requests)
#   FUZZ_SERVER_WORKERS=2   `matcher serve --workers`
#   FUZZ_ROLES="officer inspector employer admin"
#   FUZZ_DEMO_ARGS="--vacancies 400 --courses 40 --persons 150"
#   FUZZ_TOKEN_TIMEOUT=240  seconds one role's run may take before it is stopped
#   FUZZ_SEED               a Schemathesis seed, to replay a run
#   FUZZ_ARGS               more `st run` options, split on spaces (for example
#                           FUZZ_ARGS='--include-path-regex ^/api/v1/(jobs|imports|allocations|model)'
#                           to fuzz some operations only)
#   FUZZ_REPORT_DIR         where reports and logs go (default: a new /tmp/matcher-fuzz.* folder)
#   FUZZ_REUSE_DB=1         accept a given PostgreSQL database that already holds tables (a
#                           throwaway one: the demo is written into it)
#   MATCHER                 the matcher command (default: .venv/bin/matcher of this checkout)
#   FUZZ_ST                 the Schemathesis command (default: .venv/bin/st)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${FUZZ_PYTHON:-$ROOT/.venv/bin/python}"
HELPER="$ROOT/tools/fuzz/helper.py"
read -r -a MATCHER_CMD <<<"${MATCHER:-$ROOT/.venv/bin/matcher}"
read -r -a ST_CMD <<<"${FUZZ_ST:-$ROOT/.venv/bin/st}"
DATABASE="${1:-${FUZZ_DATABASE:-sqlite}}"
EXAMPLES="${FUZZ_EXAMPLES:-10}"
WORKERS="${FUZZ_WORKERS:-2}"
SERVER_WORKERS="${FUZZ_SERVER_WORKERS:-2}"
read -r -a ROLES <<<"${FUZZ_ROLES:-officer inspector employer admin}"
read -r -a DEMO_ARGS <<<"${FUZZ_DEMO_ARGS:---vacancies 400 --courses 40 --persons 150}"
TOKEN_TIMEOUT="${FUZZ_TOKEN_TIMEOUT:-240}"
read -r -a EXTRA_ARGS <<<"${FUZZ_ARGS:-}"

if ! version="$("${ST_CMD[@]}" --version 2>/dev/null)" || [[ "$version" != *"version 4."* ]]; then
  echo "fuzz: Schemathesis 4 is needed: $ROOT/.venv/bin/pip install 'schemathesis>=4,<5'" >&2
  exit 3
fi

WORK="$(mktemp -d /tmp/matcher-fuzz-work.XXXXXX)"
REPORT_DIR="${FUZZ_REPORT_DIR:-$(mktemp -d /tmp/matcher-fuzz.XXXXXX)}"
mkdir -p "$REPORT_DIR"
REPORT_DIR="$(cd "$REPORT_DIR" && pwd)"
SERVER_PID=""
ST_PID=""
DROP_URL=""

log() { printf '[fuzz %(%H:%M:%S)T] %s\n' -1 "$*"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$ST_PID" ]] && kill -0 "$ST_PID" 2>/dev/null; then
    log "stopping Schemathesis"
    kill -TERM "$ST_PID" 2>/dev/null || true
    wait "$ST_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    log "stopping the server (process group $SERVER_PID)"
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$DROP_URL" ]]; then
    log "dropping the database made for this run"
    "$PY" "$HELPER" pg-drop "$DROP_URL" || log "could not drop ${DROP_URL##*/}"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Never touch the user's own database: only what this script sets is used.
unset DATABASE_URL MATCHER_DATABASE_URL MATCHER_RETRAIN_EVERY_HOURS
export MATCHER_HOME="$WORK/home"
mkdir -p "$MATCHER_HOME"

log "Schemathesis: $version"
case "$DATABASE" in
  sqlite)
    log "database: SQLite in $MATCHER_HOME"
    ;;
  postgres|postgresql)
    server="${FUZZ_PG_SERVER:-postgresql://postgres@127.0.0.1:5432}"
    export DATABASE_URL="${server%/}/matcher_fuzz_$$_$RANDOM"
    "$PY" "$HELPER" pg-prepare "$DATABASE_URL" >/dev/null
    DROP_URL="$DATABASE_URL"
    log "database: PostgreSQL ${DATABASE_URL##*/} (new, dropped after the run)"
    ;;
  postgresql://*|postgres://*)
    export DATABASE_URL="$DATABASE"
    if [[ "$("$PY" "$HELPER" pg-prepare "$DATABASE_URL")" == created ]]; then
      DROP_URL="$DATABASE_URL"
      log "database: PostgreSQL ${DATABASE_URL##*/} (created, dropped after the run)"
    else
      log "database: PostgreSQL ${DATABASE_URL##*/} (existing and empty; kept after the run)"
    fi
    ;;
  *)
    echo "usage: $0 [sqlite|postgres|postgresql://USER@HOST:PORT/DB]" >&2
    exit 64
    ;;
esac

cd "$WORK"   # Schemathesis and the server write nothing into the checkout

log "demo data: matcher demo ${DEMO_ARGS[*]}"
"${MATCHER_CMD[@]}" demo "${DEMO_ARGS[@]}" >"$REPORT_DIR/demo.log" 2>&1 \
  || { cat "$REPORT_DIR/demo.log" >&2; exit 3; }

PORT="$("$PY" "$HELPER" free-port)"
BASE="http://127.0.0.1:$PORT"
log "starting matcher serve --workers $SERVER_WORKERS on $BASE (log: $REPORT_DIR/server.log)"
# its own process group, so that stopping it also stops its worker processes
setsid "${MATCHER_CMD[@]}" serve --host 127.0.0.1 --port "$PORT" --workers "$SERVER_WORKERS" \
  >"$REPORT_DIR/server.log" 2>&1 &
SERVER_PID=$!
if ! "$PY" "$HELPER" wait "$BASE" 180; then
  echo "fuzz: the server did not answer /api/v1/health within 180 s" >&2
  tail -n 30 "$REPORT_DIR/server.log" >&2
  exit 3
fi

read -r REGION EMPLOYER_BIN < <("$PY" "$HELPER" discover "$BASE")
[[ -n "${EMPLOYER_BIN:-}" ]] || { echo "fuzz: found no region or employer in the demo" >&2; exit 3; }
log "inspector region $REGION, employer BIN $EMPLOYER_BIN"
# the admin token from the command line; the others through POST /tokens (a process start of
# `matcher` costs seconds of CPU)
declare -A TOKENS SCOPES
TOKENS[admin]="$("${MATCHER_CMD[@]}" token create --role admin --label "fuzz admin" 2>/dev/null | tail -n 1)"
SCOPES[admin]="no scope"
[[ -n "${TOKENS[admin]}" ]] || { echo "fuzz: matcher token create --role admin failed" >&2; exit 3; }
mint() { "$PY" "$HELPER" mint "$BASE" "${TOKENS[admin]}" "$@"; }
for role in "${ROLES[@]}"; do
  case "$role" in
    inspector) TOKENS[$role]="$(mint inspector "$REGION")"; SCOPES[$role]="region $REGION" ;;
    employer) TOKENS[$role]="$(mint employer "$EMPLOYER_BIN")"; SCOPES[$role]="BIN $EMPLOYER_BIN" ;;
    officer) TOKENS[$role]="$(mint officer)"; SCOPES[$role]="no scope" ;;
    admin) ;;
    *) echo "fuzz: unknown role $role" >&2; exit 64 ;;
  esac
  [[ -n "${TOKENS[$role]}" ]] || { echo "fuzz: could not create the $role token" >&2; exit 3; }
done
# the admin run must not revoke these (tools/fuzz/hooks.py)
PROTECTED="$("$PY" "$HELPER" token-ids "$BASE" "${TOKENS[admin]}")"

SEED_ARGS=()
[[ -n "${FUZZ_SEED:-}" ]] && SEED_ARGS=(--seed "$FUZZ_SEED")
for role in "${ROLES[@]}"; do
  out="$REPORT_DIR/$role"
  mkdir -p "$out"
  log "schemathesis as $role (${SCOPES[$role]}): -n $EXAMPLES, --workers $WORKERS, all checks, stateful on"
  started=$SECONDS
  # in the background and waited for, so that a signal to this script is handled at once
  FUZZ_PROTECTED_TOKEN_IDS="$PROTECTED" SCHEMATHESIS_HOOKS="$ROOT/tools/fuzz/hooks.py" \
  timeout -k 15 "$TOKEN_TIMEOUT" "${ST_CMD[@]}" --config-file "$ROOT/tools/fuzz/schemathesis.toml" \
    run "$BASE/api/v1/openapi.json" \
    --header "Authorization: Bearer ${TOKENS[$role]}" \
    --phases examples,coverage,fuzzing,stateful \
    --workers "$WORKERS" \
    --max-examples "$EXAMPLES" \
    --request-timeout 60 \
    --generation-database none \
    --no-color \
    --report json,junit \
    --report-dir "$out" \
    --report-json-path "$out/report.json" \
    --report-junit-path "$out/junit.xml" \
    "${SEED_ARGS[@]}" "${EXTRA_ARGS[@]}" >"$out/st.log" 2>&1 &
  ST_PID=$!
  status=0
  wait "$ST_PID" || status=$?
  ST_PID=""
  note="${SCOPES[$role]}; st exit $status; $((SECONDS - started)) s"
  (( status == 124 || status == 137 )) && note="$note; STOPPED after ${TOKEN_TIMEOUT} s"
  if ! kill -0 "$SERVER_PID" 2>/dev/null || ! "$PY" "$HELPER" wait "$BASE" 30; then
    note="$note; SERVER DOWN after this run"
    echo "$note" >"$out/note.txt"
    log "the server stopped answering: no further runs"
    break
  fi
  "$PY" "$HELPER" token-alive "$BASE" "${TOKENS[$role]}" || note="$note; token REVOKED during the run"
  echo "$note" >"$out/note.txt"
  log "  $role done: $note"
done

set +e
"$PY" "$HELPER" summary "$REPORT_DIR" "${ROLES[@]}" | tee "$REPORT_DIR/summary.txt"
result=${PIPESTATUS[0]}
set -e
log "full logs: $REPORT_DIR/<role>/st.log, server log: $REPORT_DIR/server.log"
exit "$result"
