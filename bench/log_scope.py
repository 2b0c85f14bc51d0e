#!/usr/bin/env python3
"""A quiet street's audit trail, by the old range over the path along the whole table's order
and by the street kept on each entry (migration 38). On a COPY of a SQLite file grown by
`jiceng bench logs` (it is changed): adds a street under the first district and moves 36 of
the oldest entries under it, then times both statements. Usage:
    cp /tmp/jd30/jiceng.db /tmp/quiet.db && bench/log_scope.py /tmp/quiet.db"""
import sqlite3
import sys
import time

db = sqlite3.connect(sys.argv[1])
district, dpath, division = db.execute(
    "SELECT id, path, division_code FROM orgs WHERE level = 'district' ORDER BY id LIMIT 1").fetchone()
sid = db.execute("SELECT MAX(id) + 1 FROM orgs").fetchone()[0]
path = f"{dpath}{sid}/"
db.execute("INSERT INTO orgs (id, code, name, level, category, parent_id, path, division_code, created_at, updated_at) "
           "VALUES (?, 'QUIET', '基准测试街道', 'street', 'regional', ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
           (sid, district, path, division))
db.execute("UPDATE audit_log SET path = ?, district_org_id = ?, street_org_id = ? WHERE seq IN "
           "(SELECT seq FROM audit_log WHERE seq IS NOT NULL ORDER BY seq LIMIT 36 OFFSET 10)", (path, district, sid))
db.commit()
total = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
cols = "id, seq, at, actor, operation, target, path, before_json, after_json, prev_hash, hash, key_id"
old = (f"SELECT {cols} FROM audit_log WHERE seq < ? AND (? IS NULL OR (path >= ? AND path < ?)) "
       "AND (? IS NULL OR actor = ?) AND (? IS NULL OR operation LIKE ? || '%') AND (? IS NULL OR target = ?) "
       "AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) ORDER BY seq DESC LIMIT 51")
new = f"SELECT {cols} FROM audit_log WHERE seq IS NOT NULL AND street_org_id = ? ORDER BY seq DESC LIMIT 51"
upper = path[:-1] + "0"
for name, sql, args in [("path range (before)", old, [2**62, path, path, upper] + [None] * 10),
                        ("kept street (after)", new, [sid])]:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        rows = db.execute(sql, args).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"a street with 36 of {total} entries, {name}: {len(rows)} rows, "
          f"p50 {times[2]:.1f} ms, max {times[-1]:.1f} ms")
