#!/usr/bin/env bash
# HTTP load run (issue 11): `make serve` (gunicorn, gunicorn.conf.py) on a bench archive,
# then wrk (Debian package `wrk`) on each path given, one after the other.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_100k \
#   SGO_SEARCH_INDEX_DIR=bench/results/index-sgo_bench_100k \
#       bench/wrk_run.sh wrk-100k /vergaderingen/2008-01-02-10/ '/vergaderingen/?jaar=2020&ministerie=bzk'
#
# Settings from the environment: PORT (8790), SGO_WORKERS (4: two per core on the
# 2-core bench machine), WRK_THREADS (2), WRK_CLIENTS (50), WRK_SECONDS (30).
# `make serve` migrates: the run refuses a database with unapplied migrations instead
# of changing it. Each path is asked for once with curl first (status must be 200).
# wrk's output and the server's log go to bench/results/<label>-*.txt; gunicorn is
# stopped at the end (its own process group, started here).
set -euo pipefail
cd "$(dirname "$0")/.."

label=${1:?usage: bench/wrk_run.sh LABEL PATH...}
shift
[ $# -gt 0 ] || { echo "give at least one path, e.g. /vergaderingen/" >&2; exit 2; }
: "${DATABASE_URL:?set DATABASE_URL to a bench database}"
: "${SGO_SEARCH_INDEX_DIR:?set SGO_SEARCH_INDEX_DIR to the index of that database}"
export PORT=${PORT:-8790}
export SGO_WORKERS=${SGO_WORKERS:-4}
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}
threads=${WRK_THREADS:-2}
clients=${WRK_CLIENTS:-50}
duration=${WRK_SECONDS:-30}
stamp=$(date -u +%Y-%m-%dT%H%M%S)
out=bench/results/$label-$stamp
mkdir -p bench/results

if .venv/bin/python manage.py showmigrations | grep -q '\[ \]'; then
    echo "$DATABASE_URL has unapplied migrations; make serve would migrate it: not serving." >&2
    exit 1
fi

setsid make serve >"$out-server.log" 2>&1 &
server=$!
trap 'kill -TERM -- -"$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 1
done

{
    echo "# $label $stamp: SGO_WORKERS=$SGO_WORKERS, wrk -t$threads -c$clients -d${duration}s"
    echo "# nproc $(nproc); uptime before: $(uptime)"
} >"$out-wrk.txt"
for path in "$@"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
    [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
    echo "## $path" | tee -a "$out-wrk.txt"
    wrk -t"$threads" -c"$clients" -d"${duration}s" --latency "http://127.0.0.1:$PORT$path" \
        | tee -a "$out-wrk.txt"
    echo "# uptime after: $(uptime)" | tee -a "$out-wrk.txt"
done
echo "wrk output in $out-wrk.txt, server log in $out-server.log"
