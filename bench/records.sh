#!/usr/bin/env bash
# The admin API over a large store: fills a SQLite file through the store (bench/RecordsFill.java:
# RECORDS request records over DAYS days, KEYS keys), starts the server on it and times the admin routes
# with curl through the running server. Prints one Markdown table.
#
#   bench/records.sh [--no-build] [--keep]
#
#   --no-build  reuse gemini-balance-micronaut/target/gemini-balance-server.jar
#   --keep      keep the work directory (with the SQLite file) and print its path
#
# Environment: RECORDS (default 1000000), KEYS (5000), DAYS (30), CLIENTS (10), ROUNDS (timed calls per
#              route after one cold call, default 21), GB_JAR, GB_JAVA_OPTS.
#
# The server runs on CPU 0, curl on CPU 1 (taskset), as bench/run.sh pins them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=1
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done
RECORDS=${RECORDS:-1000000}
KEYS=${KEYS:-5000}
DAYS=${DAYS:-30}
CLIENTS=${CLIENTS:-10}
ROUNDS=${ROUNDS:-21}
GB_JAVA_OPTS=${GB_JAVA_OPTS:-}
log() { echo "[records $(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ "$BUILD" = 1 ]; then
  log "building (mvn -B -ntp -q package -DskipTests -pl gemini-balance-micronaut -am)"
  (cd "$ROOT" && mvn -B -ntp -q package -DskipTests -pl gemini-balance-micronaut -am)
fi
GB_JAR=${GB_JAR:-"$ROOT/gemini-balance-micronaut/target/gemini-balance-server.jar"}
[ -f "$GB_JAR" ] || die "$GB_JAR is missing"

WORK=$(mktemp -d /tmp/gb-records.XXXXXX)
GB_PID=""
cleanup() {
  [ -n "$GB_PID" ] && kill -TERM "$GB_PID" 2>/dev/null && wait "$GB_PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DB="$WORK/records.db"
log "filling $DB: $RECORDS request records over $DAYS days, $KEYS keys, $CLIENTS clients"
taskset -c 0 java -cp "$GB_JAR" "$ROOT/bench/RecordsFill.java" --file="$DB" --records="$RECORDS" --keys="$KEYS" \
  --days="$DAYS" --clients="$CLIENTS" >"$WORK/fill.txt" 2>"$WORK/fill.err" || { cat "$WORK/fill.err" >&2; die "fill failed"; }
grep '^RECORDS_FILL' "$WORK/fill.txt" >&2
FIRST_KEY=$(sed -n 's/^RECORDS_FILL first_key=//p' "$WORK/fill.txt")
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1 || true
DB_BYTES=$(stat -c %s "$DB")
USAGE_ROWS=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM gb_usage' 2>/dev/null || echo "?")
ERROR_ROWS=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM gb_error' 2>/dev/null || echo "?")

PORT=$(( 20000 + RANDOM % 12000 ))
log "starting the server on :$PORT"
# shellcheck disable=SC2086
env API_KEYS="[\"$FIRST_KEY\"]" ALLOWED_TOKENS='["bench"]' AUTH_TOKEN=bench-admin PORT="$PORT" \
  MICRONAUT_SERVER_HOST=127.0.0.1 BASE_URL=http://127.0.0.1:9/v1beta DATABASE_TYPE=sqlite SQLITE_DATABASE="$DB" \
  AUTO_DELETE_REQUEST_LOGS_DAYS=0 AUTO_DELETE_ERROR_LOGS_DAYS=0 CHECK_INTERVAL_HOURS=0 LOG_LEVEL=warning \
  taskset -c 0 java $GB_JAVA_OPTS -jar "$GB_JAR" >"$WORK/gb.log" 2>&1 &
GB_PID=$!
for i in $(seq 1 300); do
  kill -0 "$GB_PID" 2>/dev/null || { cat "$WORK/gb.log" >&2; die "the server exited"; }
  code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true)
  [ "$code" = 200 ] && break
  sleep 0.2
done
POOL=$(curl -s -m 5 "http://127.0.0.1:$PORT/health" | grep -o '"total":[0-9]*' | cut -d: -f2)

# time_route NAME PATH -> "cold; median / p90 / max over ROUNDS; bytes; items"
time_route() {
  local path=$1 times=() t i out
  out=$(taskset -c 1 curl -s -m 30 -o "$WORK/body.json" -w '%{http_code} %{time_total}' -H 'Authorization: Bearer bench-admin' \
    "http://127.0.0.1:$PORT$path")
  [ "${out%% *}" = 200 ] || die "$path answered ${out%% *}: $(head -c 300 "$WORK/body.json")"
  local cold=${out#* }
  for i in $(seq 1 "$ROUNDS"); do
    t=$(taskset -c 1 curl -s -m 30 -o "$WORK/body.json" -w '%{time_total}' -H 'Authorization: Bearer bench-admin' \
      "http://127.0.0.1:$PORT$path")
    times+=("$t")
  done
  local items
  items=$(grep -o '"id":\|"requests":' "$WORK/body.json" | wc -l)
  printf '%s\n' "${times[@]}" | sort -g | awk -v cold="$cold" -v n="$ROUNDS" -v bytes="$(stat -c %s "$WORK/body.json")" -v items="$items" '
    { t[NR] = $1 * 1000 }
    END { printf "cold %.1f ms; median %.1f / p90 %.1f / max %.1f ms of %d; %d rows, %d bytes", cold * 1000,
          t[int((n + 1) / 2)], t[int(n * 0.9 + 0.5)], t[n], n, items, bytes }'
}

MODEL=gemini-2.5-pro
TODAY=$(date -u +%F)
FROM=$(date -u -d "$DAYS days ago" +%F)
R1=$(time_route "/admin/logs/requests?limit=50&model=$MODEL")
CURSOR=$(grep -o '"next":"[^"]*"' "$WORK/body.json" | cut -d'"' -f4)
R2=$(time_route "/admin/logs/requests?limit=50&model=$MODEL&cursor=$CURSOR")
R3=$(time_route "/admin/usage?group=day")
R4=$(time_route "/admin/usage?from=$FROM&to=$TODAY&group=model")
R5=$(time_route "/admin/logs/requests?limit=50&key=$(curl -s -H 'Authorization: Bearer bench-admin' \
  "http://127.0.0.1:$PORT/admin/logs/requests?limit=1" | grep -o '"key_id":"[^"]*"' | tail -n 1 | cut -d'"' -f4)")
R6=$(time_route "/admin/logs/errors?limit=50")
R7=$(time_route "/admin/usage?from=$FROM&to=$TODAY&group=key")

echo "# Admin API over $RECORDS request records ($(date +%Y-%m-%d\ %H:%M))"
echo
echo "- commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`; $(nproc) CPUs; $(java -version 2>&1 | head -n 1); sqlite-jdbc from the server jar"
echo "- load average (1/5/15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- store: $RECORDS request records and $ERROR_ROWS error records over $DAYS days, $KEYS keys (the server's pool: $POOL keys), $CLIENTS clients, 5 models; $USAGE_ROWS usage rows"
echo "- $(grep '^RECORDS_FILL records' "$WORK/fill.txt" | sed 's/^RECORDS_FILL //')"
echo "- SQLite file: $((DB_BYTES / 1048576)) MB after a WAL checkpoint, $(awk -v b="$DB_BYTES" -v n="$RECORDS" 'BEGIN{printf "%.0f", b / n * 1000000 / 1048576}') MB per million request records (with the error records and usage rows above)"
echo "- server on CPU 0, curl on CPU 1; times are curl's time_total (connect to last byte), one cold call then $ROUNDS"
echo
echo "| Route | Time |"
echo "|---|---|"
echo "| \`GET /admin/logs/requests?limit=50&model=$MODEL\` | $R1 |"
echo "| the same, next page (\`cursor\`) | $R2 |"
echo "| \`GET /admin/usage?group=day\` (the last 30 days) | $R3 |"
echo "| \`GET /admin/usage?from=$FROM&to=$TODAY&group=model\` | $R4 |"
echo "| \`GET /admin/logs/requests?limit=50&key=<one key>\` | $R5 |"
echo "| \`GET /admin/logs/errors?limit=50\` | $R6 |"
echo "| \`GET /admin/usage?from=$FROM&to=$TODAY&group=key\` | $R7 |"
