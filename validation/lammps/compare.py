#!/usr/bin/env python3
"""pair_style lodestone (build/lmp_lodestone) against `lodestone predict` on periodic cells.

usage: validation/lammps/compare.py MODEL FRAMES.xyz [--np N] [--repeat N] [--out DIR]
For every frame: `lodestone predict --out` gives the reference energy, forces and stress; the
frame is written as a LAMMPS data file (the cell rotated to LAMMPS's lower-triangular form),
run 0 with pair_style lodestone (mpirun -np N when N > 1: domain decomposition), and the
energy, forces (rotated back) and virial are compared.  Prints the largest relative
differences: energy |dE|/|E|, forces max|dF| / max|F|, virial max|dW| / max|W|.
Standard library only.  Exit 1 when any exceeds 1e-10.
"""
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LODESTONE = os.environ.get("LODESTONE", os.path.join(ROOT, "build", "lodestone"))
LMP = os.environ.get("LMP_LODESTONE", os.path.join(ROOT, "build", "lmp_lodestone"))
NKTV2P_METAL = 1.6021765e6  # LAMMPS force.cpp, metal units: pressure (bar) = nktv2p * virial / V

def read_xyz(path):
    frames, lines, i = [], open(path).read().splitlines(), 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i]); info = lines[i + 1]
        lat = [float(x) for x in info.split('Lattice="')[1].split('"')[0].split()]
        cell = [lat[0:3], lat[3:6], lat[6:9]]
        kv = {}
        for tok in info.replace('Lattice="' + info.split('Lattice="')[1].split('"')[0] + '"', "").split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                kv[k] = v
        atoms = []
        for l in lines[i + 2:i + 2 + n]:
            p = l.split()
            atoms.append((p[0], [float(x) for x in p[1:4]], [float(x) for x in p[4:7]] if len(p) >= 7 else None))
        stress = None
        if 'stress="' in info:
            stress = [float(x) for x in info.split('stress="')[1].split('"')[0].split()]
        energy = float(kv["energy"]) if "energy" in kv else None
        frames.append({"cell": cell, "atoms": atoms, "energy": energy, "stress": stress, "info": info})
        i += 2 + n
    return frames

def write_xyz(path, frames):
    with open(path, "w") as fp:
        for f in frames:
            c = f["cell"]
            fp.write("%d\nLattice=\"%s\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n" % (
                len(f["atoms"]), " ".join("%.16g" % x for v in c for x in v)))
            for s, p, _ in f["atoms"]:
                fp.write("%s %.16g %.16g %.16g\n" % (s, p[0], p[1], p[2]))

def dot(a, b): return sum(x * y for x, y in zip(a, b))
def norm(a): return math.sqrt(dot(a, a))
def inv3(m):
    a, b, c = m
    det = a[0]*(b[1]*c[2]-b[2]*c[1]) - a[1]*(b[0]*c[2]-b[2]*c[0]) + a[2]*(b[0]*c[1]-b[1]*c[0])
    return [[(b[1]*c[2]-b[2]*c[1])/det, (a[2]*c[1]-a[1]*c[2])/det, (a[1]*b[2]-a[2]*b[1])/det],
            [(b[2]*c[0]-b[0]*c[2])/det, (a[0]*c[2]-a[2]*c[0])/det, (a[2]*b[0]-a[0]*b[2])/det],
            [(b[0]*c[1]-b[1]*c[0])/det, (a[1]*c[0]-a[0]*c[1])/det, (a[0]*b[1]-a[1]*b[0])/det]]
def matmul(a, b): return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]
def transpose(a): return [[a[j][i] for j in range(3)] for i in range(3)]

def lammps_cell(cell):
    a, b, c = cell
    ax = norm(a); ah = [x / ax for x in a]
    bx = dot(b, ah); by = math.sqrt(max(dot(b, b) - bx * bx, 0.0))
    cx = dot(c, ah); cy = (dot(b, c) - bx * cx) / by; cz = math.sqrt(max(dot(c, c) - cx * cx - cy * cy, 0.0))
    return [[ax, 0, 0], [bx, by, 0], [cx, cy, cz]]

def repeat(f, n):
    if n == 1:
        return f
    c = f["cell"]; atoms = []
    for i in range(n):
        for j in range(n):
            for k in range(n):
                for s, p, fo in f["atoms"]:
                    atoms.append((s, [p[x] + i * c[0][x] + j * c[1][x] + k * c[2][x] for x in range(3)], None))
    return {"cell": [[x * n for x in v] for v in c], "atoms": atoms}

