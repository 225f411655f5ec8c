#!/usr/bin/env bash
# Makes sure what the test suite talks to is there: a PostgreSQL server and a Redis server answering at
# COUNCIL_TEST_POSTGRES_URL / COUNCIL_TEST_REDIS_URL, Debian's Chromium at /usr/bin/chromium, and Pango for WeasyPrint.
# Uses what already runs, starts what is installed but stopped, installs what is missing (apt-get).
# Idempotent: running it again when everything answers changes nothing.
set -euo pipefail

POSTGRES_URL="${COUNCIL_TEST_POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${COUNCIL_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
CHROMIUM=/usr/bin/chromium
WAIT_SECONDS="${ENSURE_SERVICES_WAIT_SECONDS:-30}"
APT_LOCK_WAIT_SECONDS="${ENSURE_SERVICES_APT_LOCK_WAIT_SECONDS:-1200}"

log() { printf 'ensure_services: %s\n' "$*"; }
die() {
    printf 'ensure_services: ERROR: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "needs root for: $* (run as root or install sudo)"
    fi
}

as_postgres() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -u postgres "$@")
    else
        die "needs root or sudo to run as the postgres user: $*"
    fi
}

# url_part URL FIELD -> one part of a URL (host, port, username, password, path), empty if absent.
url_part() {
    python3 - "$1" "$2" <<'PY'
import sys
from urllib.parse import unquote, urlsplit

url, field = sys.argv[1], sys.argv[2]
parts = urlsplit(url)
value = {
    "host": parts.hostname,
    "port": parts.port,
    "username": unquote(parts.username) if parts.username else None,
    "password": unquote(parts.password) if parts.password else None,
    "path": parts.path.lstrip("/"),
}[field]
print("" if value is None else value)
PY
}

is_local_host() {
    case "$1" in
        127.0.0.1 | localhost | ::1 | "") return 0 ;;
        *) return 1 ;;
    esac
}

