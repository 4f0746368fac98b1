#!/usr/bin/env python3
"""Lodestone against pw.x 6.7 on the inputs of validation/soc (README.md): free energy, total and
absolute magnetisation, forces, from pw.x's XML (tmp/PREFIX.save/data-file-schema.xml, full
precision; energies in Ha) and text output, and Lodestone's JSON (out/CASE.lodestone.json).

Usage: python3 compare.py CASE [CASE ...]   (after run.sh)
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

HA_EV = 27.211386245988  # common/units.h, the value of pw.x 6.7 too (CODATA 2018)


def pwx(case):
    prefix = re.search(r"prefix\s*=\s*'([^']+)'", open(case + ".in").read()).group(1)
    root = ET.parse("tmp/%s.save/data-file-schema.xml" % prefix).getroot()
    out = root.find("output")
    r = {"energy_eV": float(out.find("total_energy/etot").text) * HA_EV,
         "nat": int(out.find("atomic_structure").get("nat"))}
    mag = out.find("magnetization")
    r["total"] = float(mag.find("total").text)
    r["absolute"] = float(mag.find("absolute").text)
    text = open("out/%s.pwx.out" % case).read()
    vec = re.findall(r"total magnetization\s*=\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+Bohr mag/cell", text)
    r["vector"] = [float(x) for x in vec[-1]] if vec else None
    if mag.find("noncolin").text.strip() == "true" and r["vector"]:
        # pw.x 6.7's XML has 0 for a noncollinear total: |M| of the printed vector (2 decimals)
        r["total"] = sum(x * x for x in r["vector"]) ** 0.5
    # local moments in pw.x's spheres: the last block of "atom number N ... magnetization : x y z"
    sites = re.findall(r"atom number\s+\d+ relative position.*\n.*charge :.*\n\s*magnetization :\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", text)
    if sites:
        r["sites"] = [[float(x) for x in v] for v in sites[-r["nat"]:]]
    f = out.find("forces")
    if f is not None:
        v = [float(x) for x in f.text.split()]
        r["forces_eV_A"] = [x * HA_EV / 0.529177210903 for x in v]  # Ha/bohr
    t = open("out/%s.pwx.time" % case).read().split()
    r["wall_s"] = float(t[0])
    return r


def lodestone(case):
    d = json.load(open("out/%s.lodestone.json" % case))
    r = {"energy_eV": d["energy_eV"], "converged": d["converged"],
         "total": d.get("total_magnetization_muB", 0.0), "absolute": d.get("absolute_magnetization_muB", 0.0),
         "vector": d.get("magnetization_muB"), "orbital": d.get("site_orbital_moment_muB"),
         "sites": d.get("site_spin_moment_muB")}
    if "forces_eV_per_A" in d:
        r["forces_eV_A"] = [x for row in d["forces_eV_per_A"] for x in row]
    t = open("out/%s.lodestone.err" % case).read().split("\n")
    r["wall_s"] = float([l for l in t if l.endswith("user")][-1].split()[0])
    return r


def force_theorem():
    """pw.x lforcet (ft_pwx.sh) against `lodestone mae fept_l10_001.in --directions 001,100`."""
    eb = {}
    for d in ("001", "100"):
        m = re.findall(r"eband, Ef \(eV\) =\s*([-\d.Ee+]+)", open("out/fept_l10_ft_%s.pwx.out" % d).read())
        eb[d] = float(m[-1])
    col = re.findall(r"!\s+total energy\s+=\s+([-\d.]+) Ry", open("out/fept_l10_ft_col.pwx.out").read())
    mae = json.load(open("out/fept_mae_ft.json"))["meshes"][0]
    lb = {x["label"]: x["force_theorem"]["band_energy_eV"] for x in mae["directions"]}
    print("L1_0 FePt force theorem (6x6x4)")
    print("  collinear SCF    pw.x %.6f eV   Lodestone %.6f eV   difference %+.4f meV/atom" %
          (float(col[-1]) * HA_EV / 2, mae["collinear"]["energy_eV"],
           (mae["collinear"]["energy_eV"] - float(col[-1]) * HA_EV / 2) * 1000 / 2))
    dq, dl = (eb["100"] - eb["001"]) * 1000, (lb["100"] - lb["001"]) * 1000
    print("  E_band[100] - E_band[001] (meV/f.u.): pw.x %.4f   Lodestone %.4f   difference %+.4f" % (dq, dl, dl - dq))


if sys.argv[1:] == ["ft"]:
    force_theorem()
    sys.exit(0)

results = {}
for case in sys.argv[1:]:
    q, l = pwx(case), lodestone(case)
    results[case] = (q, l)
    nat = q["nat"]
    print("%s (%d atom%s)" % (case, nat, "s" if nat > 1 else ""))
    print("  free energy      pw.x %.6f eV   Lodestone %.6f eV   difference %+.4f meV/atom" %
          (q["energy_eV"], l["energy_eV"], (l["energy_eV"] - q["energy_eV"]) * 1000 / nat))
    print("  total |M|        pw.x %.4f   Lodestone %.4f muB/cell   difference %+.4f (pw.x noncollinear: 2 decimals)" %
          (abs(q["total"]), abs(l["total"]), abs(l["total"]) - abs(q["total"])))
    print("  absolute M       pw.x %.4f   Lodestone %.4f muB/cell   difference %+.4f" %
          (q["absolute"], l["absolute"], l["absolute"] - q["absolute"]))
    if q["vector"] and l["vector"]:
        print("  M vector         pw.x (%.2f %.2f %.2f) (2 decimals printed)   Lodestone (%.4f %.4f %.4f) muB/cell" %
              tuple(q["vector"] + l["vector"]))
    if q.get("sites") and l.get("sites") and len(q["sites"]) == len(l["sites"]):
        dmax = max(abs(a - b) for u, v in zip(q["sites"], l["sites"]) for a, b in zip(u, v))
        print("  site moments     largest component difference %.4f muB (pw.x spheres)" % dmax)
        for i, (u, v) in enumerate(zip(q["sites"], l["sites"])):
            print("    atom %d         pw.x (%.4f %.4f %.4f)   Lodestone (%.4f %.4f %.4f) muB" % tuple([i + 1] + u + v))
        if len(l["sites"]) > 1:  # angles between the moments (a noncollinear order shows here)
            import math
            def ang(u, v):
                c = sum(a * b for a, b in zip(u, v)) / (math.sqrt(sum(a * a for a in u) * sum(b * b for b in v)) or 1)
                return math.degrees(math.acos(max(-1.0, min(1.0, c))))
            pairs = [(i, j) for i in range(len(l["sites"])) for j in range(i + 1, len(l["sites"]))]
            print("    angles (deg)   " + "  ".join("%d-%d pw.x %.2f Lodestone %.2f" % (i + 1, j + 1, ang(q["sites"][i], q["sites"][j]),
                                                        ang(l["sites"][i], l["sites"][j])) for i, j in pairs))
    if "forces_eV_A" in q and "forces_eV_A" in l:
        dmax = max(abs(a - b) for a, b in zip(q["forces_eV_A"], l["forces_eV_A"]))
        print("  forces           largest difference %.2e meV/A" % (dmax * 1000))
    if l.get("orbital"):
        print("  orbital moments  Lodestone %s muB (pw.x 6.7 prints none for metals)" %
              " ".join("(%.4f %.4f %.4f)" % tuple(o) for o in l["orbital"]))
    print("  wall time        pw.x %.1f s   Lodestone %.1f s (1 thread each; ratio %.2f)" %
          (q["wall_s"], l["wall_s"], l["wall_s"] / q["wall_s"]))

# The anisotropy of L1_0 FePt, self-consistent, when both directions were run.
if "fept_l10_001" in results and "fept_l10_100" in results:
    (q1, l1), (q2, l2) = results["fept_l10_001"], results["fept_l10_100"]
    dq = (q2["energy_eV"] - q1["energy_eV"]) * 1000
    dl = (l2["energy_eV"] - l1["energy_eV"]) * 1000
    print("L1_0 FePt E[100] - E[001] (self-consistent, meV/f.u.): pw.x %.4f   Lodestone %.4f   difference %+.4f (%.1f %%)" %
          (dq, dl, dl - dq, 100 * (dl - dq) / dq if dq else float("nan")))
