#!/usr/bin/env bash
# Crash safety: six force systems push COUNT incidents while the service is killed with SIGKILL
# mid-run and restarted on the same port and database; the clients resend whatever was not
# acknowledged, then `verify` checks in PostgreSQL that every acknowledged incident is stored
# exactly once, the link graph and matches caught up, and the access-log chain is valid.
#
#   scripts/crash-test.sh                  # the documented run: 20,000 incidents
#   COUNT=6000 scripts/crash-test.sh       # a shorter run
#
# Settings (environment): COUNT (20000), SEED (42), BATCH (100), KILL_AFTER (seconds of sending
# before the kill, 8), KILL_AT (acknowledged incidents before the kill, 1; e.g. COUNT/2 to kill
# half-way), DOWNTIME (seconds the service stays down, 3), CLIENT_TIMEOUT (seconds the
# client may take in all, 1800), SKIP_BUILD=1 (use the last Release build), KEEP=1 (keep the
# database and the work folder for a look afterwards), NO_KILL=1 (no kill and restart: just
# send and verify, for measuring throughput), WARMUP (incidents sent first, under references of
# their own, so that the measured send meets a service past its JIT warm-up; 0), EPHEMERAL_KEYS=1
# (Development's throwaway token keys instead of certificates).
#
# It uses the local PostgreSQL cluster the run command keeps in .local/postgres/ (starting it the
# way the run command does when it is not running), on a database of its own that it drops at the
# end. Everything listens on 127.0.0.1 only; every wait is bounded; whatever it started is stopped
# on exit. The exit status is verify's (and 1 when verify passed but the client could not get
# everything acknowledged).
set -euo pipefail

COUNT=${COUNT:-20000}
SEED=${SEED:-42}
BATCH=${BATCH:-100}
KILL_AFTER=${KILL_AFTER:-8}
KILL_AT=${KILL_AT:-1}
DOWNTIME=${DOWNTIME:-3}
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-1800}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=Release
API_DIR=$ROOT/src/ErsouIntel.Api
API_DLL=$API_DIR/bin/$CONFIG/net10.0/ErsouIntel.Api.dll
TOOL_DLL=$ROOT/tools/ErsouIntel.LoadClient/bin/$CONFIG/net10.0/ErsouIntel.LoadClient.dll
CLUSTER=$ROOT/.local/postgres
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ersou-crash.XXXXXX")
ACKS=$WORK/acknowledged.tsv
SERVICE_LOG=$WORK/service.log
CLIENT_LOG=$WORK/client.log

SERVICE_PID=""
CLIENT_PID=""
DB=""
PSQL=""
PG_PORT=""
export PGPASSWORD=""

log() { printf 'crash-test: %s\n' "$*"; }
now() { date +%s; }
# shellcheck source=scripts/local-run.sh
. "$ROOT/scripts/local-run.sh"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$CLIENT_PID"
    stop_pid "$SERVICE_PID"
    if [ -n "$DB" ] && [ -n "$PSQL" ]; then
        if [ "${KEEP:-0}" = 1 ]; then
            log "kept database $DB on 127.0.0.1:$PG_PORT and $WORK"
        else
            "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"$DB\" with (force)" >/dev/null 2>&1 || log "could not drop database $DB"
        fi
    fi
    if [ "${KEEP:-0}" != 1 ]; then
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: ask the kernel for one through a throwaway listener.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_service() {
    # exec: the PID we hold is the service itself, so kill -9 hits it and nothing else.
    (cd "$API_DIR" && exec env ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Postgres="$CONNECTION" "${KEY_SETTINGS[@]}" \
        dotnet "$API_DLL" --urls "http://127.0.0.1:$PORT") >>"$SERVICE_LOG" 2>&1 &
    SERVICE_PID=$!
}

wait_ready() {
    local started
    started=$(now)
    for _ in $(seq 1 240); do
        if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
            log "the service exited while starting; its log:"
            tail -n 40 "$SERVICE_LOG"
            return 1
        fi
        if curl -fsS -m 2 "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; then
            log "service ready on 127.0.0.1:$PORT (pid $SERVICE_PID) after $(($(now) - started)) s"
            return 0
        fi
        sleep 0.5
    done
    log "the service did not answer /health/ready within 120 s"
    return 1
}

acks() {
    local n=0
    [ -f "$ACKS" ] && n=$(grep -vc '^#' "$ACKS" || true)
    echo "${n:-0}"
}

RUN_STARTED=$(now)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building (Release): the service and the load client"
    dotnet build "$ROOT/tools/ErsouIntel.LoadClient/ErsouIntel.LoadClient.csproj" -c "$CONFIG" -nologo -v q -clp:ErrorsOnly
fi
[ -f "$API_DLL" ] && [ -f "$TOOL_DLL" ] || { log "no build in bin/$CONFIG; run without SKIP_BUILD"; exit 1; }

local_cluster

DB="ersou_crash_$(date +%Y%m%d%H%M%S)_$$"
"$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "create database \"$DB\"" >/dev/null
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=$DB;Username=postgres;Password=$PGPASSWORD"
PORT=$(free_port)
log "database $DB on the local cluster at 127.0.0.1:$PG_PORT; service on 127.0.0.1:$PORT; work folder $WORK"

