#!/usr/bin/env bash
# Runs the performance rows of docs/performance.md on this machine and prints one Markdown table.
#
#   bench/run.sh [--quick] [--row1] [--no-build] [--no-install] [--wait-quiet=N]
#
#   --quick       every row runs for about 3 s (smoke run; numbers are not comparable)
#   --row1        run only row 1 (non-stream throughput: direct, nginx, gemini-balance), about 2-4 min;
#                 for interleaved A/B comparisons of throughput
#   --no-build    reuse the jars already in */target
#   --no-install  do not apt-get install wrk/nginx/curl when missing (fail instead)
#   --wait-quiet=N  first wait up to N seconds for the 1-minute load average to drop below 1.0
#
# Environment: GB_JAVA_OPTS (extra JVM flags for the gemini-balance server, default none);
#              UPSTREAM_CLIENT (netty or jdk: how the server calls the fake, default netty);
#              GB_JAR (the server jar to measure, default gemini-balance-micronaut/target/gemini-balance-server.jar);
#              GB_JAVA (the java binary that runs the server, default java on the PATH);
#              GB_DATABASE (where the server keeps its records: sqlite, the server's default, in a file
#                of the work directory; postgres; or none, memory only; default sqlite);
#              GB_DATABASE_URL, GB_DATABASE_USER, GB_DATABASE_PASSWORD (GB_DATABASE=postgres: an existing
#                database; without GB_DATABASE_URL a PostgreSQL cluster is created in the work directory
#                with initdb, from the Debian package postgresql, and run on GB_DATABASE_CPU, default 1).
#
# Everything runs on 127.0.0.1 with free ports: the fake Gemini (pinned to CPU 1), nginx as a plain
# reverse proxy to it (1 worker, CPU 0) and the gemini-balance server (CPU 0). Load generators run on
# the CPU the process under test does not use. Everything started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=0
ROW1=0
BUILD=1
INSTALL=1
WAIT_QUIET=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --row1) ROW1=1 ;;
    --no-build) BUILD=0 ;;
    --no-install) INSTALL=0 ;;
    --wait-quiet=*) WAIT_QUIET=${arg#--wait-quiet=}; [[ "$WAIT_QUIET" =~ ^[0-9]+$ ]] || { echo "bad $arg" >&2; exit 2; } ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  TP_SECONDS=3; LAT_SECONDS=3; WARM_SECONDS=1; WARM_ROUND_SECONDS=1; WARM_MAX_ROUNDS=2; STREAM_WARM_ROUNDS=5
  TTFT_WARMUP=3; TTFT_ROUNDS=5
  HOLD_STREAMS=2000; HOLD_EVENTS=10; HOLD_DELAY_MS=300
else
  TP_SECONDS=20; LAT_SECONDS=15; WARM_SECONDS=5; WARM_ROUND_SECONDS=10; WARM_MAX_ROUNDS=18; STREAM_WARM_ROUNDS=60
  TTFT_WARMUP=15; TTFT_ROUNDS=30
  HOLD_STREAMS=2000; HOLD_EVENTS=20; HOLD_DELAY_MS=250
fi
STREAM_EVENTS=8
STREAM_DELAY_MS=50
GB_JAVA_OPTS=${GB_JAVA_OPTS:-}
GB_DATABASE=${GB_DATABASE:-sqlite}
case "$GB_DATABASE" in none|sqlite|postgres) ;; *) echo "GB_DATABASE must be none, sqlite or postgres" >&2; exit 2 ;; esac

log() { echo "[bench $(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need_pkgs+=(nginx)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v taskset >/dev/null 2>&1 || need_pkgs+=(util-linux)
command -v ss >/dev/null 2>&1 || need_pkgs+=(iproute2)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$INSTALL" = 1 ] || die "missing: ${need_pkgs[*]} (run without --no-install, or apt-get install them)"
  log "installing ${need_pkgs[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v java >/dev/null 2>&1 || die "java (17+) is required"
command -v mvn >/dev/null 2>&1 || die "mvn is required"

# ---------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
  log "building (mvn -B -ntp -q package -DskipTests)"
  (cd "$ROOT" && mvn -B -ntp -q package -DskipTests)
fi
BENCH_JAR="$ROOT/gemini-balance-bench/target/benchmarks.jar"
GB_JAR=${GB_JAR:-"$ROOT/gemini-balance-micronaut/target/gemini-balance-server.jar"}
GB_JAVA=${GB_JAVA:-java}
[ -f "$BENCH_JAR" ] || die "$BENCH_JAR is missing (build failed?)"

# ---------------------------------------------------------------- machine
NCPU=$(nproc)
CPU_PROXY=0
CPU_FAKE=1
[ "$NCPU" -ge 2 ] || { CPU_FAKE=0; log "only one CPU: everything shares CPU 0"; }
CLK_TCK=$(getconf CLK_TCK)
CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
MEM_TOTAL=$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)
JDK=$(java -version 2>&1 | head -n 2 | tail -n 1)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORK=$(mktemp -d /tmp/gb-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid i
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 1 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  # a PostgreSQL started here (GB_DATABASE=postgres) runs under runuser: stop the postmaster itself
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    kill -QUIT "$(head -n 1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TAKEN=" "
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))   # below the usual ephemeral range (32768+)
    case "$TAKEN" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then TAKEN="$TAKEN$p "; echo "$p"; return 0; fi
  done
  die "no free port found"
}

