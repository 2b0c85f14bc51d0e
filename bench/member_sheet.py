#!/usr/bin/env python3
"""A member sheet as an organisation department keeps it, for `jiceng import members`:
a title row above the header, the department's own column names, values as people write
them. ROWS rows (default 99,998), ID numbers of Beijing-born members so none is registered in
the demo city already. Usage: bench/member_sheet.py OUT.csv [ROWS]"""
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(birth, seq):
    first = f"110105{birth}{seq:03d}"
    return first + "10X98765432"[sum(int(d) * W[i] for i, d in enumerate(first)) % 11]


def main():
    out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 99_998
    lines = ["莆田市荔城区党员信息采集表（2026年）", "姓名,公民身份号码,所在党组织,入党时间,转正时间,党员类别,手机号码"]
    n = 0
    for y in range(1950, 1997):
        for m in range(1, 13):
            for d in range(1, 29):
                for seq in (101, 203, 305, 402, 504, 606, 708):
                    if n >= rows:
                        break
                    n += 1
                    lines.append(
                        f"党员{n},{id_number(f'{y}{m:02d}{d:02d}', seq)},C350302001001,"
                        f"2015.7.1,2016-07-01,在职党员,+86 138{n:08d}"
                    )
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


main()
