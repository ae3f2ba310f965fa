#!/usr/bin/env bash
# Compares the non-stream throughput (row 1's load) of the same server jar over different stores, in
# alternating windows: one server per store runs at once (all pinned to CPU 0), only one is under load
# at a time, so the drift of a shared machine falls on every store alike (the method of bench/ab.sh on
# wip/perf, which compares jars).
#
#   bench/records-ab.sh [--rounds=N] [--window=S] [--warm=S] STORE STORE [STORE ...]
#
#   STORE        none (records in memory), sqlite (a file in the work directory) or postgres (a cluster
#                created with initdb in the work directory, on CPU 1 with the fake and wrk; at nice 19
#                unless GB_PG_NICE says otherwise, so that it takes only the CPU the load generator
#                leaves, as a database on another machine would take none of it)
#   --rounds=N   measured rounds (default 6); each round loads every server once, in turn
#   --window=S   seconds of load per server and round (default 15)
#   --warm=S     unmeasured seconds of load per server before the first round, in 10 s turns (default 60)
#
# Environment: GB_JAR (default gemini-balance-micronaut/target/gemini-balance-server.jar), GB_JAVA_OPTS,
# GB_PG_NICE (default 19).
#
# Per window it prints req/s, the server's CPU time per request (utime+stime of all its threads, the
# store's writer included, / requests) and the request records the window added to the writer's queue
# that were dropped; at the end the median of each per store, and per store the requests served, the
# records written and the records dropped over the whole run. Needs
# gemini-balance-bench/target/benchmarks.jar, wrk, taskset, curl, ss (and PostgreSQL for postgres).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=6
WINDOW=15
WARM=60
STORES=()
for arg in "$@"; do
  case "$arg" in
    --rounds=*) ROUNDS=${arg#--rounds=} ;;
    --window=*) WINDOW=${arg#--window=} ;;
    --warm=*) WARM=${arg#--warm=} ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    none|sqlite|postgres) STORES+=("$arg") ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done
[ ${#STORES[@]} -ge 2 ] || { echo "give at least two stores (try --help)" >&2; exit 2; }
GB_JAR=${GB_JAR:-"$ROOT/gemini-balance-micronaut/target/gemini-balance-server.jar"}
BENCH_JAR="$ROOT/gemini-balance-bench/target/benchmarks.jar"
[ -f "$GB_JAR" ] || { echo "$GB_JAR is missing" >&2; exit 1; }
[ -f "$BENCH_JAR" ] || { echo "$BENCH_JAR is missing: mvn -B -ntp -q -pl gemini-balance-bench -am package -DskipTests" >&2; exit 1; }
CLK_TCK=$(getconf CLK_TCK)
log() { echo "[records-ab $(date +%T)] $*" >&2; }

WORK=$(mktemp -d /tmp/gb-records-ab.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    kill -QUIT "$(head -n 1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return; }
  done
}
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
metric() {  # port name -> the value of a gemini_balance_* series without labels
  curl -s -m 5 -H 'Authorization: Bearer bench' "http://127.0.0.1:$1/prometheus" \
    | awk -v n="$2" '$1 == n {printf "%.0f", $2}'
}
served() {  # port -> client requests served so far
  curl -s -m 5 -H 'Authorization: Bearer bench' "http://127.0.0.1:$1/prometheus" \
    | awk '/^gemini_balance_requests_total\{/{s+=$2} END{printf "%.0f", s}'
}

postgres_url() {
  local bin port as=()
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "postgres needs the Debian package postgresql" >&2; exit 1; }
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  port=$(free_port)
  mkdir -p "$WORK/pg"
  echo bench-pw >"$WORK/pg/pw"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$WORK/pg"; chmod 755 "$WORK"; fi
  "${as[@]}" "$bin/initdb" -D "$WORK/pg/data" -U postgres --pwfile="$WORK/pg/pw" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --no-sync >"$WORK/pg/initdb.log" 2>&1
  "${as[@]}" nice -n "${GB_PG_NICE:-19}" taskset -c 1 "$bin/postgres" -D "$WORK/pg/data" -p "$port" -k "$WORK/pg" \
    -c listen_addresses=127.0.0.1 >"$WORK/pg/postgres.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 150); do
    "${as[@]}" "$bin/psql" -h "$WORK/pg" -p "$port" -U postgres -qc 'CREATE DATABASE gb' >/dev/null 2>&1 && break
    sleep 0.2
  done
  log "postgres $("$bin/postgres" --version | awk '{print $3}') on :$port (CPU 1, nice ${GB_PG_NICE:-19})"
  echo "jdbc:postgresql://127.0.0.1:$port/gb"
}

FAKE_PORT=$(free_port)
taskset -c 1 java -XX:+UseSerialGC -Xms256m -Xmx512m -cp "$BENCH_JAR" io.github.geminibalance.bench.FakeGeminiServer \
  --port="$FAKE_PORT" --events=8 --delay-ms=0 >"$WORK/fake.log" 2>&1 &
PIDS+=($!)

PORTS=()
SPIDS=()
for i in "${!STORES[@]}"; do
  port=$(free_port)
  case "${STORES[$i]}" in
    none) db=(DATABASE_TYPE=none) ;;
    sqlite) db=(DATABASE_TYPE=sqlite "SQLITE_DATABASE=$WORK/gb-$i.db") ;;
    postgres) db=(DATABASE_TYPE=postgres "DATABASE_URL=$(postgres_url)" DATABASE_USER=postgres DATABASE_PASSWORD=bench-pw) ;;
  esac
  # shellcheck disable=SC2086
  env API_KEYS='["k1","k2","k3"]' ALLOWED_TOKENS='["bench"]' BASE_URL="http://127.0.0.1:$FAKE_PORT/v1beta" \
    PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 "${db[@]}" \
    taskset -c 0 java ${GB_JAVA_OPTS:-} -jar "$GB_JAR" >"$WORK/gb-$i.log" 2>&1 &
  SPIDS+=($!); PIDS+=($!); PORTS+=("$port")