# http_code URL [curl args...] -> prints the status code (000 when nothing answered)
http_code() { local url=$1; shift; curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url" 2>/dev/null || true; }

# wait_answer NAME PID URL SECONDS [curl args...] -> 0 once URL answers any HTTP status
wait_answer() {
  local name=$1 pid=$2 url=$3 secs=$4 i code; shift 4
  for i in $(seq 1 $((secs * 5))); do
    kill -0 "$pid" 2>/dev/null || { log "$name exited early"; return 1; }
    code=$(http_code "$url" "$@")
    if [ -n "$code" ] && [ "$code" != 000 ]; then return 0; fi
    sleep 0.2
  done
  log "$name did not answer within ${secs}s"
  return 1
}

FAKE_PORT=$(free_port)
NGINX_PORT=$(free_port)
GB_PORT=$(free_port)
FAKE_PID=""
FAKE_ARGS=""

start_fake() {  # events delay_ms
  if [ -n "$FAKE_PID" ]; then
    kill -TERM "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
  fi
  FAKE_ARGS="--events=$1 --delay-ms=$2"
  taskset -c "$CPU_FAKE" java -XX:+UseSerialGC -Xms256m -Xmx512m -cp "$BENCH_JAR" \
    io.github.geminibalance.bench.FakeGeminiServer --port="$FAKE_PORT" --events="$1" --delay-ms="$2" \
    >>"$WORK/fake.log" 2>&1 &
  FAKE_PID=$!
  PIDS+=("$FAKE_PID")
  wait_answer fake "$FAKE_PID" "http://127.0.0.1:$FAKE_PORT/__stats" 30 || { cat "$WORK/fake.log" >&2; die "fake did not start"; }
  log "fake Gemini on :$FAKE_PORT (pid $FAKE_PID, CPU $CPU_FAKE, $FAKE_ARGS)"
}

start_nginx() {
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 65536;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  keepalive_requests 1000000;
  upstream fake { server 127.0.0.1:$FAKE_PORT; keepalive 256; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      tcp_nodelay on;
    }
  }
}
EOF
  taskset -c "$CPU_PROXY" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off; master_process on;' \
    >"$WORK/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_answer nginx "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/__stats" 15 || { cat "$WORK/nginx/logs/error.log" >&2; die "nginx did not start"; }
  log "nginx on :$NGINX_PORT (pid $NGINX_PID, CPU $CPU_PROXY)"
}

GB_PID=""
GB_STATUS="not run"
GB_CHAT_OK=0
GB_STREAM_OK=0
GB_CHAT_NOTE=""
GB_STREAM_NOTE=""
start_gb() {
  if [ ! -f "$GB_JAR" ]; then GB_STATUS="not run: $GB_JAR missing"; log "$GB_STATUS"; return 0; fi
  # shellcheck disable=SC2086
  env API_KEYS='["k1","k2","k3"]' ALLOWED_TOKENS='["bench"]' AUTH_TOKEN=bench-admin \
    BASE_URL="http://127.0.0.1:$FAKE_PORT/v1beta" PORT="$GB_PORT" MICRONAUT_SERVER_HOST=127.0.0.1 \
    "${DB_ENV[@]}" \
    taskset -c "$CPU_PROXY" "$GB_JAVA" $GB_JAVA_OPTS -jar "$GB_JAR" >"$WORK/gb.log" 2>&1 &
  GB_PID=$!
  PIDS+=("$GB_PID")
  if ! wait_answer gemini-balance "$GB_PID" "http://127.0.0.1:$GB_PORT/v1/models" 90 -H 'Authorization: Bearer bench'; then
    GB_STATUS="not run: server did not start ($(tail -n 1 "$WORK/gb.log" | cut -c1-120))"
    tail -n 20 "$WORK/gb.log" >&2 || true
    kill -TERM "$GB_PID" 2>/dev/null || true; GB_PID=""
    return 0
  fi
  local chat stream
  chat=$(curl -s -m 10 -o "$WORK/gb-chat.json" -w '%{http_code}' -H 'Authorization: Bearer bench' \
    -H 'Content-Type: application/json' -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]}' \
    "http://127.0.0.1:$GB_PORT/v1/chat/completions" || true)
  stream=$(curl -s -m 10 -N -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' \
    -d '{"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"hi"}]}' \
    "http://127.0.0.1:$GB_PORT/v1/chat/completions" 2>/dev/null | tail -c 200 || true)
  GB_CHAT_OK=0; GB_STREAM_OK=0
  if [ "$chat" = 200 ] && grep -q 'chat.completion' "$WORK/gb-chat.json"; then GB_CHAT_OK=1; fi
  case "$stream" in *"data: [DONE]"*) GB_STREAM_OK=1 ;; esac
  GB_CHAT_NOTE="not run: POST /v1/chat/completions answered HTTP $chat, not a chat.completion"
  GB_STREAM_NOTE="not run: a streamed POST /v1/chat/completions did not end with data: [DONE]"
  GB_STATUS="ok"
  log "gemini-balance on :$GB_PORT (pid $GB_PID, CPU $CPU_PROXY); chat HTTP $chat, stream ok=$GB_STREAM_OK"
  [ "$GB_CHAT_OK" = 1 ] || log "non-stream chat check failed: $(head -c 300 "$WORK/gb-chat.json" 2>/dev/null)"
}

