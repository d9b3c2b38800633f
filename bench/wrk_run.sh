#!/usr/bin/env bash
# HTTP load run (issue 11): `make serve` (gunicorn, gunicorn.conf.py) on a bench archive,
# then wrk (Debian package `wrk`) on each path given, one after the other.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_100k \
#   SGO_SEARCH_INDEX_DIR=bench/results/index-sgo_bench_100k \
#       bench/wrk_run.sh wrk-100k /vergaderingen/2008-01-02-10/ '/vergaderingen/?jaar=2020&ministerie=bzk'
#
# A path written @FILE stands for the paths in FILE (one a line): each request draws one at
# random (bench/wrk_paths.lua), e.g. many different meetings instead of one.
#
# Settings from the environment: PORT (8790), SGO_WORKERS (4: two per core on the
# 2-core bench machine), WRK_THREADS (2), WRK_CLIENTS (50), WRK_SECONDS (30).
# `make serve` migrates: the run refuses a database with unapplied migrations instead
# of changing it. Each path (a file's first) is asked for once with curl first (status
# must be 200). wrk's output and the server's log go to bench/results/<label>-*.txt;
# gunicorn is stopped at the end (its own process group, started here). After each run
# the server's access log of that run is counted: answers by status, and by the page
# cache's X-Page-Cache header (hit, miss, or "-" for not cached: SGO_PAGE_CACHE_SECONDS=0
# turns the cache off), and the CPU time gunicorn's processes used during the run
# (whole seconds, from ps) per answer: what a request costs whatever else the machine runs.
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
    echo "# $label $stamp: SGO_WORKERS=$SGO_WORKERS, SGO_PAGE_CACHE_SECONDS=${SGO_PAGE_CACHE_SECONDS:-default}, wrk -t$threads -c$clients -d${duration}s"
    echo "# commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' || echo ' (uncommitted changes)')"
    echo "# nproc $(nproc); uptime before: $(uptime)"
} >"$out-wrk.txt"
# CPU seconds used so far by the server's processes (gunicorn's master and workers).
server_cpu() { ps -eo pgid=,cputimes= | awk -v g="$server" '$1 == g { s += $2 } END { print s + 0 }'; }

for path in "$@"; do
    if [[ $path == @* ]]; then
        file=${path#@}
        first=$(head -n1 "$file")
        url=http://127.0.0.1:$PORT
        script=(-s bench/wrk_paths.lua)
        args=(-- "$file" "${WRK_SEED:-1}")
        what="$path ($(grep -c . "$file") paths, drawn at random)"
    else
        file='' first=$path url=http://127.0.0.1:$PORT$path script=() args=() what=$path
    fi
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$first")
    [ "$status" = 200 ] || { echo "$first answered $status" >&2; exit 1; }
    echo "## $what" | tee -a "$out-wrk.txt"
    logged=$(wc -l <"$out-server.log")
    cpu_before=$(server_cpu)
    wrk -t"$threads" -c"$clients" -d"${duration}s" --latency "${script[@]}" "$url" "${args[@]}" \
        | tee -a "$out-wrk.txt"
    sleep 2  # the last answers reach the access log
    cpu_used=$(($(server_cpu) - cpu_before))
    # The access log's lines of this run: '... "GET /path HTTP/1.1" 200 1234 12ms "-" hit'
    # Only this run's paths: answers to the run before that wrk gave up on may come late.
    tail -n +"$((logged + 1))" "$out-server.log" \
        | awk -v cpu="$cpu_used" -v one="$first" -v file="$file" 'BEGIN {
            if (file == "") want[one] = 1; else while ((getline line < file) > 0) want[line] = 1 }
        $2 == "\"GET" && ($3 in want) {
            n++; status[$5]++; cache[$NF]++ }
        END { printf "# server: %d answers; status", n; for (s in status) printf " %s:%d", s, status[s]
              printf "; page cache"; for (c in cache) printf " %s:%d", c, cache[c]
              printf "; gunicorn CPU %d s", cpu; if (n) printf " (%.1f ms per answer)", 1000 * cpu / n
              print "" }' \
        | tee -a "$out-wrk.txt"
    echo "# uptime after: $(uptime)" | tee -a "$out-wrk.txt"
done
echo "wrk output in $out-wrk.txt, server log in $out-server.log"
