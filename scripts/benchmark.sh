#!/usr/bin/env bash
# The benchmark: from an empty database, ingest through the GraphQL API (link graph inline, and
# again with LinkGraph__Apply=Daemon on a second database) and the bulk backfill (import) beside the
# raw binary-COPY limit (for the import also a COPY of every row it writes), the link questions (couriersLinkedTo first
# pages from random starts and the biggest hubs, network, paths, search, linkedCouriers) each
# beside a hand-written SQL floor, freshness under load (inline, then daemon mode), live alert subscribers on a second instance
# (latency, lost/duplicated, memory per subscriber), the service's peak RSS and the database's size; with --replica also a
# synchronous standby and ingest with and without an open-loop load of link questions (issue 21).
# It prints a table and writes bench-results/bench-<N>-<time>.json.
#
#   scripts/benchmark.sh                    # 100,000 incidents
#   scripts/benchmark.sh 1000000            # the large run (docs/performance.md)
#   scripts/benchmark.sh 10000 --no-import --queries 200  # a smoke run; further options go to the tool
#                                           # (scripts/benchmark.sh --help lists them)
#
# Settings (environment): SKIP_BUILD=1 (use the last Release build), KEEP=1 (keep the bench
# database and the work folder for a look afterwards), BENCH_DB (the database, ersou_bench).
#
# It uses the local PostgreSQL cluster the run command keeps in .local/postgres/ (starting it the
# way the run command does when it is not running), on a database of its own that it drops and
# makes afresh at the start and drops at the end (and <BENCH_DB>_daemon for the daemon's ingest). Everything listens on 127.0.0.1 only; every wait
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
STOP_GRACE=30
# shellcheck source=scripts/local-run.sh
. "$ROOT/scripts/local-run.sh"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$TOOL_PID"
    # The tool stops its children itself; these are for when it could not (killed outright).
    for child in service service-b service-daemon import; do
        [ -f "$WORK/$child.pid" ] && stop_pid "$(cat "$WORK/$child.pid")"
    done
    # --replica's synchronous standby: the tool takes it down itself; this is for when it could not. While the cluster
    # names a synchronous standby that is gone, every commit on it waits forever: the setting goes first.
    local standby pg_ctl
    standby=$(dirname "$CLUSTER")/postgres-bench-standby
    if [ -d "$standby" ]; then
        log "taking down the replica phase's standby in $standby"
        if [ -n "$PSQL" ] && [ -n "$PG_PORT" ]; then
            "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "alter system reset synchronous_standby_names" -c "select pg_reload_conf()" >/dev/null 2>&1 \
                || log "could not reset synchronous_standby_names: run it by hand"
            pg_ctl=$(dirname "$PSQL")/pg_ctl
            if [ -f "$standby/data/postmaster.pid" ]; then
                if [ "$(id -u)" = 0 ]; then
                    runuser -u "$(stat -c %U "$standby/data")" -- "$pg_ctl" stop -D "$standby/data" -m fast -w -t 60 >/dev/null 2>&1 || log "could not stop the standby"
                else
                    "$pg_ctl" stop -D "$standby/data" -m fast -w -t 60 >/dev/null 2>&1 || log "could not stop the standby"
                fi
            fi
        fi
        rm -rf "$standby"
    fi
    if [ -n "$PSQL" ] && [ -n "$PG_PORT" ]; then
        if [ "${KEEP:-0}" = 1 ]; then
            log "kept database $BENCH_DB on 127.0.0.1:$PG_PORT and $WORK"
        else
            "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"$BENCH_DB\" with (force)" >/dev/null 2>&1 \
                || log "could not drop database $BENCH_DB"
        fi
        # The daemon mode's ingest runs on a database of its own, which the tool drops itself unless it was killed outright.
        "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"${BENCH_DB}_daemon\" with (force)" >/dev/null 2>&1 \
            || log "could not drop database ${BENCH_DB}_daemon"
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

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building (Release): the service and the benchmark tool"
    dotnet build "$TOOL_DIR/ErsouIntel.Benchmark.csproj" -c "$CONFIG" -nologo -v q -clp:ErrorsOnly
fi
[ -f "$API_DLL" ] && [ -f "$TOOL_DLL" ] || { log "no build in bin/$CONFIG; run without SKIP_BUILD"; exit 1; }

local_cluster

# The admin connection goes through the environment, not the command line, to keep the password out of process lists.
export ERSOU_BENCH_ADMIN="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=postgres;Password=$PGPASSWORD"
# --replica copies this cluster into a standby beside it (postgres-bench-standby).
export ERSOU_BENCH_CLUSTER="$CLUSTER"
KEEP_FLAG=()
[ "${KEEP:-0}" = 1 ] && KEEP_FLAG=(--keep)

log "cluster at 127.0.0.1:$PG_PORT, database $BENCH_DB, work folder $WORK"

make_keys benchmark
[ ${#KEY_SETTINGS[@]} -eq 0 ] || export "${KEY_SETTINGS[@]}"

cd "$ROOT"
# In the background with wait, so that the trap runs (and stops the tool) as soon as a signal comes.
dotnet "$TOOL_DLL" --incidents "$INCIDENTS" --database "$BENCH_DB" --work "$WORK" "${KEEP_FLAG[@]}" "$@" <&0 &
TOOL_PID=$!
STATUS=0
wait "$TOOL_PID" || STATUS=$?
TOOL_PID=""
exit "$STATUS"
