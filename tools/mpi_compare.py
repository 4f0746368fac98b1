#!/usr/bin/env python3
"""Compare two `lodestone scf|eos|relax --json` results (a serial run and an MPI run of the same
input; the kind is read from the files).

    tools/mpi_compare.py SERIAL.json PARALLEL.json [--label NAME]

Prints one line per quantity with the largest difference and its tolerance, and exits 0 when all
agree, 1 on a mismatch, 2 on a setup problem. Tolerances (MPI changes only the order of sums, so
the runs agree to rounding, far below these):
  scf:
    energy (free, internal), Fermi level:  1e-8 eV per atom
    forces:                                1e-8 x max|F| + 1e-9 eV/A
    stress:                                1e-8 x max|sigma| + 1e-8 GPa
    magnetisation (total, absolute, atoms): 1e-8 x |m| + 1e-8 muB
    SCF iterations:                        equal
  eos: every volume's energy 1e-8 eV/atom, pressure 1e-5 GPa, SCF iterations (and with --relax the
    relaxation steps) equal (each volume
    starts from the last one's solution, so rounding differences ride along; the pressure is not
    variational and is itself converged only to about 1e-4 GPa at conv_thr 1e-10 Ry: si2-kpoints
    at V_in gives 1.957942 GPa at 1e-10 Ry and 1.957798 at 1e-14; serial and 2 processes differ by
    2e-7 GPa);
    the fit: V0 1e-6 x V0, B0 1e-6 x B0, B1 1e-5 x B1 (a fit of energies that differ by 1e-12
    eV/atom moves them by about 1e-10 relative)
  relax: the same number of steps, every step's energy 1e-8 eV per atom, final positions and
    cell 1e-7 A (the optimiser's path is identical when the forces agree to rounding)
Standard library only.
"""
import argparse
import json
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"mpi_compare.py: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def flat(x):
    if isinstance(x, list):
        out = []
        for v in x:
            out.extend(flat(v))
        return out
    return [x]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("serial")
    ap.add_argument("parallel")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    s, p = load(a.serial), load(a.parallel)
    n_atom = len(s.get("forces_eV_per_A") or []) or 1
    ok = True
    rows = []
    kind = str(s.get("program", "lodestone scf"))

    def check(name, xs, ys, tol_of, unit):
        nonlocal ok
        if xs is None and ys is None:
            return
        if xs is None or ys is None or len(xs) != len(ys):
            rows.append((name, "missing or different length", "", "FAIL"))
            ok = False
            return
        worst, tol_at = 0.0, 0.0
        good = True
        for x, y in zip(xs, ys):
            d, t = abs(x - y), tol_of(x)
            if d > t:
                good = False
            if d >= worst:
                worst, tol_at = d, t
        ok = ok and good
        rows.append((name, f"{worst:.2e} {unit}", f"{tol_at:.1e}", "ok" if good else "FAIL"))

    if kind == "lodestone eos":
        return report(a, compare_eos(s, p, check, rows))
    if kind == "lodestone relax":
        return report(a, compare_relax(s, p, check, rows))
    e_tol = 1e-8 * n_atom
    for key in ("energy_eV", "energy_internal_eV", "fermi_eV"):
        if key in s or key in p:
            check(key, [s.get(key)] if key in s else None, [p.get(key)] if key in p else None, lambda x: e_tol, "eV")
    f_s, f_p = s.get("forces_eV_per_A"), p.get("forces_eV_per_A")
    if f_s is not None or f_p is not None:
        fmax = max((abs(v) for v in flat(f_s or [])), default=0.0)
        check("forces", flat(f_s) if f_s else None, flat(f_p) if f_p else None, lambda x: 1e-8 * fmax + 1e-9, "eV/A")
    s_s, s_p = s.get("stress_GPa"), p.get("stress_GPa")
    if s_s is not None or s_p is not None:
        smax = max((abs(v) for v in flat(s_s or [])), default=0.0)
        check("stress", flat(s_s) if s_s else None, flat(s_p) if s_p else None, lambda x: 1e-8 * smax + 1e-8, "GPa")
    for key in ("total_magnetization_muB", "absolute_magnetization_muB", "atom_magnetization_muB"):
        if key in s or key in p:
            xs = flat(s[key]) if key in s else None
            ys = flat(p[key]) if key in p else None
            check(key, xs, ys, lambda x: 1e-8 * abs(x) + 1e-8, "muB")
    it_s, it_p = s.get("scf_iterations"), p.get("scf_iterations")
    same_iter = it_s == it_p
    ok = ok and same_iter and s.get("converged") is True and p.get("converged") is True
    rows.append(("SCF iterations", f"{it_s} vs {it_p}", "equal", "ok" if same_iter else "FAIL"))
    rows.append(("converged", f"{s.get('converged')} / {p.get('converged')}", "both",
                 "ok" if s.get("converged") is True and p.get("converged") is True else "FAIL"))

    return report(a, ok and all(r[3] == "ok" for r in rows), rows)