done
for i in "${!STORES[@]}"; do
  for _ in $(seq 1 450); do
    curl -s -o /dev/null -m 2 -H 'Authorization: Bearer bench' "http://127.0.0.1:${PORTS[$i]}/v1/models" && break
    kill -0 "${SPIDS[$i]}" 2>/dev/null || { tail -n 20 "$WORK/gb-$i.log" >&2; exit 1; }
    sleep 0.2
  done
  log "server $i: ${STORES[$i]} on :${PORTS[$i]} (pid ${SPIDS[$i]})"
done

load() {  # index seconds -> prints "rps ticks dropped"
  local i=$1 s=$2 t0 t1 d0 d1 rps
  t0=$(cpu_ticks "${SPIDS[$i]}"); d0=$(metric "${PORTS[$i]}" gemini_balance_store_dropped_records_total)
  rps=$(BENCH_BODY=openai taskset -c 1 wrk -t2 -c64 -d"${s}s" -s "$ROOT/bench/chat.lua" "http://127.0.0.1:${PORTS[$i]}/" 2>/dev/null \
    | awk '/^WRK_RESULT/{for(k=1;k<=NF;k++) if($k ~ /^rps=/){sub(/rps=/,"",$k); print $k}}')
  t1=$(cpu_ticks "${SPIDS[$i]}"); d1=$(metric "${PORTS[$i]}" gemini_balance_store_dropped_records_total)
  echo "${rps:-0} $((t1 - t0)) $(( ${d1:-0} - ${d0:-0} ))"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up: ${WARM}s per server in 10 s turns; load $LOAD_BEFORE"
for _ in $(seq 1 $(( (WARM + 9) / 10 ))); do
  for i in "${!STORES[@]}"; do load "$i" 10 >/dev/null; done
done

log "measuring: $ROUNDS rounds of ${WINDOW}s per server; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- jar: $GB_JAR ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) checked out); load average before: $LOAD_BEFORE"
echo
echo "| Round | $(for i in "${!STORES[@]}"; do printf '%s: req/s, µs CPU/req, records dropped | ' "${STORES[$i]}"; done)load |"
echo "|---|$(for i in "${!STORES[@]}"; do printf -- '---|'; done)---|"
for r in $(seq 1 "$ROUNDS"); do
  row="| $r | "
  for i in "${!STORES[@]}"; do
    read -r rps ticks dropped < <(load "$i" "$WINDOW")
    us=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v r="$rps" -v s="$WINDOW" 'BEGIN{ if (r > 0) printf "%.1f", t / hz / (r * s) * 1e6; else print "n/a" }')
    echo "$i $rps $us $dropped" >>"$WORK/results"
    row="$row$(printf '%.0f' "$rps"), $us, $dropped | "
  done
  echo "$row$(cut -d' ' -f1 /proc/loadavg) |"
done
echo
for i in "${!STORES[@]}"; do
  awk -v i="$i" -v name="${STORES[$i]}" '
    function median(a, n) { asort(a); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == i { r[++n] = $2; c[n] = $3 }
    END { printf "- median %s: %.0f req/s, %.1f µs CPU per request (%d windows)\n", name, median(r, n), median(c, n), n }' \
    "$WORK/results"
done
sleep 5
for i in "${!STORES[@]}"; do
  port=${PORTS[$i]}
  echo "- ${STORES[$i]}: $(served "$port") client requests served, $(metric "$port" gemini_balance_store_dropped_records_total) records dropped, backlog $(metric "$port" gemini_balance_store_backlog) at the end"
done
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