# wait_until SECONDS DESCRIPTION COMMAND... : polls COMMAND once a second.
wait_until() {
    local seconds="$1" what="$2"
    shift 2
    local waited=0
    until "$@" >/dev/null 2>&1; do
        if [ "$waited" -ge "$seconds" ]; then
            return 1
        fi
        if [ "$waited" -eq 0 ]; then
            log "waiting up to ${seconds}s for $what"
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

apt_locks_held() {
    command -v fuser >/dev/null 2>&1 || return 1
    local lock
    for lock in /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
        # Without root fuser may not see root's processes; apt-get's DPkg::Lock::Timeout covers that case.
        if [ -e "$lock" ] && fuser "$lock" >/dev/null 2>&1; then
            return 0
        fi
    done
    return 1
}

wait_for_apt() {
    local waited=0
    while apt_locks_held; do
        if [ "$waited" -ge "$APT_LOCK_WAIT_SECONDS" ]; then
            die "apt/dpkg is still busy after ${APT_LOCK_WAIT_SECONDS}s (another install running?)"
        fi
        if [ $((waited % 30)) -eq 0 ]; then
            log "another apt/dpkg run holds the package lock; waiting (${waited}s so far)"
        fi
        sleep 2
        waited=$((waited + 2))
    done
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "cannot install $* here: no apt-get; install them by hand"
    wait_for_apt
    log "installing with apt-get: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" update ||
        die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT_SECONDS" \
        install -y --no-install-recommends "$@" || die "apt-get install $* failed"
}

chromium_complete() {
    [ -x "$CHROMIUM" ] || return 1
    if command -v dpkg-query >/dev/null 2>&1; then
        [ "$(dpkg-query -W -f='${Status}' chromium 2>/dev/null || true)" = "install ok installed" ] || return 1
    fi
}

# --- PostgreSQL -------------------------------------------------------------------------------------------

PG_HOST="$(url_part "$POSTGRES_URL" host)"
PG_PORT="$(url_part "$POSTGRES_URL" port)"
PG_PORT="${PG_PORT:-5432}"
PG_USER="$(url_part "$POSTGRES_URL" username)"
PG_PASSWORD="$(url_part "$POSTGRES_URL" password)"
PG_HOST="${PG_HOST:-127.0.0.1}"

postgres_answers() { pg_isready -q -t 2 -h "$PG_HOST" -p "$PG_PORT"; }
postgres_accepts_url() { psql "$POSTGRES_URL" -X -q -t -c 'select 1' >/dev/null 2>&1; }
postgres_server_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

# --- Redis ------------------------------------------------------------------------------------------------

REDIS_HOST="$(url_part "$REDIS_URL" host)"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="$(url_part "$REDIS_URL" port)"
REDIS_PORT="${REDIS_PORT:-6379}"

redis_answers() { [ "$(timeout 3 redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ]; }

# --- What is missing? -------------------------------------------------------------------------------------

missing=()
if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    missing+=(postgresql-client)
fi
if is_local_host "$PG_HOST" && ! postgres_server_installed; then
    missing+=(postgresql)
fi
if ! command -v redis-cli >/dev/null 2>&1; then
    missing+=(redis-tools)
fi
if is_local_host "$REDIS_HOST" && ! command -v redis-server >/dev/null 2>&1; then
    missing+=(redis-server)
fi
# WeasyPrint (the demo's PDF documents, the upload tests' PDFs) needs Pango and a font.
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
    if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]; then
        missing+=("$package")
    fi
done
# The accessibility test injects axe-core from npm (package.json); the Makefile runs `npm ci`.
if ! command -v node >/dev/null 2>&1; then
    missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi
if ! chromium_complete; then
    # Maybe an install is running right now: let it finish before deciding.
    wait_for_apt
    chromium_complete || missing+=(chromium)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
else
    log "packages present: PostgreSQL, Redis, Chromium, Pango, Node.js and npm"
fi

# --- Start what is stopped --------------------------------------------------------------------------------

if postgres_answers; then
    log "PostgreSQL answers on $PG_HOST:$PG_PORT"
elif is_local_host "$PG_HOST"; then
    clusters="$(pg_lsclusters --no-header 2>/dev/null || true)"
    if [ -z "$clusters" ]; then
        version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
        log "no PostgreSQL cluster yet; creating $version/main on port $PG_PORT"
        as_root pg_createcluster --port "$PG_PORT" "$version" main
        clusters="$(pg_lsclusters --no-header)"
    fi
    while read -r version cluster port status _; do
        [ -n "$version" ] || continue
        if [ "$status" != "online" ]; then
            log "starting PostgreSQL cluster $version/$cluster (port $port)"
            as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start </dev/null ||
                log "pg_ctlcluster $version $cluster start failed"
        fi
    done <<<"$clusters"
fi
if ! wait_until "$WAIT_SECONDS" "PostgreSQL on $PG_HOST:$PG_PORT" postgres_answers; then
    die "PostgreSQL does not answer on $PG_HOST:$PG_PORT (COUNCIL_TEST_POSTGRES_URL)"
fi

if ! postgres_accepts_url; then
    if is_local_host "$PG_HOST" && [ -n "$PG_USER" ] && [ -n "$PG_PASSWORD" ]; then
        log "cannot log in as '$PG_USER' over TCP; giving that role the password from COUNCIL_TEST_POSTGRES_URL"
        as_postgres psql -X -q -v ON_ERROR_STOP=1 -v role="$PG_USER" -v password="$PG_PASSWORD" <<'SQL'
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS role_missing \gset
\if :role_missing
CREATE ROLE :"role" SUPERUSER;
\endif
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SQL
    fi
    if ! postgres_accepts_url; then
        psql "$POSTGRES_URL" -X -q -t -c 'select 1' >&2 || true
        die "PostgreSQL answers but COUNCIL_TEST_POSTGRES_URL does not log in (see the error above)"
    fi
fi
log "PostgreSQL accepts COUNCIL_TEST_POSTGRES_URL"

if redis_answers; then
    log "Redis answers on $REDIS_HOST:$REDIS_PORT"
elif is_local_host "$REDIS_HOST"; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT (nothing kept on disk)"
    (cd / && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no) ||
        log "redis-server did not start"
fi
if ! wait_until "$WAIT_SECONDS" "Redis on $REDIS_HOST:$REDIS_PORT" redis_answers; then
    die "Redis does not answer on $REDIS_HOST:$REDIS_PORT (COUNCIL_TEST_REDIS_URL)"
fi
log "Redis answers PONG"

# --- Chromium ---------------------------------------------------------------------------------------------

chromium_complete || die "$CHROMIUM is missing after the install"
"$CHROMIUM" --version >/dev/null 2>&1 || die "$CHROMIUM is installed but does not run ($CHROMIUM --version failed)"
log "Chromium: $("$CHROMIUM" --version 2>/dev/null)"
# --- Print libraries (WeasyPrint: Pango and the embedded fonts) ----------------------------------------------

bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/ensure_print_libraries.sh" || die "the print libraries could not be installed"
log "print libraries present: Pango, DejaVu fonts"
log "all services ready"
