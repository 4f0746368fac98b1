#!/usr/bin/env python3
"""The physics of the campaign's candidates against the literature (issue 14).

    validation/campaign/physics.py --exhaustive EXH.db [--out physics.md]

Reads the `results` view of a campaign database (the exhaustive screen of exhaustive.yaml holds
all five compounds below) with Python's sqlite3, and prints for B2 FeCo, L1_0 FeNi, L1_0 MnAl,
L1_0 FePt and L2_1 Co2MnSi the moment per formula unit and per atom, mu0*Ms, the formation
energy and the magnetic order found, beside literature values (PBE or GGA where they exist).

Sources: each row says where its number comes from.  [MEMORY] marks a value quoted from the
literature as remembered, not re-read for this table: treat its difference as indicative only.
Standard library only.
"""
import argparse
import sqlite3

# (prototype, formula in the campaign's order, atoms per formula unit, literature)
TARGETS = [
    ("B2", ["FeCo", "CoFe"], 2, {
        "moment_mub_per_fu": (4.5, "PBE, e.g. Fe 2.75 + Co 1.75 muB in B2 FeCo; the Materials Project entry gives "
                                   "about 4.5 muB/f.u. [MEMORY]"),
        "formation_energy_ev_per_atom": (-0.07, "PBE, Materials Project / OQMD, about -0.06 to -0.09 eV/atom [MEMORY]"),
    }),
    ("L10", ["FeNi", "NiFe"], 2, {
        "ms_tesla": (1.63, "Edstrom et al., Phys. Rev. B 90, 064422 (2014) (arXiv:1404.7097): Ms = 1.3 MA/m, "
                           "GGA (FPLO/WIEN2k), mu0*Ms = 1.63 T"),
        "moment_mub_per_fu": (3.3, "PBE, Fe 2.6-2.7 + Ni 0.6-0.65 muB [MEMORY]"),
    }),
    ("L10", ["MnAl", "AlMn"], 2, {
        "ms_tesla": (1.01, "Edstrom et al., Phys. Rev. B 90, 064422 (2014) (arXiv:1404.7097): Ms = 0.8 MA/m, "
                           "mu0*Ms = 1.01 T"),
        "moment_mub_per_fu": (2.35, "GGA, Mn about 2.35-2.4 muB, Al about -0.05 muB [MEMORY]"),
        "formation_energy_ev_per_atom": (-0.2, "PBE, tau-MnAl about -0.2 eV/atom [MEMORY]"),
    }),
    ("L10", ["FePt", "PtFe"], 2, {
        "moment_mub_per_fu": (3.25, "GGA, Fe about 2.9 + Pt about 0.35 muB (e.g. Marciniak et al., "
                                    "arXiv:2204.05073, FPLO) [MEMORY]"),
        "formation_energy_ev_per_atom": (-0.28, "PBE, Materials Project about -0.28 eV/atom [MEMORY]"),
    }),
    ("L21", ["Co2MnSi"], 4, {
        "moment_mub_per_fu": (5.0, "Slater-Pauling rule M = Z - 24 for a half-metallic full Heusler (29 - 24); "
                                   "Galanakis, Dederichs and Papanikolaou, Phys. Rev. B 66, 174429 (2002)"),
        "formation_energy_ev_per_atom": (-0.45, "PBE, OQMD / Materials Project about -0.4 to -0.5 eV/atom "
                                                "[MEMORY]"),
    }),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exhaustive", required=True)
    ap.add_argument("--out")
    a = ap.parse_args()
    con = sqlite3.connect(f"file:{a.exhaustive}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    lines = ["| compound | quantity | Lodestone | literature | difference | source |", "|---|---|---|---|---|---|"]
    for proto, names, n_fu, lit in TARGETS:
        row = None
        for name in names:
            row = con.execute("SELECT * FROM results WHERE prototype = ? AND formula = ? AND status = 'done'",
                              (proto, name)).fetchone()
            if row:
                break
        label = f"{proto} {names[0]}"
        if row is None:
            lines.append(f"| {label} | | not evaluated in this database | | | |")
            continue
        ours = {
            "moment_mub_per_fu": row["moment_mub_per_atom"] * n_fu,
            "ms_tesla": row["ms_tesla"],
            "formation_energy_ev_per_atom": row["formation_energy_ev_per_atom"],
        }
        lines.append(f"| {label} | magnetic order (start) | {row['magnetic_order']} "
                     f"({row['magnetic_order_start']}) | | | |")
        lines.append(f"| {label} | volume | {row['volume_a3_per_atom']:.3f} A^3/atom | | | |")
        for q in ("moment_mub_per_fu", "ms_tesla", "formation_energy_ev_per_atom"):
            v = ours[q]
            if q in lit:
                ref, src = lit[q]
                diff = f"{v - ref:+.3f}" if v is not None else ""
                lines.append(f"| {label} | {q} | {v:.3f} | {ref:.3f} | {diff} | {src} |")
            elif v is not None:
                lines.append(f"| {label} | {q} | {v:.3f} | | | |")
    con.close()
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
