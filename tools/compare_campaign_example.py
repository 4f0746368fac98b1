#!/usr/bin/env python3
"""Compare a campaign example's database with its expected.json; prints PASS/FAIL per check.

    compare_campaign_example.py EXPECTED.json CAMPAIGN.db [EXIT_CODE]
    compare_campaign_example.py --write EXPECTED.json CAMPAIGN.db     (refresh the values)

expected.json: {"evaluated": ["PROTOTYPE FORMULA", ...] (the candidates the campaign verified, as a set),
"results": {"PROTOTYPE FORMULA": {COLUMN: {"value": V, "tolerance": T}, ...}, ...}}, COLUMN one
of the `results` view's columns (campaign/README.md).  Read with Python's sqlite3 module, as a
user would.  Exit 0 if all pass, 1 otherwise.  Standard library only.
"""
import json
import sqlite3
import sys

COLUMNS = {
    "energy_ev_per_atom": 1e-4,
    "formation_energy_ev_per_atom": 1e-3,
    "moment_mub_per_atom": 0.01,
    "ms_tesla": 0.01,
}


def read(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT * FROM results WHERE status = 'done'").fetchall()
    con.close()
    return {f"{r['prototype']} {r['formula']}": dict(r) for r in rows}


def write(path, db):
    done = read(db)
    with open(path) as f:
        expected = json.load(f)
    expected["evaluated"] = sorted(done)
    expected["results"] = {
        key: {c: {"value": round(row[c], 6), "tolerance": t} for c, t in COLUMNS.items() if row[c] is not None}
        for key, row in sorted(done.items())}
    with open(path, "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


def main(argv):
    if len(argv) == 4 and argv[1] == "--write":
        write(argv[2], argv[3])
        return 0
    if len(argv) not in (3, 4):
        print(__doc__.strip())
        return 2
    with open(argv[1]) as f:
        expected = json.load(f)
    ok = True
    if len(argv) == 4 and argv[3] != "0":
        print("   FAIL  lodestone exit code %s (0 expected)" % argv[3])
        ok = False
    done = read(argv[2])
    want = set(expected["evaluated"])
    good = set(done) == want
    ok = ok and good
    print("   %s  candidates verified: %s" % ("PASS" if good else "FAIL", ", ".join(sorted(done)) or "none"))
    if not good:
        print("         expected: %s" % ", ".join(sorted(want)))
    for key, spec in expected["results"].items():
        row = done.get(key)
        for col, s in spec.items():
            if row is None or row.get(col) is None:
                print("   FAIL  %-22s %-30s missing" % (key, col))
                ok = False
                continue
            diff = row[col] - s["value"]
            g = abs(diff) <= s["tolerance"]
            ok = ok and g
            print("   %s  %-22s %-30s %14.6f  expected %14.6f  diff %+.1e  tolerance %.0e" %
                  ("PASS" if g else "FAIL", key, col, row[col], s["value"], diff, s["tolerance"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
