#!/usr/bin/env bash
# Load test of the read API and the member list page over a built city, as BENCHMARKS.md
# quotes it. Usage: bench/web.sh DATA_DIR USERNAME PASSWORD [ORG_CODE]
# The server must already run on 127.0.0.1:8098 over DATA_DIR (release build); wrk from Debian.
set -euo pipefail
dir=$1 user=$2 pass=$3 within=${4:-D350302}
base=http://127.0.0.1:8098
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
curl -s -c "$work/jar" -H 'content-type: application/json' -d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/session" > "$work/session.json"
csrf=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['csrf'])" "$work/session.json")
token=$(curl -s -b "$work/jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -d '{"name":"bench","scope":"read"}' "$base/api/v1/tokens" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
cookie="jiceng_session=$(awk '/jiceng_session/ {print $7}' "$work/jar")"
# 300 cursors spread over the subtree: the last member of successive 500-row pages.
after=""
for _ in $(seq 1 300); do
  after=$(curl -s -H "authorization: Bearer $token" "$base/api/v1/members?within=$within&limit=500${after:+&after=$after}" | python3 -c "import json,sys;n=json.load(sys.stdin)['next'];print(n or '')")
  [ -n "$after" ] || break
  echo "$after" >> "$work/cursors"
done
for c in 1 8 16 32; do
  echo "== API, $c connections"
  CURSORS="$work/cursors" PAGE_PATH="/api/v1/members?within=$within&limit=50" AUTH="Bearer $token" \
    wrk -t$(( c > 1 ? 2 : 1 )) -c$c -d10s --latency -s "$here/members.lua" "$base" | grep -E '50%|90%|99%|Requests/sec|Non-2xx'
done
for c in 1 16; do
  echo "== page, $c connections"
  CURSORS="$work/cursors" PAGE_PATH="/members?within=$within" COOKIE="$cookie" \
    wrk -t$(( c > 1 ? 2 : 1 )) -c$c -d10s --latency -s "$here/members.lua" "$base" | grep -E '50%|90%|99%|Requests/sec|Non-2xx'
done
rm -rf "$work"
