#!/usr/bin/env python3
"""Compare `lodestone scf` with the Quantum ESPRESSO 6.7 references in <shared>/reference/qe.

For each system (all NAME.in there, or those named on the command line) copy NAME.in to a scratch folder
with PSEUDO_DIR replaced, run `build/lodestone scf NAME.in --json NAME.json`, and compare with NAME.json of
the reference: free energy per atom, forces, stress (ASE sign), magnetisation, Fermi level / HOMO.
Prints an aligned table, writes validation/qe/results.md, exits 1 if any figure fails (2 on usage errors).

Standard library only. See README.md in this folder.
"""
import argparse
import datetime
import os
import sys

sys.dont_write_bytecode = True   # keep validation/qe free of __pycache__
import qe_common as qc  # noqa: E402

# Tolerances of the compared figures (lodestone minus pw.x).
TOL = {
    "energy": 0.1,     # meV/atom (goal 0.02)
    "force": 1.0,      # meV/Å, max component
    "stress": 0.05,    # GPa, max component, ASE sign
    "mag": 0.01,       # μB, total and absolute
    "fermi": 5.0,      # meV
}
ENERGY_GOAL = 0.02

COLUMNS = [
    # key, terminal title, markdown title, tolerance text
    ("energy", "dE meV/atom", "ΔE (meV/atom)", f"|ΔE| ≤ {TOL['energy']} meV/atom (goal {ENERGY_GOAL}; "
                                               f"'*' = within tolerance but above the goal)"),
    ("force", "max dF meV/A", "max ΔF (meV/Å)", f"max |ΔF_i,α| ≤ {TOL['force']} meV/Å"),
    ("stress", "max dsigma GPa", "max Δσ (GPa)", f"max |Δσ_αβ| ≤ {TOL['stress']} GPa (ASE sign, positive = tensile)"),
    ("mtot", "dM_tot muB", "ΔM tot (μB)", f"|ΔM| ≤ {TOL['mag']} μB per cell (spin-polarised systems only)"),
    ("mabs", "dM_abs muB", "ΔM abs (μB)", f"|ΔM_abs| ≤ {TOL['mag']} μB per cell (spin-polarised systems only)"),
    ("fermi", "d(eF|HOMO) meV", "Δ εF or HOMO (meV)", f"|Δε| ≤ {TOL['fermi']} meV (HOMO for fixed occupations, "
                                                      f"else Fermi level)"),
]


def fig(value, tol, fmt, goal=None):
    """A compared figure: dict(value, text, ok). value None = missing in lodestone's output (a failure)."""
    if value is None:
        return {"value": None, "ok": False, "text": "missing FAIL"}
    ok = abs(value) <= tol
    mark = "*" if ok and goal is not None and abs(value) > goal else ""
    return {"value": value, "ok": ok, "text": f"{fmt % value}{mark} {'PASS' if ok else 'FAIL'}"}


NA = {"value": None, "ok": True, "text": "-"}


