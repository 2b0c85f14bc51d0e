#!/usr/bin/env bash
# Case intake over the HTTP API, as BENCHMARKS.md quotes it: wrk POSTs new cases with a write
# token, each routed to a grid by its point. Usage: bench/intake.sh USERNAME PASSWORD [SECONDS]
# The server must already run on 127.0.0.1:8098 over a demo city (release build).
set -euo pipefail
user=$1 pass=$2 secs=${3:-10}
base=http://127.0.0.1:8098
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
curl -s -c "$work/jar" -H 'content-type: application/json' -d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/session" > "$work/session.json"
csrf=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['csrf'])" "$work/session.json")
token=$(curl -s -b "$work/jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -d '{"name":"intake bench","scope":"write"}' "$base/api/v1/tokens" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
cells=$(curl -s -H "authorization: Bearer $token" "$base/api/v1/grids" | python3 -c "
import json,sys,math
g=json.load(sys.stdin); print(max(1, math.ceil(math.sqrt(len({x['community_org_id'] for x in g})))))")
for c in 8 32; do
  echo "== intake, $c connections, ${secs}s"
  AUTH="Bearer $token" CELLS="$cells" wrk -t2 -c$c -d${secs}s --latency -s "$here/intake.lua" "$base" 2>"$work/errors" | grep -E '50%|90%|99%|Requests/sec|Non-2xx'
  echo "   refused: $(wc -l < "$work/errors")"; head -3 "$work/errors"
done
rm -rf "$work"
