#!/usr/bin/env bash
# Case intake while a large member file is checked (an import's dry run), as BENCHMARKS.md
# quotes it: wrk takes cases in for 10 s alone, then for 10 s while the file is uploaded and
# checked. Usage: bench/dry-run.sh USERNAME PASSWORD [ROWS]
# The server must already run on 127.0.0.1:8098 over a demo city (release build).
set -euo pipefail
user=$1 pass=$2 rows=${3:-20000}
base=http://127.0.0.1:8098
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
curl -s -c "$work/jar" -H 'content-type: application/json' -d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/session" > "$work/session.json"
csrf=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['csrf'])" "$work/session.json")
token=$(curl -s -b "$work/jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' -d '{"name":"dry-run bench","scope":"write"}' "$base/api/v1/tokens" | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")
cells=$(curl -s -H "authorization: Bearer $token" "$base/api/v1/grids" | python3 -c "
import json,sys,math
g=json.load(sys.stdin); print(max(1, math.ceil(math.sqrt(len({x['community_org_id'] for x in g})))))")
org=$(curl -s -H "authorization: Bearer $token" "$base/api/v1/orgs?level=branch&per_page=1" | python3 -c "
import json,sys; o=json.load(sys.stdin)['items'][0]; print(o.get('code') or o['row']['code'])")
# A member file of valid, unregistered ID numbers (GB 11643 check characters).
python3 - "$rows" "$org" > "$work/members.csv" <<'PY'
import sys
rows, org = int(sys.argv[1]), sys.argv[2]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print("姓名,身份证号,党组织代码,入党日期,转正日期,联系电话")
for i in range(rows):
    first = "350302%s%03d" % ((19600101 + (i // 900) % 28 + 100 * ((i // 25200) % 12)), i % 900 + 1)
    check = "10X98765432"[sum(int(c) * k for c, k in zip(first, w)) % 11]
    print("压测%d,%s%s,%s,2005-07-01,2006-07-01,138%08d" % (i, first, check, org, i))
PY
echo "== intake alone, 8 connections, 10s"
AUTH="Bearer $token" CELLS="$cells" wrk -t2 -c8 -d10s --latency -s "$here/intake.lua" "$base" 2>/dev/null | grep -E 'Latency +|99%|Requests/sec'
echo "== intake while $rows rows are checked, 8 connections, 10s"
AUTH="Bearer $token" CELLS="$cells" wrk -t2 -c8 -d10s --latency -s "$here/intake.lua" "$base" 2>/dev/null > "$work/wrk.txt" &
sleep 1
curl -s -o "$work/report.html" -w "   dry run of $rows rows: %{http_code} in %{time_total} s\n" -b "$work/jar" -H "x-csrf-token: $csrf" \
  -F mode=dry -F kind=members -F "file=@$work/members.csv;filename=members.csv" "$base/import"
wait
grep -E 'Latency +|99%|Requests/sec' "$work/wrk.txt"
rm -rf "$work"