def main():
    args = sys.argv[1:]
    opt = {"--np": "1", "--repeat": "1", "--out": os.path.join(HERE, "out")}
    pos = []
    while args:
        a = args.pop(0)
        if a in opt: opt[a] = args.pop(0)
        else: pos.append(a)
    model, xyz = pos
    out = opt["--out"]; os.makedirs(out, exist_ok=True)
    frames = [repeat(f, int(opt["--repeat"])) for f in read_xyz(xyz)]
    src = os.path.join(out, "frames.xyz"); write_xyz(src, frames)
    pred = os.path.join(out, "pred.xyz")
    subprocess.check_call([LODESTONE, "predict", "--model", model, src, "--out", pred], stdout=subprocess.DEVNULL)
    ref = read_xyz(pred)
    worst = {"energy": 0.0, "forces": 0.0, "virial": 0.0}
    for q, f in enumerate(frames):
        species = sorted(set(s for s, _, _ in f["atoms"]))
        L = lammps_cell(f["cell"])
        # positions: fractional in the original cell -> Cartesian in the LAMMPS cell
        inv = inv3(f["cell"])
        data = os.path.join(out, "frame%d.data" % q)
        with open(data, "w") as fp:
            fp.write("frame %d\n\n%d atoms\n%d atom types\n\n" % (q, len(f["atoms"]), len(species)))
            fp.write("0 %.16g xlo xhi\n0 %.16g ylo yhi\n0 %.16g zlo zhi\n%.16g %.16g %.16g xy xz yz\n\nAtoms # atomic\n\n" % (
                L[0][0], L[1][1], L[2][2], L[1][0], L[2][0], L[2][1]))
            for i, (s, p, _) in enumerate(f["atoms"]):
                fr = [sum(p[k] * inv[k][j] for k in range(3)) for j in range(3)]
                r = [sum(fr[k] * L[k][j] for k in range(3)) for j in range(3)]
                fp.write("%d %d %.16g %.16g %.16g\n" % (i + 1, species.index(s) + 1, r[0], r[1], r[2]))
        inp = os.path.join(out, "frame%d.in" % q)
        dump = os.path.join(out, "frame%d.forces" % q)
        with open(inp, "w") as fp:
            fp.write("units metal\natom_style atomic\nboundary p p p\natom_modify map array sort 0 0\nbox tilt large\n")
            fp.write("read_data %s\n" % data)
            for t, s in enumerate(species):
                fp.write("mass %d 1.0\n" % (t + 1))
            fp.write("pair_style lodestone\npair_coeff * * %s %s\n" % (model, " ".join(species)))
            fp.write("compute vir all pressure NULL virial\n")
            fp.write("thermo_style custom step pe c_vir[1] c_vir[2] c_vir[3] c_vir[4] c_vir[5] c_vir[6] vol\n")
            fp.write("thermo_modify format float %.17g\n")
            fp.write("dump d all custom 1 %s id fx fy fz\ndump_modify d sort id format float %%.17g\nrun 0\n" % dump)
        cmd = [LMP, "-in", inp, "-log", "none", "-screen", os.path.join(out, "frame%d.screen" % q)]
        if int(opt["--np"]) > 1:
            cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", opt["--np"]] + cmd
        subprocess.check_call(cmd)
        text = open(os.path.join(out, "frame%d.screen" % q)).read().splitlines()
        k = [i for i, l in enumerate(text) if l.split()[:2] == ["Step", "PotEng"]][0]
        vals = [float(x) for x in text[k + 1].split()]
        pe, p6, vol = vals[1], vals[2:8], vals[8]
        lines = open(dump).read().splitlines()
        k = lines.index([l for l in lines if l.startswith("ITEM: ATOMS")][0])
        Fl = [[float(x) for x in l.split()[1:4]] for l in lines[k + 1:]]
        # rotation R: x_lammps = R x_orig, R^T = cell^-1 L
        RT = matmul(inv, L); R = transpose(RT)
        F = [[sum(RT[a][b] * fl[b] for b in range(3)) for a in range(3)] for fl in Fl]
        P = [[p6[0], p6[3], p6[4]], [p6[3], p6[1], p6[5]], [p6[4], p6[5], p6[2]]]
        W = matmul(matmul(RT, P), R)  # pressure tensor (virial part) in the original frame, bar
        Wl = [[W[a][b] * vol / NKTV2P_METAL for b in range(3)] for a in range(3)]  # eV
        r = ref[q]
        Fr = [fo for _, _, fo in r["atoms"]]
        sr = r["stress"]; Vr = abs(dot(f["cell"][0], [f["cell"][1][1]*f["cell"][2][2]-f["cell"][1][2]*f["cell"][2][1],
                                                   f["cell"][1][2]*f["cell"][2][0]-f["cell"][1][0]*f["cell"][2][2],
                                                   f["cell"][1][0]*f["cell"][2][1]-f["cell"][1][1]*f["cell"][2][0]]))
        Wr = [[-sr[3 * a + b] * Vr for b in range(3)] for a in range(3)]  # -stress V (ASE sign) = virial, eV
        de = abs(pe - r["energy"]) / abs(r["energy"])
        fs = max(abs(x) for v in Fr for x in v)
        df = max(abs(F[i][a] - Fr[i][a]) for i in range(len(F)) for a in range(3)) / fs
        ws = max(abs(x) for v in Wr for x in v)
        dw = max(abs(Wl[a][b] - Wr[a][b]) for a in range(3) for b in range(3)) / ws
        worst["energy"] = max(worst["energy"], de); worst["forces"] = max(worst["forces"], df)
        worst["virial"] = max(worst["virial"], dw)
        print("frame %d: %d atoms, E %.10f eV; relative differences: energy %.2e, forces %.2e, virial %.2e"
              % (q + 1, len(f["atoms"]), pe, de, df, dw))
    print("largest relative differences (np %s): energy %.2e, forces %.2e, virial %.2e"
          % (opt["--np"], worst["energy"], worst["forces"], worst["virial"]))
    sys.exit(0 if max(worst.values()) < 1e-10 else 1)

if __name__ == "__main__":
    main()
