#!/usr/bin/env python3
"""Compare two `lodestone scf --json` results (a serial run and an MPI run of the same input).

    tools/mpi_compare.py SERIAL.json PARALLEL.json [--label NAME]

Prints one line per quantity with the largest difference and its tolerance, and exits 0 when all
agree, 1 on a mismatch, 2 on a setup problem. Tolerances (MPI changes only the order of sums, so
the runs agree to rounding, far below these):
  energy (free, internal), Fermi level:  1e-8 eV per atom
  forces:                                1e-8 x max|F| + 1e-9 eV/A
  stress:                                1e-8 x max|sigma| + 1e-8 GPa
  magnetisation (total, absolute, atoms): 1e-8 x |m| + 1e-8 muB
  SCF iterations:                        equal
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

    label = f"{a.label}: " if a.label else ""
    for name, diff, tol, verdict in rows:
        print(f"  {label}{name:28s} {diff:>22s}  (tolerance {tol:>7s})  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