make_keys crash-test
start_service
wait_ready

if [ "${WARMUP:-0}" -gt 0 ]; then
    log "warming up: $WARMUP incidents (run tag warm$SEED), acknowledged into the same file and verified with the rest"
    dotnet "$TOOL_DLL" send --url "http://127.0.0.1:$PORT" --count "$WARMUP" --seed "$SEED" --run-tag "warm$SEED" --batch "$BATCH" \
        --ack-file "$ACKS" --deadline "$CLIENT_TIMEOUT" > >(tee -a "$CLIENT_LOG" | tail -n 1 | sed 's/^/warm-up /') 2>&1
fi

log "sending $COUNT incidents (seed $SEED, batches of $BATCH) from 6 force systems"
SEND_STARTED=$(now)
dotnet "$TOOL_DLL" send --url "http://127.0.0.1:$PORT" --count "$COUNT" --seed "$SEED" --batch "$BATCH" \
    --ack-file "$ACKS" --deadline "$CLIENT_TIMEOUT" > >(tee -a "$CLIENT_LOG") 2>&1 &
CLIENT_PID=$!

if [ "${NO_KILL:-0}" != 1 ]; then
    # Mid-run: at least KILL_AFTER seconds of sending and KILL_AT acknowledged, the client still going.
    for _ in $(seq 1 $((KILL_AFTER * 2 + CLIENT_TIMEOUT * 2))); do
        if [ $(($(now) - SEND_STARTED)) -ge "$KILL_AFTER" ] && [ "$(acks)" -ge "$KILL_AT" ]; then
            break
        fi
        kill -0 "$CLIENT_PID" 2>/dev/null || break
        sleep 0.5
    done
    if ! kill -0 "$CLIENT_PID" 2>/dev/null; then
        log "the client finished before the kill: no crash was tested (raise COUNT or lower KILL_AFTER)"
        exit 1
    fi

    ACKED_AT_KILL=$(acks)
    log "kill -9 $SERVICE_PID after $(($(now) - SEND_STARTED)) s of sending, $ACKED_AT_KILL of $COUNT acknowledged"
    kill -KILL "$SERVICE_PID"
    wait "$SERVICE_PID" 2>/dev/null || true
    KILLED_PID=$SERVICE_PID
    SERVICE_PID=""
    sleep "$DOWNTIME"

    log "restarting the service on the same port and database (the killed one was pid $KILLED_PID)"
    RESTARTED=$(now)
    start_service
    wait_ready
    log "down for $(($(now) - RESTARTED + DOWNTIME)) s; the clients resend what was not acknowledged"
fi

CLIENT_STATUS=""
for _ in $(seq 1 $((CLIENT_TIMEOUT + 60))); do
    if ! kill -0 "$CLIENT_PID" 2>/dev/null; then
        CLIENT_STATUS=0
        wait "$CLIENT_PID" || CLIENT_STATUS=$?
        break
    fi
    sleep 1
done
if [ -z "$CLIENT_STATUS" ]; then
    log "the client did not finish within $CLIENT_TIMEOUT s; stopping it"
    stop_pid "$CLIENT_PID"
    CLIENT_STATUS=1
fi
CLIENT_PID=""
SEND_SECONDS=$(($(now) - SEND_STARTED))

# Quiesce before checking: a clean stop, so nothing is in flight while verify reads.
stop_pid "$SERVICE_PID"
SERVICE_PID=""

# PostgreSQL's own count, and the service's: each deadlock it retries is one line at Information
# (Storage/ConflictAwareMartenLogger.cs), no longer an error with a stack trace per command of the batch.
DEADLOCKS=$("$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "select deadlocks from pg_stat_database where datname = '$DB'" 2>/dev/null || echo "?")
log "client exit status $CLIENT_STATUS after $SEND_SECONDS s; PostgreSQL counted $DEADLOCKS deadlocks (each retried;" \
    "$(grep -cF 'met a concurrent writer (retried): 40P01' "$SERVICE_LOG" || true) retried deadlocks in the service log, one line each)" \
    "and the service made $(grep -c 'writing them one by one' "$SERVICE_LOG" || true) batch fallbacks to one-by-one writes; verifying"
echo
VERIFY_STATUS=0
ConnectionStrings__Postgres="$CONNECTION" dotnet "$TOOL_DLL" verify --ack-file "$ACKS" || VERIFY_STATUS=$?
echo
if [ "${NO_KILL:-0}" = 1 ]; then KILL_NOTE="no kill (NO_KILL=1)"; else KILL_NOTE="SIGKILL after $ACKED_AT_KILL acknowledged"; fi
log "summary: $COUNT incidents, batches of $BATCH, 6 concurrent force systems; $KILL_NOTE;" \
    "sending took $SEND_SECONDS s including the restart; whole run $(($(now) - RUN_STARTED)) s; client status $CLIENT_STATUS, verify status $VERIFY_STATUS"
if [ "$VERIFY_STATUS" -ne 0 ]; then
    exit "$VERIFY_STATUS"
fi
if [ "$CLIENT_STATUS" -ne 0 ]; then
    log "verify passed, but the client could not get every incident acknowledged (see above)"
    exit 1
fi
exit 0