def max_abs_diff(a, b):
    """max |a - b| over nested lists of equal shape, or None when the shapes differ."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b)
    if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
        return None
    diffs = [max_abs_diff(x, y) for x, y in zip(a, b)]
    return None if any(d is None for d in diffs) else max(diffs, default=0.0)


def negate(m):
    return [negate(x) for x in m] if isinstance(m, list) else -m


def compare_one(ref, got, nat):
    """Compare a lodestone JSON (got) with the reference (ref). Returns (figures by column key, notes)."""
    figs, notes = {}, []

    e = got.get("energy_eV")
    de = None if e is None else (e - ref["energy_eV"]) / nat * 1e3
    figs["energy"] = fig(de, TOL["energy"], "%+.4f", ENERGY_GOAL)
    if de is not None and not figs["energy"]["ok"]:
        rel = (e - ref["energy_eV"]) / abs(ref["energy_eV"])
        for name, r in (("CODATA 2006 (QE's own)", qc.RY_EV_QE), ("CODATA 2014 (ASE)", qc.RY_EV_ASE)):
            if abs(abs(rel) - abs(r / qc.RY_EV - 1)) < 0.1 * abs(r / qc.RY_EV - 1):
                notes.append(f"relative energy difference {rel:.3e} matches a Ha/Ry->eV factor of {name} "
                             f"instead of CODATA 2018: check common/units.h")

    df = max_abs_diff(got.get("forces_eV_per_A"), ref["forces_eV_per_A"]) if "forces_eV_per_A" in got else None
    if "forces_eV_per_A" in got and df is None:
        notes.append("forces: shape differs from the reference (atom count or order?)")
    figs["force"] = fig(None if df is None else df * 1e3, TOL["force"], "%.3f")

    ds = max_abs_diff(got.get("stress_GPa"), ref["stress_GPa"]) if "stress_GPa" in got else None
    figs["stress"] = fig(ds, TOL["stress"], "%.4f")
    if ds is not None and ds > TOL["stress"]:
        flipped = max_abs_diff(got["stress_GPa"], negate(ref["stress_GPa"]))
        if flipped is not None and flipped <= TOL["stress"]:
            notes.append(f"stress agrees with the opposite sign (max diff {flipped:.4f} GPa): lodestone wrote "
                         f"pw.x's sign, not ASE's (positive = tensile)")

    if ref.get("total_magnetization_muB") is not None:
        m = got.get("total_magnetization_muB")
        figs["mtot"] = fig(None if m is None else m - ref["total_magnetization_muB"], TOL["mag"], "%+.4f")
    else:
        figs["mtot"] = NA
    if ref.get("absolute_magnetization_muB") is not None:
        m = got.get("absolute_magnetization_muB")
        figs["mabs"] = fig(None if m is None else m - ref["absolute_magnetization_muB"], TOL["mag"], "%+.4f")
    else:
        figs["mabs"] = NA

    key = "homo_eV" if ref.get("homo_eV") is not None else "fermi_eV"
    v = got.get(key)
    figs["fermi"] = fig(None if v is None else (v - ref[key]) * 1e3, TOL["fermi"], "%+.2f")
    if v is None:
        notes.append(f"{key} missing in lodestone's JSON")

    if got.get("fft_grid") is not None and list(got["fft_grid"]) != list(ref["fft_grid"]):
        notes.append(f"FFT grid {got['fft_grid']} differs from pw.x's {ref['fft_grid']} (nr1..nr3 in the input)")
    if got.get("n_kpoints_irreducible") not in (None, ref["n_kpoints_irreducible"]):
        notes.append(f"{got['n_kpoints_irreducible']} irreducible k-points, pw.x has {ref['n_kpoints_irreducible']} "
                     f"(fine if the symmetry reduction differs; energies must still agree)")
    return figs, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("systems", nargs="*", help="systems to run (default: every NAME.in of the reference folder)")
    ap.add_argument("--lodestone", default=os.path.join(qc.PROJECT_ROOT, "build", "lodestone"),
                    help="the lodestone binary (default: build/lodestone of this checkout)")
    ap.add_argument("--threads", type=int, help="pass --threads N to lodestone (and OMP_NUM_THREADS=N)")
    ap.add_argument("--scratch", help="folder for the prepared inputs and outputs (default: a new /tmp folder)")
    ap.add_argument("--from-json", metavar="DIR",
                    help="do not run lodestone: compare the existing DIR/NAME.json files (to re-check a run or "
                         "test this script); results.md is then written only with an explicit --results")
    ap.add_argument("--results", help="result file (default: validation/qe/results.md; '-' for none)")
    ap.add_argument("--dry-run", action="store_true", help="prepare the inputs and print the commands only")
    a = ap.parse_args()

    systems = qc.select_systems(a.systems)
    exe = os.path.abspath(a.lodestone)
    if not a.from_json and not a.dry_run and not os.access(exe, os.X_OK):
        qc.die(f"{exe} not found or not executable: build it with 'make' in {qc.PROJECT_ROOT} "
               f"(or give --lodestone PATH)")
    results_path = a.results
    if results_path is None and not a.from_json:
        results_path = os.path.join(qc.HERE, "results.md")
    if results_path == "-":
        results_path = None

    scratch = os.path.abspath(a.from_json) if a.from_json else qc.make_scratch(a.scratch, "lodestone-qe-")
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = qc.machine_description()
    print(f"reference: {qc.reference_dir()}\npseudopotentials: {qc.pseudo_dir()}\nscratch: {scratch}")

    rows = []   # (system, nat, run status, iterations, figs, wall, notes)
    for s in systems:
        ref = qc.load_reference(s)
        if a.from_json:
            inp = os.path.join(qc.reference_dir(), s + ".in")
            data = qc.read_json(os.path.join(scratch, s + ".json"))
            conv = data.get("converged", True) if data else False
            run = {"status": ("converged" if conv else "not converged") if data else "no JSON", "wall_s": None,
                   "data": data, "log_path": None}
        else:
            inp = qc.prepare_input(s, os.path.join(scratch, s))
            if a.dry_run:
                cmd = f"cd {os.path.dirname(inp)} && nice {exe} scf {s}.in --json {s}.json"
                print(cmd + (f" --threads {a.threads}" if a.threads else ""))
                continue
            print(f"running lodestone on {s} ...", flush=True)
            run = qc.run_lodestone(exe, inp, a.threads)
        nat = qc.n_atoms(inp)
        data = run["data"]
        if data is None:
            figs = {c[0]: {"value": None, "ok": False, "text": "no result FAIL"} for c in COLUMNS}
            notes = [f"no lodestone JSON ({run['status']})" +
                     (f"; see {run['log_path']}" if run.get("log_path") else "")]
        else:
            figs, notes = compare_one(ref, data, nat)
            if run["status"] != "converged":
                notes.insert(0, f"lodestone {run['status']}" +
                             (f"; see {run['log_path']}" if run.get("log_path") else ""))
        iters = f"{data.get('scf_iterations', '?') if data else '-'}/{ref.get('scf_iterations', '?')}"
        rows.append((s, nat, run["status"], iters, figs, run["wall_s"], notes))
        if not a.from_json:
            t = f"{run['wall_s']:.1f} s"
            print(f"  {run['status']} in {t}: " + ", ".join(f"{c[1]} {figs[c[0]]['text']}" for c in COLUMNS
                                                              if figs[c[0]] is not NA), flush=True)
    if a.dry_run:
        return 0

    def cells(r, md):
        s, nat, status, iters, figs, wall, _ = r
        run_ok = "PASS" if status == "converged" else "FAIL"
        return ([s, nat, f"{status} {run_ok}", iters] + [figs[c[0]]["text"] for c in COLUMNS] +
                ["-" if wall is None else f"{wall:.1f}"])
    head_t = ["system", "atoms", "SCF", "iter lo/qe"] + [c[1] for c in COLUMNS] + ["wall s"]
    head_m = ["system", "atoms", "SCF", "iterations lodestone/pw.x"] + [c[2] for c in COLUMNS] + ["lodestone wall (s)"]
    failed = [r[0] for r in rows if r[2] != "converged" or not all(f["ok"] for f in r[4].values())]
    verdict = ("PASS: every figure within tolerance" if not failed else
               f"FAIL: {len(failed)} of {len(rows)} systems out of tolerance ({', '.join(failed)})")
    notes = [f"{r[0]}: {n}" for r in rows for n in r[6]]

    print()
    print("\n".join(qc.format_table(head_t, [cells(r, False) for r in rows])))
    if notes:
        print("\nnotes:\n" + "\n".join("  " + n for n in notes))
    print("\n'*': within tolerance but above the goal of %g meV/atom" % ENERGY_GOAL)
    print(verdict)

    if results_path:
        version = qc.program_version(exe) if not a.from_json else "(from existing JSON files)"
        md = ["# Lodestone vs Quantum ESPRESSO 6.7: results", "",
              f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
              f"- git commit: {qc.git_description()}",
              f"- lodestone: `{qc.repo_path(exe)}`, {version}" + (f", --threads {a.threads}" if a.threads else ""),
              "- reference: pw.x 6.7MaX (Debian 6.7-2), PseudoDojo NC SR PBE v0.4 standard trim600, "
              "inputs and JSON in `../shared/reference/qe` (energies converted with CODATA 2018)"]
        md += ["- " + m for m in machine]
        md += [f"- command: `{' '.join(['validation/qe/compare.py'] + sys.argv[1:])}`", "",
               *qc.markdown_table(head_m, [cells(r, True) for r in rows]), "",
               "Differences are lodestone minus pw.x. Tolerances:", ""]
        md += [f"- {c[2]}: {c[3]}" for c in COLUMNS]
        md += ["- SCF: lodestone exit code 0 (converged)", ""]
        if notes:
            md += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
        md += [f"**Verdict: {verdict}**", ""]
        with open(results_path, "w") as f:
            f.write("\n".join(md))
        print(f"wrote {results_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
