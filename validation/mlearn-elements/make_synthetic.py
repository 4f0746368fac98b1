#!/usr/bin/env python3
"""Synthetic many-element data for the element-count study: random fcc-based alloys of N
elements labelled with an analytic embedded-atom potential whose parameters differ per element.

usage: make_synthetic.py N_ELEMENTS N_FRAMES SEED OUT.xyz
Cells: 2x2x2 conventional fcc (32 atoms), lattice constant 3.5-3.8 A, random occupation by the
first N of ELEMENTS, random strain (+-3 %) and Gaussian rattling (0.12 A).  Potential
(Daw-Baskes form, Finnis-Sinclair embedding):
  E = sum_i -A_ei sqrt(rho_i) + 1/2 sum_ij phi_{ei ej}(r_ij),  rho_i = sum_j c_ej exp(-b_ej (r_ij - r0)) fc(r_ij)
  phi_ab(r) = D_ab [exp(-2 a (r - r_ab)) - 2 exp(-a (r - r_ab))] fc(r),  D_ab, r_ab: means of a's and b's
  fc(r) = (1 + cos(pi r / rc)) / 2,  rc = 5.5 A (beyond the 5 A of the descriptor: not representable exactly)
with per-element A, c, b, D, r drawn from a seeded generator (ranges in the code).  Forces by
the analytic derivative.  Standard library only.
"""
import math
import random
import sys

ELEMENTS = ["Fe", "Co", "Ni", "Mn", "Cr", "V", "Al", "Cu", "Ti", "Mo", "Nb", "Ta", "W", "Pt", "Pd", "Ga"]
RC = 5.5

def params(n, seed=1234):
    g = random.Random(seed)
    p = {}
    for e in ELEMENTS[:n]:
        p[e] = dict(A=g.uniform(1.0, 2.5), c=g.uniform(0.5, 1.5), b=g.uniform(1.5, 3.0), D=g.uniform(0.15, 0.45),
                    r=g.uniform(2.45, 2.75))
    return p

def fc(r):
    if r >= RC:
        return 0.0, 0.0
    x = math.pi * r / RC
    return 0.5 * (math.cos(x) + 1.0), -0.5 * math.pi / RC * math.sin(x)

def frame(n_elem, g, par):
    a = g.uniform(3.5, 3.8)
    basis = [(0, 0, 0), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)]
    eps = [[0.0] * 3 for _ in range(3)]
    for i in range(3):
        for j in range(i, 3):
            eps[i][j] = eps[j][i] = g.uniform(-0.03, 0.03)
    cell0 = [[2 * a, 0, 0], [0, 2 * a, 0], [0, 0, 2 * a]]
    cell = [[sum(cell0[i][k] * ((k == j) + eps[k][j]) for k in range(3)) for j in range(3)] for i in range(3)]
    pos, spec = [], []
    els = ELEMENTS[:n_elem]
    for i in range(2):
        for j in range(2):
            for k in range(2):
                for b in basis:
                    f = [(i + b[0]) / 2, (j + b[1]) / 2, (k + b[2]) / 2]
                    r = [sum(f[m] * cell[m][x] for m in range(3)) + g.gauss(0, 0.12) for x in range(3)]
                    pos.append(r)
                    spec.append(g.choice(els))
    n = len(pos)
    pairs = []  # (i, j, d, r)
    for i in range(n):
        for j in range(n):
            for s0 in (-1, 0, 1):
                for s1 in (-1, 0, 1):
                    for s2 in (-1, 0, 1):
                        if i == j and s0 == s1 == s2 == 0:
                            continue
                        d = [pos[j][x] + s0 * cell[0][x] + s1 * cell[1][x] + s2 * cell[2][x] - pos[i][x] for x in range(3)]
                        r = math.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
                        if r < RC:
                            pairs.append((i, j, d, r))
    rho = [0.0] * n
    E = 0.0
    for i, j, d, r in pairs:
        pj = par[spec[j]]
        f, _ = fc(r)
        rho[i] += pj["c"] * math.exp(-pj["b"] * (r - 2.5)) * f
    dF = [0.0] * n
    for i in range(n):
        A = par[spec[i]]["A"]
        E += -A * math.sqrt(rho[i])
        dF[i] = -0.5 * A / math.sqrt(rho[i])
    F = [[0.0] * 3 for _ in range(n)]
    for i, j, d, r in pairs:
        pi_, pj = par[spec[i]], par[spec[j]]
        f, df = fc(r)
        ex = math.exp(-pj["b"] * (r - 2.5))
        drho = pj["c"] * (-pj["b"] * ex * f + ex * df)  # d rho_i / dr_ij
        D = 0.5 * (pi_["D"] + pj["D"]); r0 = 0.5 * (pi_["r"] + pj["r"]); al = 1.6
        e1, e2 = math.exp(-2 * al * (r - r0)), math.exp(-al * (r - r0))
        phi = D * (e1 - 2 * e2)
        dphi = D * (-2 * al * e1 + 2 * al * e2)
        E += 0.5 * phi * f
        dE_dr = dF[i] * drho + 0.5 * (dphi * f + phi * df)  # this ordered pair's share
        for x in range(3):
            gx = dE_dr * d[x] / r  # dE/d(d_x), d = r_j - r_i
            F[j][x] -= gx
            F[i][x] += gx
    return cell, spec, pos, E, F

def main():
    n_elem, n_frame, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    par = params(len(ELEMENTS))
    g = random.Random(seed)
    with open(out, "w") as fp:
        for _ in range(n_frame):
            cell, spec, pos, E, F = frame(n_elem, g, par)
            fp.write("%d\nLattice=\"%s\" Properties=species:S:1:pos:R:3:forces:R:3 energy=%.10f pbc=\"T T T\"\n" % (
                len(pos), " ".join("%.10f" % x for v in cell for x in v), E))
            for s, p, f in zip(spec, pos, F):
                fp.write("%s %.10f %.10f %.10f %.10f %.10f %.10f\n" % (s, p[0], p[1], p[2], f[0], f[1], f[2]))

if __name__ == "__main__":
    main()
