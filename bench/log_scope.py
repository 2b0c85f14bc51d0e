#!/usr/bin/env python3
"""The audit trail of the sparsest community, by the old range over the path along the whole
table's order and by the level kept on each entry (migration 38), on a SQLite file grown by
`jiceng bench logs`. Usage: bench/log_scope.py /tmp/jd30/jiceng.db"""
import sqlite3
import sys
import time

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cid, n = db.execute(
    "SELECT community_org_id, COUNT(*) FROM audit_log WHERE community_org_id IS NOT NULL "
    "GROUP BY 1 ORDER BY 2 LIMIT 1").fetchone()
path = db.execute("SELECT path FROM orgs WHERE id = ?", (cid,)).fetchone()[0]
upper = path[:-1] + "0"
total = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
cols = "id, seq, at, actor, operation, target, path, before_json, after_json, prev_hash, hash, key_id"
old = (f"SELECT {cols} FROM audit_log WHERE seq < ? AND (? IS NULL OR (path >= ? AND path < ?)) "
       "AND (? IS NULL OR actor = ?) AND (? IS NULL OR operation LIKE ? || '%') AND (? IS NULL OR target = ?) "
       "AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) ORDER BY seq DESC LIMIT 51")
new = f"SELECT {cols} FROM audit_log WHERE seq IS NOT NULL AND community_org_id = ? ORDER BY seq DESC LIMIT 51"
for name, sql, args in [("path range (before)", old, [2**62, path, path, upper] + [None] * 10),
                        ("kept level (after)", new, [cid])]:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        rows = db.execute(sql, args).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"community {cid}, {n} of {total} entries, {name}: {len(rows)} rows, "
          f"p50 {times[2]:.1f} ms, max {times[-1]:.1f} ms")
