#!/usr/bin/env python3
"""The ACWF equation of state of one system with Quantum ESPRESSO's pw.x, on the same inputs as
`acwf.py` gives lodestone: to tell a pseudopotential's offset from the all-electron reference from an
error of the engine.

    validation/acwf/qe_eos.py SYSTEM [--work DIR] [--np N] [--pw PW] [--lodestone-work DIR]

Writes one pw.x input per volume (0.94 ... 1.06 of the central XSF cell, fractional positions fixed)
with the protocol's settings as `systems.settings` makes them for lodestone: the same PseudoDojo
trim600 file, ecutwfc = the largest 'high' hint, ecutrho = 4 ecutwfc, the Gamma-centred mesh of the
0.94 cell for every volume, Fermi-Dirac smearing 0.0045 Ry, conv_thr 1e-10 Ry per atom, PBE from the
pseudopotential.  pw.x's "!    total energy" is the free energy E - TS with smearing, as lodestone's.
Runs pw.x (`mpirun -np N pw.x -nk N` when N > 1) in WORK/SYSTEM/ (default /tmp/acwf-qe), skipping a
volume whose output ended with "JOB DONE" (so a rerun resumes), then fits both codes' points with the
same fit (`metrics.bm_fit`, the ACWF scripts' cubic in V^(-2/3)) and prints V0, B0, B1, epsilon, nu
and Delta against the all-electron reference and between the two codes.  lodestone's points come from
LODESTONE_WORK/SYSTEM/eos.json (default validation/acwf/work).

Exit code 0 done, 1 a pw.x run failed, 2 usage.  Standard library only (pw.x from Debian's
quantum-espresso package).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import metrics  # noqa: E402
import systems  # noqa: E402

RY_EV = 13.605693122994           # CODATA 2018, as QE 6.7 (Constants: RYTOEV)


def pw_input(system, st, scale, pseudo_dir):
    xsf = systems.read_xsf(systems.xsf_path(system))
    f = scale ** (1.0 / 3.0)
    cell = [[x * f for x in row] for row in xsf["cell"]]
    pos = [[x * f for x in p] for p in xsf["positions"]]
    species = st["elements"]
    kx, ky, kz = st["kmesh"]
    lines = [
        "&control",
        "  calculation = 'scf'",
        f"  prefix = 'v{scale:.2f}'",
        "  outdir = './tmp'",
        f"  pseudo_dir = '{pseudo_dir}'",
        "  tstress = .true.",
        "/",
        "&system",
        "  ibrav = 0",
        f"  nat = {len(pos)}",
        f"  ntyp = {len(species)}",
        f"  ecutwfc = {st['ecut_Ry']:.12g}",
        f"  ecutrho = {st['ecut_rho_Ry']:.12g}",
        "  occupations = 'smearing'",
        "  smearing = 'fd'",
        f"  degauss = {systems.SMEARING_WIDTH_RY:.12g}",
        "/",
        "&electrons",
        f"  conv_thr = {st['conv_thr_Ry']:.12g}",
        "  electron_maxstep = 200",
        "/",
        "ATOMIC_SPECIES",
    ]
    lines += [f"  {e} 1.0 {e}.upf" for e in species]
    lines.append("CELL_PARAMETERS angstrom")
    lines += ["  " + " ".join(f"{x:.12f}" for x in row) for row in cell]
    lines.append("ATOMIC_POSITIONS angstrom")
    lines += [f"  {s} " + " ".join(f"{x:.12f}" for x in p) for s, p in zip(xsf["species"], pos)]
    lines += ["K_POINTS automatic", f"  {kx} {ky} {kz} 0 0 0"]
    return "\n".join(lines) + "\n", abs(systems.det3(cell)) / len(pos)


def parse_output(path):
    """(free energy in Ry, pressure in kbar, wall s) of a finished pw.x output, or None."""
    try:
        text = open(path).read()
    except OSError:
        return None
    if "JOB DONE" not in text:
        return None
    energy = pressure = wall = None
    for ln in text.splitlines():
        if ln.startswith("!") and "total energy" in ln:
            energy = float(ln.split("=")[1].split()[0])
        elif "P=" in ln and "total   stress" in ln:
            pressure = float(ln.split("P=")[1].split()[0])
        elif "PWSCF        :" in ln and "WALL" in ln:
            wall = ln.split("CPU")[1].strip()
    return (energy, pressure, wall) if energy is not None else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("system")
    ap.add_argument("--work", default="/tmp/acwf-qe")
    ap.add_argument("--np", type=int, default=1, help="MPI processes for pw.x (k-point pools)")
    ap.add_argument("--pw", default="pw.x")
    ap.add_argument("--lodestone-work", default=os.path.join(HERE, "work"))
    a = ap.parse_args()
    try:
        systems.check_system(a.system)
        st = systems.settings(a.system)
    except systems.SystemError_ as e:
        print(f"qe_eos.py: {e}", file=sys.stderr)
        return 2
    if shutil.which(a.pw) is None:
        print(f"qe_eos.py: {a.pw} not found (apt-get install quantum-espresso)", file=sys.stderr)
        return 2
    d = os.path.join(a.work, a.system)
    os.makedirs(d, exist_ok=True)
    launcher = []
    if a.np > 1:
        launcher = ["mpirun", "-np", str(a.np)] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    env = dict(os.environ, OMP_NUM_THREADS="1")
    vols, energies = [], []
    print(f"{a.system}: pw.x, ecutwfc {st['ecut_Ry']:g} Ry, mesh {'x'.join(map(str, st['kmesh']))}, "
          f"{len(systems.SCALES)} volumes in {d}")
    for scale in systems.SCALES:
        text, v_atom = pw_input(a.system, st, scale, systems.PSEUDO_DIR)
        inp, out = os.path.join(d, f"v{scale:.2f}.in"), os.path.join(d, f"v{scale:.2f}.out")
        got = parse_output(out)
        if got is None:
            with open(inp, "w") as f:
                f.write(text)
            t0 = time.monotonic()
            cmd = launcher + [a.pw] + (["-nk", str(a.np)] if a.np > 1 else []) + ["-in", inp]
            with open(out, "w") as f:
                rc = subprocess.call(cmd, cwd=d, stdout=f, stderr=subprocess.STDOUT, env=env)
            got = parse_output(out)
            if rc != 0 or got is None:
                print(f"  {scale:.2f}: pw.x failed (exit {rc}); see {out}", file=sys.stderr)
                return 1
            print(f"  {scale:.2f}: V {v_atom:.4f} A^3/atom, E {got[0]:.10f} Ry, P {got[1]:.2f} kbar, "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
        else:
            print(f"  {scale:.2f}: V {v_atom:.4f} A^3/atom, E {got[0]:.10f} Ry, P {got[1]:.2f} kbar (done before)")
        vols.append(v_atom)
        energies.append(got[0] * RY_EV / st["n_atom"])
    qe = metrics.bm_fit(vols, energies)
    ref = metrics.load_reference(systems.acwf_dir())
    el, conf, _ = systems.split_name(a.system)
    ae = ref[(el, conf)]["ae"]
    rows = [("pw.x", qe)]
    lj = os.path.join(a.lodestone_work, a.system, "eos.json")
    lo = None
    if os.path.exists(lj):
        pts = json.load(open(lj))["points"]
        lo = metrics.bm_fit([p["volume_A3_per_atom"] for p in pts], [p["energy_eV_per_atom"] for p in pts])
        rows.append(("lodestone", lo))
        de = max(abs(p["energy_eV_per_atom"] - e) for p, e in zip(pts, energies)) * 1e3
        print(f"largest |E_lodestone - E_pw.x| over the volumes: {de:.5f} meV/atom")
    print(f"{'code':10s} {'V0 (A^3/atom)':>14s} {'B0 (GPa)':>10s} {'B1':>7s} {'eps vs AE':>10s} {'nu vs AE':>9s} "
          f"{'Delta (meV/atom)':>17s}")
    print(f"{'AE':10s} {ae[0]:14.4f} {ae[1]:10.2f} {ae[2]:7.3f}")
    for name, fit in rows:
        t = (fit["V0_A3_per_atom"], fit["B0_GPa"], fit["B1"])
        c = metrics.compare(t, ae)
        print(f"{name:10s} {t[0]:14.4f} {t[1]:10.2f} {t[2]:7.3f} {c['epsilon']:10.3f} {c['nu']:9.3f} "
              f"{c['delta_meV_per_atom']:17.3f}")
    if lo is not None:
        c = metrics.compare((lo["V0_A3_per_atom"], lo["B0_GPa"], lo["B1"]), (qe["V0_A3_per_atom"], qe["B0_GPa"], qe["B1"]))
        print(f"lodestone vs pw.x: epsilon {c['epsilon']:.2e}, nu {c['nu']:.2e}, Delta {c['delta_meV_per_atom']:.2e} meV/atom")
    return 0


if __name__ == "__main__":
    sys.exit(main())
