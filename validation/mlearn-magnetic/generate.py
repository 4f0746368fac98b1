#!/usr/bin/env python3
"""Generate a small spin-polarised DFT data set of Fe-Co-Ni-Mn-Al alloys with Lodestone itself.

For every system (elements, B2, L1_0 and L2_1 Heusler compounds) it writes YAML inputs and runs
`lodestone scf INPUT --xyz` (one extended-XYZ frame with energy, forces, stress and moments):
  * the ideal cell at the guessed lattice constant and at 4 isotropic strains (-4..+4 %),
  * N_RATTLE cells with a random symmetric strain (|eps_ij| <= 3 %) and Gaussian rattling
    (sigma 0.08 A), seeded,
  * a short relaxation trajectory of the positions (`lodestone relax --traj`, at most
    RELAX_STEPS steps) from one rattled and strained cell: every step is a frame (the cell is
    not relaxed: at this cutoff the stress carries a large Pulay error).
Cheap DFT settings (stated in README.md): PBE PseudoDojo (pd04-pbe-sr), ecut 50 Ry (ECUT_RY; below
the 'low' hints of 82-90 Ry for the 3d elements: absolute energies and stresses are not converged,
but every frame is computed with the same settings), k-point spacing 0.5 1/A (KSPACING), Marzari-Vanderbilt 0.02 Ry,
conv_thr 1e-7 Ry per cell, ferromagnetic start (0.5 for Fe, Co, Ni, Mn).

usage: nice -n 10 validation/mlearn-magnetic/generate.py [OUTDIR] [--only NAME,...]
Frames are appended to OUTDIR/frames/NAME.xyz; a system whose .done marker exists is skipped,
so the script can be stopped and started again.  Standard library only.
"""
import math
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.environ.get("LODESTONE", os.path.join(ROOT, "build", "lodestone"))
N_RATTLE = int(os.environ.get("N_RATTLE", "6"))
RELAX_STEPS = int(os.environ.get("RELAX_STEPS", "5"))
ECUT_RY = os.environ.get("ECUT_RY", "50")
KSPACING = os.environ.get("KSPACING", "0.5")
MAGNETIC = {"Fe": 0.5, "Co": 0.5, "Ni": 0.5, "Mn": 0.5}

def bcc(a):      # conventional 2-atom cube, used for B2 (CsCl) too
    return [[a, 0, 0], [0, a, 0], [0, 0, a]], [[0, 0, 0], [0.5, 0.5, 0.5]]

def fcc_prim(a):
    h = a / 2
    return [[0, h, h], [h, 0, h], [h, h, 0]], [[0, 0, 0]]

def l10(a, c):   # 2-atom tetragonal cell of the L1_0 structure (a = fcc-like conventional a)
    b = a / math.sqrt(2)
    return [[b, 0, 0], [0, b, 0], [0, 0, c]], [[0, 0, 0], [0.5, 0.5, 0.5]]

def heusler(a):  # L2_1 X2YZ, 4-atom fcc primitive cell: X at 1/4 and 3/4, Y at 1/2, Z at 0
    lat, _ = fcc_prim(a)
    return lat, [[0.25, 0.25, 0.25], [0.75, 0.75, 0.75], [0.5, 0.5, 0.5], [0, 0, 0]]

# name, species per site, (lattice, fractional positions)
SYSTEMS = [
    ("Fe-bcc", ["Fe"], ([[-1.415, 1.415, 1.415], [1.415, -1.415, 1.415], [1.415, 1.415, -1.415]], [[0, 0, 0]])),
    ("Co-fcc", ["Co"], fcc_prim(3.52)),
    ("Ni-fcc", ["Ni"], fcc_prim(3.52)),
    ("Mn-bcc", ["Mn"], ([[-1.40, 1.40, 1.40], [1.40, -1.40, 1.40], [1.40, 1.40, -1.40]], [[0, 0, 0]])),
    ("Al-fcc", ["Al"], fcc_prim(4.04)),
    ("FeCo-B2", ["Fe", "Co"], bcc(2.85)),
    ("FeAl-B2", ["Fe", "Al"], bcc(2.90)),
    ("NiAl-B2", ["Ni", "Al"], bcc(2.89)),
    ("CoAl-B2", ["Co", "Al"], bcc(2.86)),
    ("MnAl-B2", ["Mn", "Al"], bcc(2.97)),
    ("FeNi-L10", ["Fe", "Ni"], l10(3.57, 3.58)),
    ("MnAl-L10", ["Mn", "Al"], l10(3.92, 3.57)),
    ("MnNi-L10", ["Mn", "Ni"], l10(3.74, 3.52)),
    ("CoNi-L10", ["Co", "Ni"], l10(3.54, 3.54)),
    ("Co2MnAl-L21", ["Co", "Co", "Mn", "Al"], heusler(5.75)),
    ("Ni2MnAl-L21", ["Ni", "Ni", "Mn", "Al"], heusler(5.82)),
    ("Co2FeAl-L21", ["Co", "Co", "Fe", "Al"], heusler(5.73)),
    ("Fe2MnAl-L21", ["Fe", "Fe", "Mn", "Al"], heusler(5.80)),
]