# ---------------------------------------------------------------- the server's database
DB_ENV=()
DB_NOTE=""
PG_PID=""
start_database() {
  case "$GB_DATABASE" in
    none) DB_ENV=(DATABASE_TYPE=none); DB_NOTE="none (records in memory)" ;;
    sqlite) DB_ENV=(DATABASE_TYPE=sqlite "SQLITE_DATABASE=$WORK/gb.db"); DB_NOTE="sqlite (a file in the work directory)" ;;
    postgres)
      if [ -n "${GB_DATABASE_URL:-}" ]; then
        DB_ENV=(DATABASE_TYPE=postgres "DATABASE_URL=$GB_DATABASE_URL" "DATABASE_USER=${GB_DATABASE_USER:-}"
          "DATABASE_PASSWORD=${GB_DATABASE_PASSWORD:-}")
        DB_NOTE="postgres (GB_DATABASE_URL)"
        return 0
      fi
      local bin pg_port pg_cpu=${GB_DATABASE_CPU:-$CPU_FAKE} as=()
      bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
      [ -x "$bin/initdb" ] || die "GB_DATABASE=postgres needs PostgreSQL (apt-get install -y postgresql) or GB_DATABASE_URL"
      [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
      pg_port=$(free_port)
      mkdir -p "$WORK/pg"
      echo bench-pw >"$WORK/pg/pw"
      [ "$(id -u)" = 0 ] && chown -R postgres: "$WORK/pg" && chmod 755 "$WORK"
      "${as[@]}" "$bin/initdb" -D "$WORK/pg/data" -U postgres --pwfile="$WORK/pg/pw" --auth-host=scram-sha-256 \
        --auth-local=trust -E UTF8 --no-sync >"$WORK/pg/initdb.log" 2>&1 || { cat "$WORK/pg/initdb.log" >&2; die "initdb failed"; }
      "${as[@]}" taskset -c "$pg_cpu" "$bin/postgres" -D "$WORK/pg/data" -p "$pg_port" -k "$WORK/pg" \
        -c listen_addresses=127.0.0.1 >"$WORK/pg/postgres.log" 2>&1 &
      PG_PID=$!
      PIDS+=("$PG_PID")
      for i in $(seq 1 150); do
        "${as[@]}" "$bin/psql" -h "$WORK/pg" -p "$pg_port" -U postgres -qc 'CREATE DATABASE gb' >/dev/null 2>&1 && break
        sleep 0.2
      done
      DB_ENV=(DATABASE_TYPE=postgres "DATABASE_URL=jdbc:postgresql://127.0.0.1:$pg_port/gb" DATABASE_USER=postgres
        DATABASE_PASSWORD=bench-pw)
      DB_NOTE="postgres $("$bin/postgres" --version | awk '{print $3}') (a cluster in the work directory on CPU $pg_cpu, default settings)"
      ;;
  esac
  log "database: $DB_NOTE"
}

