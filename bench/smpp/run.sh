#!/usr/bin/env bash
# submit_sm throughput, side by side in one run:
#   1. the node `smpp` package's own client against the node `smpp` server,
#   2. the RapidSms SMPP client against the same server,
#   3. the RapidSms SMPP client against RapidSms.Testing's SmppSimulator (our client's ceiling).
# Prints each rate and the ratio of 2 to 1. 1 and 2 take turns --rounds times against the same server; the best
# rate of each (on a shared machine the best run is the least disturbed) and the median of each are compared.
#
# The single-threaded node server is pinned to CPU 0 and each client to CPU 1 (taskset), so both clients get the
# same one core and neither takes CPU time from the server; --no-pin lets the scheduler place them. The
# simulator run (client and SMSC in one process) is never pinned.
#
#   bench/smpp/run.sh [--messages 200000] [--simulator-messages 1000000] [--window 64] [--rounds 5] [--no-pin]
#
# Needs node and `npm ci` in tests/peers/smpp (./build.sh does both on CI).
set -euo pipefail
cd "$(dirname "$0")/../.."

messages=200000
simulator_messages=1000000
window=64
rounds=5
pin=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --simulator-messages) simulator_messages="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --no-pin) pin=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

if [[ ! -d tests/peers/smpp/node_modules/smpp ]]; then
  (cd tests/peers/smpp && npm ci --no-audit --no-fund)
fi
dotnet build bench/smpp -c Release -v quiet -nologo >/dev/null

server_cpu=()
client_cpu=()
placement="unpinned"
if [[ $pin == 1 ]]; then
  if command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]]; then
    server_cpu=(taskset -c 0)
    client_cpu=(taskset -c 1)
    placement="server on CPU 0, clients on CPU 1"
  else
    echo "not pinned: needs taskset and at least 2 CPUs" >&2
  fi
fi

events="$(mktemp)"
"${server_cpu[@]}" node tests/peers/smpp/server.js --port 0 --quiet >"$events" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$events"' EXIT
for _ in $(seq 1 100); do
  grep -q listening "$events" && break
  sleep 0.1
done
port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$events" | head -n1)"

rate() { sed -n 's/.*"rate":\([0-9]*\).*/\1/p'; }

node_lines=""
ours_lines=""
for _ in $(seq 1 "$rounds"); do
  line="$("${client_cpu[@]}" node bench/smpp/node-client.js --port "$port" --messages "$messages" --window "$window")"
  echo "$line"
  node_lines+="$(echo "$line" | rate)"$'\n'
  line="$("${client_cpu[@]}" dotnet bench/smpp/bin/Release/net10.0/RapidSms.Benchmarks.Smpp.dll --port "$port" --messages "$messages" --window "$window")"
  echo "$line"
  ours_lines+="$(echo "$line" | rate)"$'\n'
done
kill "$server" 2>/dev/null || true
sim_lines=""
for _ in $(seq 1 "$rounds"); do
  line="$(dotnet bench/smpp/bin/Release/net10.0/RapidSms.Benchmarks.Smpp.dll --simulator --messages "$simulator_messages" --window "$window")"
  echo "$line"
  sim_lines+="$(echo "$line" | rate)"$'\n'
done

best() { printf '%s' "$1" | sort -n | tail -n1; }
median() { printf '%s' "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
node_rate="$(best "$node_lines")"
ours_rate="$(best "$ours_lines")"
sim_rate="$(best "$sim_lines")"
node_median="$(median "$node_lines")"
ours_median="$(median "$ours_lines")"
echo
echo "best of $rounds, window $window, $placement:"
printf 'node smpp client -> node smpp server: %8d submit_sm/s\n' "$node_rate"
printf 'RapidSms client  -> node smpp server: %8d submit_sm/s  (%.2fx the node client)\n' "$ours_rate" "$(echo "$ours_rate / $node_rate" | bc -l)"
printf 'RapidSms client  -> SmppSimulator:    %8d submit_sm/s\n' "$sim_rate"
echo "median of $rounds:"
printf 'node smpp client -> node smpp server: %8d submit_sm/s\n' "$node_median"
printf 'RapidSms client  -> node smpp server: %8d submit_sm/s  (%.2fx the node client)\n' "$ours_median" "$(echo "$ours_median / $node_median" | bc -l)"
