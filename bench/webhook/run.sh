#!/usr/bin/env bash
# Inbound webhook throughput: wrk against a bare ASP.NET Core minimal endpoint that answers 200,
# then against RapidSms's HTTP backend endpoint (MapRapidSmsHttp, router, apps), in one run, and
# the ratio of the two. Both servers are the same program (bench/RapidSms.Benchmarks, mode
# `webhook-host`), so they differ only in the endpoint.
#
#   bench/webhook/run.sh                       # 10 s per server, 2 wrk threads, 64 connections
#   DURATION=30s CONNECTIONS=128 bench/webhook/run.sh
#
# Needs wrk (apt-get install -y wrk). Keep the machine otherwise idle: wrk and the server share it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
TARGET="${TARGET:-0.7}"
SCRIPT="$ROOT/bench/webhook/phones.lua"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }

echo "Building bench/RapidSms.Benchmarks (Release)..." >&2
dotnet build "$ROOT/bench/RapidSms.Benchmarks" -c Release -nologo -v quiet >&2
DLL="$(find "$ROOT/bench/RapidSms.Benchmarks/bin/Release" -name RapidSms.Benchmarks.dll | head -1)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

SERVER_PID=""
cleanup() { if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# measure MODE -> prints requests/sec
measure() {
  local mode="$1" port log
  port="$(free_port)"
  log="$(mktemp)"
  # Server GC, as an ASP.NET Core app (Microsoft.NET.Sdk.Web) gets by default.
  DOTNET_gcServer=1 dotnet "$DLL" webhook-host "$mode" "$port" 2>"$log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/sms?phone=1&message=up"; then break; fi
    sleep 0.1
  done
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$SCRIPT" "http://127.0.0.1:$port" >/dev/null
  local out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$SCRIPT" "http://127.0.0.1:$port")"
  echo "=== $mode" >&2
  echo "$out" >&2
  if grep -q "Non-2xx" <<<"$out"; then echo "$mode: wrk saw non-2xx answers" >&2; exit 1; fi
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
  cat "$log" >&2; rm -f "$log"
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

bare="$(measure bare)"
ours="$(measure rapidsms)"
ratio="$(awk -v a="$ours" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"

printf '\n%-34s %12s\n' "endpoint" "requests/s"
printf '%-34s %12.0f\n' "bare minimal API (200)" "$bare"
printf '%-34s %12.0f\n' "RapidSms MapRapidSmsHttp" "$ours"
printf '%-34s %12s   (target >= %s)\n' "ratio" "$ratio" "$TARGET"
awk -v r="$ratio" -v t="$TARGET" 'BEGIN { exit !(r >= t) }' || { echo "below target" >&2; exit 1; }
