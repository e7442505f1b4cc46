#!/usr/bin/env bash
# The benchmark of issue 6: from an empty database, ingest through the GraphQL API and the bulk
# backfill (import) beside the raw binary-COPY limit, linkedCouriers at 1-3 hops beside a
# hand-written SQL floor, freshness under load, the service's peak RSS and the database's size.
# It prints a table and writes bench-results/bench-<N>-<time>.json.
#
#   scripts/benchmark.sh                    # 100,000 incidents
#   scripts/benchmark.sh 1000000            # the issue's large run
#   scripts/benchmark.sh 10000 --no-import  # a smoke run; any further options go to the tool
#                                           # (scripts/benchmark.sh --help lists them)
#
# Settings (environment): SKIP_BUILD=1 (use the last Release build), KEEP=1 (keep the bench
# database and the work folder for a look afterwards), BENCH_DB (the database, ersou_bench).
#
# It uses the local PostgreSQL cluster the run command keeps in .local/postgres/ (starting it the
# way the run command does when it is not running), on a database of its own that it drops and
# makes afresh at the start and drops at the end. Everything listens on 127.0.0.1 only; every wait
# is bounded; whatever it started is stopped on exit.
set -euo pipefail

INCIDENTS=100000
if [ $# -gt 0 ] && [[ $1 != --* ]]; then
    INCIDENTS=$1
    shift
fi
BENCH_DB=${BENCH_DB:-ersou_bench}
# --reuse asks the link questions on the database a KEEP=1 run loaded, so that database stays.
for arg in "$@"; do [ "$arg" = --reuse ] && KEEP=1; done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=Release
API_DIR=$ROOT/src/ErsouIntel.Api
API_DLL=$API_DIR/bin/$CONFIG/net10.0/ErsouIntel.Api.dll
TOOL_DIR=$ROOT/tools/ErsouIntel.Benchmark
TOOL_DLL=$TOOL_DIR/bin/$CONFIG/net10.0/ErsouIntel.Benchmark.dll
CLUSTER=$ROOT/.local/postgres
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ersou-bench.XXXXXX")

TOOL_PID=""
PSQL=""
PG_PORT=""
export PGPASSWORD=""

log() { printf 'benchmark: %s\n' "$*"; }

# Stops a process we started: SIGTERM, up to 30 s, then SIGKILL.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$TOOL_PID"
    # The tool stops its children itself; these are for when it could not (killed outright).
    for child in service import; do
        [ -f "$WORK/$child.pid" ] && stop_pid "$(cat "$WORK/$child.pid")"
    done
    if [ -n "$PSQL" ] && [ -n "$PG_PORT" ]; then
        if [ "${KEEP:-0}" = 1 ]; then
            log "kept database $BENCH_DB on 127.0.0.1:$PG_PORT and $WORK"
        else
            "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"$BENCH_DB\" with (force)" >/dev/null 2>&1 \
                || log "could not drop database $BENCH_DB"
        fi
    fi
    if [ "${KEEP:-0}" != 1 ] && [ "$status" -eq 0 ]; then
        rm -rf "$WORK"
    elif [ "$status" -ne 0 ]; then
        log "kept the work folder with the service's log: $WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_answers() {
    [ -f "$CLUSTER/port" ] && [ -f "$CLUSTER/password" ] || return 1
    PG_PORT=$(cat "$CLUSTER/port")
    PGPASSWORD=$(cat "$CLUSTER/password")
    "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c 'select 1' >/dev/null 2>&1
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building (Release): the service and the benchmark tool"
    dotnet build "$TOOL_DIR/ErsouIntel.Benchmark.csproj" -c "$CONFIG" -nologo -v q -clp:ErrorsOnly
fi
[ -f "$API_DLL" ] && [ -f "$TOOL_DLL" ] || { log "no build in bin/$CONFIG; run without SKIP_BUILD"; exit 1; }

PSQL=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$PSQL" ] || { log "no psql under /usr/lib/postgresql/*/bin"; exit 1; }
if ! pg_answers; then
    log "the local cluster in .local/postgres is not running; starting it the way the run command does"
    (cd "$API_DIR" && timeout 300 dotnet "$API_DLL" local-postgres start) >"$WORK/cluster-start.log" 2>&1 \
        || { cat "$WORK/cluster-start.log"; exit 1; }
    pg_answers || { log "the local cluster still does not answer"; exit 1; }
fi

# The admin connection goes through the environment, not the command line, to keep the password out of process lists.
export ERSOU_BENCH_ADMIN="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=postgres;Password=$PGPASSWORD"
KEEP_FLAG=()
[ "${KEEP:-0}" = 1 ] && KEEP_FLAG=(--keep)

log "cluster at 127.0.0.1:$PG_PORT, database $BENCH_DB, work folder $WORK"

# Token keys as in production: throwaway PKCS#12 certificates in the work folder. Development's
# ephemeral keys cost about 10 ms of CPU per request in token validation (scripts/crash-test.sh);
# EPHEMERAL_KEYS=1 keeps them.
if [ "${EPHEMERAL_KEYS:-0}" != 1 ] && command -v openssl >/dev/null 2>&1; then
    KEY_SECRET=$(openssl rand -hex 16)
    for name in signing encryption; do
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/$name.key" -out "$WORK/$name.crt" -days 2 \
            -subj "/CN=ersou-benchmark-$name" -addext "keyUsage=digitalSignature,keyEncipherment" >/dev/null 2>&1
        openssl pkcs12 -export -inkey "$WORK/$name.key" -in "$WORK/$name.crt" -out "$WORK/$name.pfx" -passout "pass:$KEY_SECRET" >/dev/null 2>&1
        rm -f "$WORK/$name.key"
    done
    export Identity__SigningCertificatePath="$WORK/signing.pfx" Identity__SigningCertificatePassword="$KEY_SECRET"
    export Identity__EncryptionCertificatePath="$WORK/encryption.pfx" Identity__EncryptionCertificatePassword="$KEY_SECRET"
    log "token keys: throwaway certificates in $WORK (as production signs and encrypts)"
else
    log "token keys: Development's ephemeral keys"
fi

cd "$ROOT"
# In the background with wait, so that the trap runs (and stops the tool) as soon as a signal comes.
dotnet "$TOOL_DLL" --incidents "$INCIDENTS" --database "$BENCH_DB" --work "$WORK" "${KEEP_FLAG[@]}" "$@" <&0 &
TOOL_PID=$!
STATUS=0
wait "$TOOL_PID" || STATUS=$?
TOOL_PID=""
exit "$STATUS"