def report(a, ok, rows=None):
    """Print the rows (compare_* leave them in their `rows`) and give the exit code."""
    if isinstance(ok, tuple):
        ok, rows = ok
    label = f"{a.label}: " if a.label else ""
    for name, diff, tol, verdict in rows:
        print(f"  {label}{name:28s} {diff:>22s}  (tolerance {tol:>7s})  {verdict}")
    return 0 if ok and all(r[3] == "ok" for r in rows) else 1


def compare_eos(s, p, check, rows):
    ps, pp = s.get("points") or [], p.get("points") or []
    check("energy per volume", [x["energy_eV_per_atom"] for x in ps], [y["energy_eV_per_atom"] for y in pp],
          lambda x: 1e-8, "eV/atom")
    check("pressure per volume", [x["pressure_GPa"] for x in ps], [y["pressure_GPa"] for y in pp],
          lambda x: 1e-5, "GPa")
    its, itp = [x["scf_iterations"] for x in ps], [y["scf_iterations"] for y in pp]
    rows.append(("SCF iterations per volume", f"{sum(its)} vs {sum(itp)}", "equal", "ok" if its == itp else "FAIL"))
    if any("relax_steps" in x for x in ps + pp):  # eos --relax / --relax-shape: the same relaxation paths
        rs, rp = [x.get("relax_steps") for x in ps], [y.get("relax_steps") for y in pp]
        rows.append(("relaxation steps per volume", f"{rs} vs {rp}", "equal", "ok" if rs == rp else "FAIL"))
    fs, fp = s.get("fit") or {}, p.get("fit") or {}
    for key, rel in (("V0_A3_per_atom", 1e-6), ("B0_GPa", 1e-6), ("B1", 1e-5)):
        check(key, [fs[key]] if key in fs else None, [fp[key]] if key in fp else None, lambda x, r=rel: r * abs(x), "")
    both = s.get("converged") is True and p.get("converged") is True
    rows.append(("converged", f"{s.get('converged')} / {p.get('converged')}", "both", "ok" if both else "FAIL"))
    return True, rows


def compare_relax(s, p, check, rows):
    n_atom = len(s.get("species") or []) or 1
    ss, sp = s.get("steps") or [], p.get("steps") or []
    same_n = s.get("n_steps") == p.get("n_steps") and len(ss) == len(sp)
    rows.append(("steps", f"{s.get('n_steps')} vs {p.get('n_steps')}", "equal", "ok" if same_n else "FAIL"))
    if same_n:
        check("energy per step", [x["energy_eV"] for x in ss], [y["energy_eV"] for y in sp], lambda x: 1e-8 * n_atom, "eV")
    check("final positions", flat(s.get("positions_A")), flat(p.get("positions_A")), lambda x: 1e-7, "A")
    check("final cell", flat(s.get("cell_A")), flat(p.get("cell_A")), lambda x: 1e-7, "A")
    both = s.get("converged") is True and p.get("converged") is True
    rows.append(("converged", f"{s.get('converged')} / {p.get('converged')}", "both", "ok" if both else "FAIL"))
    return True, rows


if __name__ == "__main__":
    sys.exit(main())
