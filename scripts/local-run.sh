# Sourced by scripts/benchmark.sh and scripts/crash-test.sh: what both need to run the service
# against the local PostgreSQL cluster. The sourcing script sets API_DIR, API_DLL, CLUSTER, WORK,
# PSQL, PG_PORT and PGPASSWORD (empty at first), and defines log.

# Stops a process we started: SIGTERM, up to STOP_GRACE seconds (15 unless set), then SIGKILL.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((${STOP_GRACE:-15} * 2))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

pg_answers() {
    [ -f "$CLUSTER/port" ] && [ -f "$CLUSTER/password" ] || return 1
    PG_PORT=$(cat "$CLUSTER/port")
    PGPASSWORD=$(cat "$CLUSTER/password")
    "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt -c 'select 1' >/dev/null 2>&1
}

# Finds psql and makes sure the local cluster in .local/postgres answers, starting it the way the
# run command does when it is not running.
local_cluster() {
    PSQL=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$PSQL" ] || { log "no psql under /usr/lib/postgresql/*/bin"; exit 1; }
    if ! pg_answers; then
        log "the local cluster in .local/postgres is not running; starting it the way the run command does"
        (cd "$API_DIR" && timeout 300 dotnet "$API_DLL" local-postgres start) >"$WORK/cluster-start.log" 2>&1 \
            || { cat "$WORK/cluster-start.log"; exit 1; }
        pg_answers || { log "the local cluster still does not answer"; exit 1; }
    fi
}

# Token keys as in production: throwaway PKCS#12 certificates in the work folder, the same for every
# start of the service in the run. Development's ephemeral keys (EPHEMERAL_KEYS=1, or without
# openssl) cost about 10 ms of CPU per request in token validation: each decryption re-imports the
# private key and checks it. Leaves the service's settings in KEY_SETTINGS (NAME=value words).
KEY_SETTINGS=()
make_keys() {
    local run=$1 secret name
    if [ "${EPHEMERAL_KEYS:-0}" = 1 ] || ! command -v openssl >/dev/null 2>&1; then
        log "token keys: Development's ephemeral keys"
        return 0
    fi
    secret=$(openssl rand -hex 16)
    for name in signing encryption; do
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/$name.key" -out "$WORK/$name.crt" -days 2 \
            -subj "/CN=ersou-$run-$name" -addext "keyUsage=digitalSignature,keyEncipherment" >/dev/null 2>&1
        openssl pkcs12 -export -inkey "$WORK/$name.key" -in "$WORK/$name.crt" -out "$WORK/$name.pfx" -passout "pass:$secret" >/dev/null 2>&1
        rm -f "$WORK/$name.key"
    done
    KEY_SETTINGS=(Identity__SigningCertificatePath="$WORK/signing.pfx" Identity__SigningCertificatePassword="$secret"
        Identity__EncryptionCertificatePath="$WORK/encryption.pfx" Identity__EncryptionCertificatePassword="$secret")
    log "token keys: throwaway certificates in $WORK (as production signs and encrypts)"
}