# store_stats -> requests served, records written and dropped, after waiting (up to 60 s) for the writer's backlog
store_stats() {
  local metrics backlog dropped records i today served
  for i in $(seq 1 120); do
    metrics=$(curl -s -m 5 -H 'Authorization: Bearer bench' "http://127.0.0.1:$GB_PORT/prometheus" || true)
    backlog=$(awk '/^gemini_balance_store_backlog /{printf "%.0f", $2}' <<<"$metrics")
    [ "${backlog:-1}" = 0 ] && break
    sleep 0.5
  done
  dropped=$(awk '/^gemini_balance_store_dropped_records_total /{printf "%.0f", $2}' <<<"$metrics")
  served=$(awk '/^gemini_balance_requests_total\{/{s+=$2} END{printf "%.0f", s}' <<<"$metrics")
  today=$(date -u +%F)
  records=$(curl -s -m 30 -H 'Authorization: Bearer bench-admin' \
      "http://127.0.0.1:$GB_PORT/admin/usage?from=$today&to=$today&group=day" \
    | grep -o '"requests":[0-9]*' | cut -d: -f2 | awk '{s+=$1} END{print s+0}')
  echo "${served:-?} client requests served, ${records:-?} request records written (usage of today), ${dropped:-?} dropped, backlog ${backlog:-?}"
}