def yaml_input(lat, species, frac):
    mag = {s: MAGNETIC[s] for s in species if s in MAGNETIC}
    lines = ["cell:",
             "  lattice: [" + ", ".join("[%.8f, %.8f, %.8f]" % tuple(v) for v in lat) + "]",
             "  units: angstrom",
             "  species: [" + ", ".join(species) + "]",
             "  positions: [" + ", ".join("[%.8f, %.8f, %.8f]" % tuple(p) for p in frac) + "]",
             "  coordinates: fractional",
             "ecut: %s Ry" % ECUT_RY,
             "kpoints: {spacing: %s 1/angstrom}" % KSPACING,
             "smearing: {type: marzari-vanderbilt, width: 0.02 Ry}",
             "scf: {conv_thr: 1e-7 Ry, mixing_beta: 0.2, max_iter: 150}",
             "forces: true",
             "stress: true"]
    if mag:
        lines.append("spin: {polarized: true, starting_magnetization: {%s}}" %
                     ", ".join("%s: %g" % kv for kv in sorted(mag.items())))
    return "\n".join(lines) + "\n"

def strained(lat, eps):
    return [[sum(lat[i][k] * (float(k == j) + eps[k][j]) for k in range(3)) for j in range(3)] for i in range(3)]

def rattled(lat, frac, sigma, rng):
    inv = invert(lat)
    out = []
    for p in frac:
        cart = [sum(p[k] * lat[k][j] for k in range(3)) for j in range(3)]
        cart = [c + rng.gauss(0, sigma) for c in cart]
        out.append([sum(cart[k] * inv[k][j] for k in range(3)) for j in range(3)])
    return out

def invert(m):
    a, b, c = m
    det = (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]))
    inv = [[(b[1] * c[2] - b[2] * c[1]) / det, (a[2] * c[1] - a[1] * c[2]) / det, (a[1] * b[2] - a[2] * b[1]) / det],
           [(b[2] * c[0] - b[0] * c[2]) / det, (a[0] * c[2] - a[2] * c[0]) / det, (a[2] * b[0] - a[0] * b[2]) / det],
           [(b[0] * c[1] - b[1] * c[0]) / det, (a[1] * c[0] - a[0] * c[1]) / det, (a[0] * b[1] - a[1] * b[0]) / det]]
    return inv

def supercell(lat, species, frac, n):
    """n x 1 x 1 repetition (a one-atom cell rattled has no forces: it needs a second atom)."""
    out_f, out_s = [], []
    for i in range(n):
        for s, p in zip(species, frac):
            out_s.append(s)
            out_f.append([(p[0] + i) / n, p[1], p[2]])
    return [[x * n for x in lat[0]], lat[1][:], lat[2][:]], out_s, out_f

def run(cmd, log):
    with open(log, "a") as fp:
        fp.write("$ " + " ".join(cmd) + "\n")
        fp.flush()
        return subprocess.call(cmd, stdout=fp, stderr=fp)

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = os.path.abspath(args[0] if args else os.path.join(HERE, "out"))
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
    os.makedirs(os.path.join(out, "frames"), exist_ok=True)
    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    for name, species, (lat, frac) in SYSTEMS:
        if only and name not in only:
            continue
        done = os.path.join(out, "frames", name + ".done")
        if os.path.exists(done):
            continue
        rng = random.Random(sum(map(ord, name)))
        xyz = os.path.join(out, "frames", name + ".xyz")
        log = os.path.join(out, "frames", name + ".log")
        if os.path.exists(xyz):
            os.remove(xyz)
        jobs = []
        for s in (0.0, -0.04, -0.02, 0.02, 0.04):
            eps = [[s if i == j else 0.0 for j in range(3)] for i in range(3)]
            jobs.append(("vol%+.2f" % s, strained(lat, eps), species, frac))
        nrep = 2 if len(species) == 1 else 1
        slat, sspec, sfrac = supercell(lat, species, frac, nrep)
        for r in range(N_RATTLE):
            eps = [[0.0] * 3 for _ in range(3)]
            for i in range(3):
                for j in range(i, 3):
                    eps[i][j] = eps[j][i] = rng.uniform(-0.03, 0.03)
            jobs.append(("rattle%d" % r, strained(slat, eps), sspec, rattled(strained(slat, eps), sfrac, 0.08, rng)))
        for tag, l, sp, fr in jobs:
            inp = os.path.join(out, "inputs", "%s-%s.yaml" % (name, tag))
            with open(inp, "w") as fp:
                fp.write(yaml_input(l, sp, fr))
            rc = run([BIN, "scf", inp, "--xyz", xyz, "--threads", "1"], log)
            print("%s %s: exit %d" % (name, tag, rc), flush=True)
        # relaxation trajectory from a strained and rattled cell
        eps = [[0.0] * 3 for _ in range(3)]
        for i in range(3):
            eps[i][i] = rng.uniform(-0.03, 0.03)
        rl = strained(lat, eps)
        inp = os.path.join(out, "inputs", "%s-relax.yaml" % name)
        with open(inp, "w") as fp:
            fp.write(yaml_input(rl, species, rattled(rl, frac, 0.08, rng) if len(frac) > 1 else frac))
        traj = os.path.join(out, "frames", name + "-relax.xyz")
        rc = run([BIN, "relax", inp, "--steps", str(RELAX_STEPS), "--traj", traj, "--threads", "1",
                  "--checkpoint", "none", "--fmax", "0.02"], log)
        print("%s relax: exit %d" % (name, rc), flush=True)
        open(done, "w").close()

if __name__ == "__main__":
    main()
