#!/usr/bin/env bash
# Compares the non-stream throughput (row 1's load) of two or more server jars in alternating windows.
#
#   bench/ab.sh [--rounds=N] [--window=S] [--warm=S] A.jar B.jar [C.jar ...]
#
#   A jar may carry environment of its own: LOG_LEVEL=warning@/path/server.jar (several: A=1,B=2@jar).
#   --rounds=N   measured rounds (default 6); each round runs every jar once, in turn
#   --window=S   seconds of load per jar and round (default 15)
#   --warm=S     unmeasured seconds of load per jar before the first round, in 10 s turns (default 60)
#
# Environment: GB_JAVA_OPTS (extra JVM flags for every server), GB_ENV (extra environment for every
#              server, e.g. "LOG_LEVEL=warning").
#
# One fake Gemini (CPU 1) serves every server; the servers all run at once, pinned to CPU 0 like in
# bench/run.sh, but only one is under load at a time (wrk -t2 -c64 on CPU 1, bench/chat.lua's OpenAI
# body). A busy shared machine drifts by tens of percent within minutes; short alternating windows
# put the same drift on every jar, so only their ratio is read. Per window it prints req/s, the
# server's CPU time per request (utime+stime of all its threads / requests) and its context switches
# per request (voluntary + involuntary, all threads), and at the end the median of each. On a busy
# machine req/s says little (a server with more runnable threads gets more of the shared CPU); CPU
# time and context switches per request move much less.
# Needs gemini-balance-bench/target/benchmarks.jar, wrk, taskset, curl, ss.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=6
WINDOW=15
WARM=60
JARS=()
for arg in "$@"; do
  case "$arg" in
    --rounds=*) ROUNDS=${arg#--rounds=} ;;
    --window=*) WINDOW=${arg#--window=} ;;
    --warm=*) WARM=${arg#--warm=} ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    *) [ -f "${arg##*@}" ] || { echo "no such jar: ${arg##*@}" >&2; exit 2; }; JARS+=("$arg") ;;
  esac
done
[ ${#JARS[@]} -ge 2 ] || { echo "give at least two jars (try --help)" >&2; exit 2; }
BENCH_JAR="$ROOT/gemini-balance-bench/target/benchmarks.jar"
[ -f "$BENCH_JAR" ] || { echo "$BENCH_JAR is missing: mvn -B -ntp -q -pl gemini-balance-bench -am package -DskipTests" >&2; exit 1; }
CLK_TCK=$(getconf CLK_TCK)
log() { echo "[ab $(date +%T)] $*" >&2; }

WORK=$(mktemp -d /tmp/gb-ab.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
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
label() { case "$1" in *@*) echo "$(basename "${1##*@}") (${1%@*})" ;; *) basename "$1" ;; esac; }
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; }

FAKE_PORT=$(free_port)
taskset -c 1 java -XX:+UseSerialGC -Xms256m -Xmx512m -cp "$BENCH_JAR" io.github.geminibalance.bench.FakeGeminiServer \
  --port="$FAKE_PORT" --events=8 --delay-ms=0 >"$WORK/fake.log" 2>&1 &
PIDS+=($!)

PORTS=()
SPIDS=()
for i in "${!JARS[@]}"; do
  port=$(free_port)
  own_env=""
  case "${JARS[$i]}" in *@*) own_env=${JARS[$i]%@*}; own_env=${own_env//,/ } ;; esac
  # shellcheck disable=SC2086
  env API_KEYS='["k1","k2","k3"]' ALLOWED_TOKENS='["bench"]' BASE_URL="http://127.0.0.1:$FAKE_PORT/v1beta" \
    PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 ${GB_ENV:-} $own_env \
    taskset -c 0 java ${GB_JAVA_OPTS:-} -jar "${JARS[$i]##*@}" >"$WORK/gb-$i.log" 2>&1 &
  SPIDS+=($!); PIDS+=($!); PORTS+=("$port")
done
for i in "${!JARS[@]}"; do
  for _ in $(seq 1 450); do
    curl -s -o /dev/null -m 2 -H 'Authorization: Bearer bench' "http://127.0.0.1:${PORTS[$i]}/v1/models" && break
    kill -0 "${SPIDS[$i]}" 2>/dev/null || { tail -n 20 "$WORK/gb-$i.log" >&2; exit 1; }
    sleep 0.2
  done
  log "server $i: ${JARS[$i]} on :${PORTS[$i]} (pid ${SPIDS[$i]})"
done

load() {  # index seconds -> prints "rps ticks switches"
  local i=$1 s=$2 t0 t1 c0 c1 rps
  t0=$(cpu_ticks "${SPIDS[$i]}"); c0=$(switches "${SPIDS[$i]}")
  rps=$(BENCH_BODY=openai taskset -c 1 wrk -t2 -c64 -d"${s}s" -s "$ROOT/bench/chat.lua" "http://127.0.0.1:${PORTS[$i]}/" 2>/dev/null \
    | awk '/^WRK_RESULT/{for(k=1;k<=NF;k++) if($k ~ /^rps=/){sub(/rps=/,"",$k); print $k}}')
  t1=$(cpu_ticks "${SPIDS[$i]}"); c1=$(switches "${SPIDS[$i]}")
  echo "${rps:-0} $((t1 - t0)) $((c1 - c0))"
}

log "warm-up: ${WARM}s per server in 10 s turns; load $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq 1 $(( (WARM + 9) / 10 ))); do
  for i in "${!JARS[@]}"; do load "$i" 10 >/dev/null; done
done

log "measuring: $ROUNDS rounds of ${WINDOW}s per server; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| Round | $(for i in "${!JARS[@]}"; do printf '%s: req/s, µs CPU/req, switches/req | ' "$(label "${JARS[$i]}")"; done)load |"
echo "|---|$(for i in "${!JARS[@]}"; do printf -- '---|'; done)---|"
for r in $(seq 1 "$ROUNDS"); do
  row="| $r | "
  for i in "${!JARS[@]}"; do
    read -r rps ticks sw < <(load "$i" "$WINDOW")
    us=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v r="$rps" -v s="$WINDOW" 'BEGIN{ if (r > 0) printf "%.1f", t / hz / (r * s) * 1e6; else print "n/a" }')
    cs=$(awk -v c="$sw" -v r="$rps" -v s="$WINDOW" 'BEGIN{ if (r > 0) printf "%.2f", c / (r * s); else print "n/a" }')
    echo "$i $rps $us $cs" >>"$WORK/results"
    row="$row$(printf '%.0f' "$rps"), $us, $cs | "
  done
  echo "$row$(cut -d' ' -f1 /proc/loadavg) |"
done
echo
for i in "${!JARS[@]}"; do
  awk -v i="$i" -v name="$(label "${JARS[$i]}")" '
    function median(a, n) { asort(a); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == i { r[++n] = $2; c[n] = $3; s[n] = $4 }
    END {
      printf "median %s: %.0f req/s, %.1f µs CPU per request, %.2f context switches per request (%d windows)\n",
        name, median(r, n), median(c, n), median(s, n), n
    }' "$WORK/results"
done