cpu_ticks() {  # pid... -> utime+stime of the processes (all their threads)
  local total=0 pid t
  for pid in "$@"; do
    t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
nginx_pids() { echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; }
rss_mb() { awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
threads_of() { awk '/^Threads/{print $2}' "/proc/$1/status" 2>/dev/null || echo "?"; }

SAMPLER_PID=""
start_sampler() {  # pid: records peak VmRSS (kB) and peak thread count every 200 ms until stopped
  local pid=$1
  rm -f "$WORK/sampler.stop"
  echo "0 0" >"$WORK/sampler.out"
  (
    maxr=0; maxt=0; n=0
    while [ "$n" -lt 6000 ] && [ ! -e "$WORK/sampler.stop" ] && [ -r "/proc/$pid/status" ]; do
      read -r r t < <(awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{print r+0, t+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
      [ "$r" -gt "$maxr" ] && maxr=$r
      [ "$t" -gt "$maxt" ] && maxt=$t
      echo "$maxr $maxt" >"$WORK/sampler.out"
      sleep 0.2
      n=$((n + 1))
    done
  ) &
  SAMPLER_PID=$!
  PIDS+=("$SAMPLER_PID")
}
stop_sampler() {  # sets PEAK_RSS_MB and PEAK_THREADS
  touch "$WORK/sampler.stop"
  wait "$SAMPLER_PID" 2>/dev/null || true
  read -r PEAK_RSS_MB PEAK_THREADS < <(awk '{printf "%.0f %d\n", $1/1024, $2}' "$WORK/sampler.out")
}

declare -A R
RAW="$WORK/raw.txt"
: >"$RAW"

# run_wrk LABEL CPU CONNS THREADS SECONDS BODY URL -> fills R[LABEL.*] from the WRK_RESULT line
run_wrk() {
  local label=$1 cpu=$2 conns=$3 threads=$4 secs=$5 body=$6 url=$7 line kv
  log "wrk $label: -t$threads -c$conns -d${secs}s ($body body, CPU $cpu)"
  BENCH_BODY=$body taskset -c "$cpu" wrk -t"$threads" -c"$conns" -d"${secs}s" --latency \
    -s "$ROOT/bench/chat.lua" "$url" >"$WORK/wrk-$label.txt" 2>&1 || true
  line=$(grep '^WRK_RESULT' "$WORK/wrk-$label.txt" | tail -n 1 || true)
  echo "$label: ${line:-no result: $(tail -n 3 "$WORK/wrk-$label.txt" | tr '\n' ' ')}" >>"$RAW"
  grep -E '^(Requests/sec|  Non-2xx|  Socket errors)' "$WORK/wrk-$label.txt" | sed "s/^/$label: /" >>"$RAW" || true
  for kv in $line; do
    case "$kv" in *=*) R[$label.${kv%%=*}]=${kv#*=} ;; esac
  done
}
warm_wrk() {  # CPU BODY URL: unmeasured JIT/connection warm-up
  BENCH_BODY=$2 taskset -c "$1" wrk -t2 -c64 -d"${WARM_SECONDS}s" -s "$ROOT/bench/chat.lua" "$3" >/dev/null 2>&1 || true
}

# warm_until_steady PID CPU BODY URL: unmeasured wrk rounds (-t2 -c64) until the JIT is done and the
# throughput is flat: the JVM's compiler threads used under 2 % of the round and req/s moved under 5 %
# from the previous round; at most WARM_MAX_ROUNDS. A JVM pinned to one CPU keeps its compilers busy
# for tens of seconds under load, and measuring before that would measure the compiler.
WARM_LOG=""
jit_ticks() {  # PID -> CPU ticks used so far by the C1/C2 compiler threads
  local t total=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$total"
}
warm_until_steady() {
  local pid=$1 cpu=$2 body=$3 url=$4 prev=0 rps=0 i j0 jit pct
  for i in $(seq 1 "$WARM_MAX_ROUNDS"); do
    j0=$(jit_ticks "$pid")
    rps=$(BENCH_BODY=$body taskset -c "$cpu" wrk -t2 -c64 -d"${WARM_ROUND_SECONDS}s" -s "$ROOT/bench/chat.lua" "$url" 2>/dev/null \
      | awk '/^WRK_RESULT/{for(i=1;i<=NF;i++) if($i ~ /^rps=/){sub(/rps=/,"",$i); printf "%.0f", $i}}' || true)
    rps=${rps:-0}
    jit=$(( $(jit_ticks "$pid") - j0 ))
    pct=$(awk -v t="$jit" -v hz="$CLK_TCK" -v s="$WARM_ROUND_SECONDS" 'BEGIN{printf "%.0f", 100*t/hz/s}')
    log "warm-up round $i (${WARM_ROUND_SECONDS}s): $rps req/s, JIT compilers ${pct}% of a CPU"
    WARM_LOG="$WARM_LOG $rps (JIT ${pct}%),"
    if [ "$pct" -lt 2 ] && awk -v a="$prev" -v b="$rps" 'BEGIN{d=(b-a)/(a>0?a:1); exit !(a>0 && b>0 && d<0.05 && d>-0.05)}'; then
      break
    fi
    prev=$rps
  done
  WARM_LOG=${WARM_LOG%,}
}

# run_streams LABEL CPU ARGS... -> fills R[LABEL.*] from the STREAMLOAD line
run_streams() {
  local label=$1 cpu=$2 line kv; shift 2
  log "StreamLoad $label: $* (CPU $cpu)"
  taskset -c "$cpu" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx1g -cp "$BENCH_JAR" \
    io.github.geminibalance.bench.StreamLoad "$@" >"$WORK/streams-$label.txt" 2>&1 || true
  line=$(grep '^STREAMLOAD' "$WORK/streams-$label.txt" | tail -n 1 || true)
  echo "$label: ${line:-no result: $(tail -n 3 "$WORK/streams-$label.txt" | tr '\n' ' ')}" >>"$RAW"
  grep '^error sample' "$WORK/streams-$label.txt" | head -n 3 | sed "s/^/$label: /" >>"$RAW" || true
  for kv in $line; do
    case "$kv" in *=*) R[$label.${kv%%=*}]=${kv#*=} ;; esac
  done
}

v() { echo "${R[$1]:-}"; }
# fmt_ms MICROS -> milliseconds with 2 decimals, or "n/a"
fmt_ms() { [ -n "$1" ] && awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}' || echo "n/a"; }
fmt_int() { [ -n "$1" ] && awk -v x="$1" 'BEGIN{printf "%.0f", x}' || echo "n/a"; }
wrk_errors() {
  local l=$1
  [ -n "$(v "$l.requests")" ] || { echo "n/a"; return; }
  echo $(( $(v "$l.err_connect") + $(v "$l.err_read") + $(v "$l.err_write") + $(v "$l.err_status") + $(v "$l.err_timeout") ))
}

gb_ready() { [ "$GB_STATUS" = ok ] && [ -n "$GB_PID" ] && kill -0 "$GB_PID" 2>/dev/null; }

# ================================================================ rows
log "work dir $WORK; ports fake=$FAKE_PORT nginx=$NGINX_PORT gemini-balance=$GB_PORT; quick=$QUICK"
if [ "$WAIT_QUIET" -gt 0 ]; then
  log "waiting up to ${WAIT_QUIET}s for a quiet machine (load $(cut -d' ' -f1 /proc/loadavg))"
  for i in $(seq 1 $(( (WAIT_QUIET + 4) / 5 ))); do
    awk '{exit !($1 < 1.0)}' /proc/loadavg && break
    sleep 5
  done
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_fake "$STREAM_EVENTS" 0
warm_wrk "$CPU_PROXY" gemini "http://127.0.0.1:$FAKE_PORT/"   # JIT-compile the fake before it is measured
start_nginx
start_database
start_gb
DIRECT_URL="http://127.0.0.1:$FAKE_PORT/"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/"
GB_URL="http://127.0.0.1:$GB_PORT/"

GB_IDLE_RSS=n/a; GB_IDLE_THREADS=n/a
if gb_ready; then
  sleep 2
  GB_IDLE_RSS=$(rss_mb "$GB_PID"); GB_IDLE_THREADS=$(threads_of "$GB_PID")
fi

# -- 1. non-stream throughput, 64 connections, 2 threads
run_wrk tp-direct "$CPU_PROXY" 64 2 "$TP_SECONDS" gemini "$DIRECT_URL"
warm_wrk "$CPU_FAKE" gemini "$NGINX_URL"
t0=$(cpu_ticks $(nginx_pids))
run_wrk tp-nginx "$CPU_FAKE" 64 2 "$TP_SECONDS" gemini "$NGINX_URL"
t1=$(cpu_ticks $(nginx_pids))
NGINX_CPU_PER_1K=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$(v tp-nginx.requests)" 'BEGIN{if(n>0) printf "%.3f", d/hz/n*1000; else print "n/a"}')

GB_LOAD_RSS=n/a; GB_LOAD_THREADS=n/a; GB_CPU_PER_1K=n/a
if gb_ready && [ "$GB_CHAT_OK" = 1 ]; then
  warm_until_steady "$GB_PID" "$CPU_FAKE" openai "$GB_URL"
  t0=$(cpu_ticks "$GB_PID")
  start_sampler "$GB_PID"
  run_wrk tp-gb "$CPU_FAKE" 64 2 "$TP_SECONDS" openai "$GB_URL"
  stop_sampler
  GB_LOAD_RSS=$PEAK_RSS_MB; GB_LOAD_THREADS=$PEAK_THREADS
  t1=$(cpu_ticks "$GB_PID")
  GB_CPU_PER_1K=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$(v tp-gb.requests)" 'BEGIN{if(n>0) printf "%.3f", d/hz/n*1000; else print "n/a"}')
fi

GB_HOLD_RSS=n/a; GB_HOLD_THREADS=n/a; GB_CPU_PER_1K_STREAMS=n/a
if [ "$ROW1" = 0 ]; then
# -- 2. latency at concurrency 1
run_wrk lat-direct "$CPU_PROXY" 1 1 "$LAT_SECONDS" gemini "$DIRECT_URL"
run_wrk lat-nginx "$CPU_FAKE" 1 1 "$LAT_SECONDS" gemini "$NGINX_URL"
if gb_ready && [ "$GB_CHAT_OK" = 1 ]; then
  run_wrk lat-gb "$CPU_FAKE" 1 1 "$LAT_SECONDS" openai "$GB_URL"
fi

# -- 3. time to first chunk, 16 concurrent streams, 50 ms per event upstream
if gb_ready && [ "$GB_STREAM_OK" = 1 ]; then
  # JIT warm-up of the server's streaming path while the fake still answers without delay (unmeasured)
  log "streaming warm-up of gemini-balance: $STREAM_WARM_ROUNDS rounds of 64 streams"
  taskset -c "$CPU_FAKE" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx1g -cp "$BENCH_JAR" \
    io.github.geminibalance.bench.StreamLoad --mode=ttft --concurrency=64 --warmup=0 --rounds="$STREAM_WARM_ROUNDS" \
    --timeout-s=30 --max-time-s=120 --body=openai --url="${GB_URL}v1/chat/completions" >"$WORK/streams-warm.txt" 2>&1 || true
  log "$(grep '^STREAMLOAD' "$WORK/streams-warm.txt" | cut -c1-160 || echo 'streaming warm-up gave no result')"
fi
start_fake "$STREAM_EVENTS" "$STREAM_DELAY_MS"
GEMINI_STREAM_PATH="v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
TTFT_ARGS=(--mode=ttft --concurrency=16 --warmup="$TTFT_WARMUP" --rounds="$TTFT_ROUNDS" --timeout-s=30 --max-time-s=120)
run_streams ttft-direct "$CPU_PROXY" "${TTFT_ARGS[@]}" --body=gemini --url="$DIRECT_URL$GEMINI_STREAM_PATH"
run_streams ttft-nginx "$CPU_FAKE" "${TTFT_ARGS[@]}" --body=gemini --url="$NGINX_URL$GEMINI_STREAM_PATH"
if gb_ready && [ "$GB_STREAM_OK" = 1 ]; then
  run_streams ttft-gb "$CPU_FAKE" "${TTFT_ARGS[@]}" --body=openai --url="${GB_URL}v1/chat/completions"
fi

# -- 4. 2,000 concurrent open streams
start_fake "$HOLD_EVENTS" "$HOLD_DELAY_MS"
HOLD_ARGS=(--mode=hold --streams="$HOLD_STREAMS" --timeout-s=60 --max-time-s=120)
run_streams hold-direct "$CPU_PROXY" "${HOLD_ARGS[@]}" --body=gemini --url="$DIRECT_URL$GEMINI_STREAM_PATH"
if gb_ready && [ "$GB_STREAM_OK" = 1 ]; then
  t0=$(cpu_ticks "$GB_PID")
  start_sampler "$GB_PID"
  run_streams hold-gb "$CPU_FAKE" "${HOLD_ARGS[@]}" --body=openai --url="${GB_URL}v1/chat/completions"
  stop_sampler
  GB_HOLD_RSS=$PEAK_RSS_MB; GB_HOLD_THREADS=$PEAK_THREADS
  t1=$(cpu_ticks "$GB_PID")
  GB_CPU_PER_1K_STREAMS=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$HOLD_STREAMS" 'BEGIN{printf "%.3f", d/hz/n*1000}')
fi
fi  # rows 2-4
GB_END_RSS=n/a
gb_ready && GB_END_RSS=$(rss_mb "$GB_PID")
STORE_STATS=n/a
gb_ready && STORE_STATS=$(store_stats)
SQLITE_SIZE=""
[ -f "$WORK/gb.db" ] && SQLITE_SIZE="; SQLite file $(du -m "$WORK/gb.db" | cut -f1) MB (+ $(du -m "$WORK/gb.db-wal" 2>/dev/null | cut -f1 || echo 0) MB WAL)"

# ================================================================ table
verdict() { [ "$1" = n/a ] && echo "not run" || { [ "$1" = 1 ] && echo "**met**" || echo "**missed**"; }; }
ratio=n/a; tp_met=n/a
if [ -n "$(v tp-gb.rps)" ] && [ -n "$(v tp-nginx.rps)" ]; then
  ratio=$(awk -v a="$(v tp-gb.rps)" -v b="$(v tp-nginx.rps)" 'BEGIN{printf "%.2f", a/b}')
  tp_met=$(awk -v r="$ratio" -v e="$(wrk_errors tp-gb)" 'BEGIN{print (r>=0.6 && e==0) ? 1 : 0}')
fi
added() {  # label -> added p50 over direct in ms
  [ -n "$(v "$1.p50_us")" ] && [ -n "$(v lat-direct.p50_us)" ] \
    && awk -v a="$(v "$1.p50_us")" -v d="$(v lat-direct.p50_us)" 'BEGIN{printf "%+.3f", (a-d)/1000}' || echo n/a
}
lat_met=n/a
[ "$(added lat-gb)" != n/a ] && lat_met=$(awk -v a="$(added lat-gb)" 'BEGIN{print (a<=0.3) ? 1 : 0}')
added_ttft() {
  [ -n "$(v "$1.ttfc_p50_ms")" ] && [ -n "$(v ttft-direct.ttfc_p50_ms)" ] \
    && awk -v a="$(v "$1.ttfc_p50_ms")" -v d="$(v ttft-direct.ttfc_p50_ms)" 'BEGIN{printf "%+.2f", a-d}' || echo n/a
}
ttft_met=n/a
[ "$(added_ttft ttft-gb)" != n/a ] && ttft_met=$(awk -v a="$(added_ttft ttft-gb)" -v e="$(v ttft-gb.errors)" 'BEGIN{print (a<=2 && e==0) ? 1 : 0}')
hold_met=n/a
if [ -n "$(v hold-gb.ok)" ] && [ "$GB_HOLD_RSS" != n/a ]; then
  hold_met=$(awk -v ok="$(v hold-gb.ok)" -v n="$HOLD_STREAMS" -v r="$GB_HOLD_RSS" -v t="$GB_HOLD_THREADS" \
    'BEGIN{print (ok==n && r<300 && t<n/10) ? 1 : 0}')
fi
cell() { [ -n "$1" ] && echo "$1" || echo "n/a"; }
tp_cell() {  # label -> "rps / p50 / p99 / errors"
  [ -n "$(v "$1.rps")" ] || { echo "n/a"; return; }
  echo "$(fmt_int "$(v "$1.rps")") req/s; p50 $(fmt_ms "$(v "$1.p50_us")") / p99 $(fmt_ms "$(v "$1.p99_us")") ms; $(wrk_errors "$1") errors"
}
lat_cell() { [ -n "$(v "$1.p50_us")" ] && echo "p50 $(fmt_ms "$(v "$1.p50_us")") / p99 $(fmt_ms "$(v "$1.p99_us")") ms" || echo n/a; }
ttft_cell() {
  [ -n "$(v "$1.ttfc_p50_ms")" ] || { echo n/a; return; }
  echo "p50 $(v "$1.ttfc_p50_ms") / p99 $(v "$1.ttfc_p99_ms") ms; $(v "$1.errors") errors of $(v "$1.samples")"
}
hold_cell() {
  [ -n "$(v "$1.ok")" ] || { echo n/a; return; }
  echo "$(v "$1.ok")/$(v "$1.streams") completed, peak $(v "$1.peak_open") open, $(v "$1.errors") errors"
}
gbcell() {  # KIND(chat|stream|any) VALUE
  if [ "$GB_STATUS" != ok ]; then echo "$GB_STATUS"
  elif [ "$1" = chat ] && [ "$GB_CHAT_OK" != 1 ]; then echo "$GB_CHAT_NOTE"
  elif [ "$1" = stream ] && [ "$GB_STREAM_OK" != 1 ]; then echo "$GB_STREAM_NOTE"
  else echo "$2"; fi
}

STAMP=$(date +%Y-%m-%d-%H%M)
[ "$QUICK" = 1 ] && STAMP="$STAMP-quick"
[ "$ROW1" = 1 ] && STAMP="$STAMP-row1"
OUT_DIR="$ROOT/bench/results"
mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/$STAMP.md"
{
  echo "# gemini-balance benchmark $STAMP"
  echo
  echo "- commit \`$COMMIT\`, $( [ "$QUICK" = 1 ] && echo "**--quick smoke run (3 s rows; not comparable)**" || echo "full run")$( [ "$ROW1" = 1 ] && echo ", **row 1 only** (--row1: the other rows say n/a)")"
  echo "- machine: $NCPU CPUs ($CPU_MODEL), $MEM_TOTAL RAM; $JDK; $(uname -sr)"
  echo "- pinning: fake Gemini on CPU $CPU_FAKE, nginx and gemini-balance on CPU $CPU_PROXY; load generator on the other CPU"
  echo "- load average (1/5/15 min) before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (other tenants share this machine)"
  echo "- JIT warm-up of gemini-balance before row 1: wrk rounds of ${WARM_ROUND_SECONDS} s until the JIT compilers use < 2 % of a CPU and req/s moves < 5 % (per round:${WARM_LOG:- none}); before row 3: $STREAM_WARM_ROUNDS rounds of 64 streams against the undelayed fake"
  echo "- gemini-balance database: $DB_NOTE; at the end: $STORE_STATS$SQLITE_SIZE"
  echo "- server jar: \`$GB_JAR\` (sha256 $(sha256sum "$GB_JAR" 2>/dev/null | cut -c1-12 || echo n/a))"
  echo "- gemini-balance JVM: \`$("$GB_JAVA" -version 2>&1 | head -n 1)\`, flags: \`${GB_JAVA_OPTS:-(none)}\`, UPSTREAM_CLIENT=${UPSTREAM_CLIENT:-netty}; fake: 8 events/stream, 50 ms/event for TTFT; hold: $HOLD_EVENTS events x $HOLD_DELAY_MS ms"
  echo
  echo "| Row | direct (fake) | nginx | gemini-balance | Target | Verdict |"
  echo "|---|---|---|---|---|---|"
  echo "| Non-stream, 64 conns, 2 threads, ${TP_SECONDS} s | $(tp_cell tp-direct) | $(tp_cell tp-nginx) | $(gbcell chat "$(tp_cell tp-gb)") | >= 0.6x nginx req/s, 0 errors | ratio $ratio: $(verdict "$tp_met") |"
  echo "| Latency at concurrency 1, ${LAT_SECONDS} s | $(lat_cell lat-direct) | $(lat_cell lat-nginx); added p50 $(added lat-nginx) ms | $(gbcell chat "$(lat_cell lat-gb); added p50 $(added lat-gb) ms") | added p50 <= 0.3 ms | $(verdict "$lat_met") |"
  echo "| Time to first chunk, 16 streams, 50 ms/event | $(ttft_cell ttft-direct) | $(ttft_cell ttft-nginx); added p50 $(added_ttft ttft-nginx) ms | $(gbcell stream "$(ttft_cell ttft-gb); added p50 $(added_ttft ttft-gb) ms") | added <= 2 ms | $(verdict "$ttft_met") |"
  echo "| $HOLD_STREAMS concurrent streams | $(hold_cell hold-direct) | - | $(gbcell stream "$(hold_cell hold-gb); peak RSS $GB_HOLD_RSS MB; peak $GB_HOLD_THREADS threads") | all complete, RSS < 300 MB, no thread per stream | $(verdict "$hold_met") |"
  echo "| Server RSS / threads | - | - | $(gbcell any "idle $GB_IDLE_RSS MB / $GB_IDLE_THREADS threads; peak under 64-conn load $GB_LOAD_RSS MB / $GB_LOAD_THREADS threads; at the end $GB_END_RSS MB") | reported | - |"
  echo "| CPU seconds per 1,000 requests | - | $NGINX_CPU_PER_1K (non-stream) | $(gbcell chat "$GB_CPU_PER_1K (non-stream); $GB_CPU_PER_1K_STREAMS per 1,000 streams of $HOLD_EVENTS events") | reported | - |"
  echo
  echo "Raw results (wrk latencies in microseconds; StreamLoad times in ms from request write):"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
} >"$OUT"
echo
cat "$OUT"
log "written to $OUT"
