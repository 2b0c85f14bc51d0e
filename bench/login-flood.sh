#!/usr/bin/env bash
# Case intake while 50 clients flood sign-in with wrong passwords, as BENCHMARKS.md quotes it:
# intake's latency idle, then under a flood from one address (the per-address limit answers
# it without hashing), then under a flood from ever new addresses (each attempt hashes).
# Usage: bench/login-flood.sh USERNAME PASSWORD [SECONDS]. The server must run on
# 127.0.0.1:8098 over a demo city (release build) with --trusted-proxy 127.0.0.1.
set -euo pipefail
user=$1 pass=$2 secs=${3:-10}
base=http://127.0.0.1:8098
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
curl -s -c "$work/jar" -H 'content-type: application/json' -d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/session" > "$work/session.json"
csrf=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['csrf'])" "$work/session.json")
token=$(curl -s -b "$work/jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -d '{"name":"flood bench","scope":"write"}' "$base/api/v1/tokens" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
cells=$(curl -s -H "authorization: Bearer $token" "$base/api/v1/grids" | python3 -c "
import json,sys,math
g=json.load(sys.stdin); print(max(1, math.ceil(math.sqrt(len({x['community_org_id'] for x in g})))))")
intake() {
  AUTH="Bearer $token" CELLS="$cells" wrk -t1 -c4 -d${secs}s --latency -s "$here/intake.lua" "$base" 2>/dev/null | grep -E '50%|99%|Requests/sec'
}
echo "== intake, 4 connections, idle"
intake
for spread in 0 1; do
  echo "== intake, 4 connections, 50 clients flooding sign-in (spread addresses: $spread)"
  SPREAD=$spread wrk -t1 -c50 -d$((secs + 4))s -s "$here/login-flood.lua" "$base" > "$work/flood" 2>&1 &
  flood=$!
  sleep 2
  intake
  wait $flood
  grep -E 'Requests/sec' "$work/flood" | sed 's/^/   sign-in attempts: /'
done
rm -rf "$work"
