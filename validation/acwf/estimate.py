#!/usr/bin/python3
"""Cost estimate of the ACWF systems for `lodestone eos` under the protocol's settings.

For each system: the k-point mesh (systems.kmesh: spacing 0.06 1/angstrom on the 0.94 V cell), its
irreducible count (spglib, time reversal, symprec 1e-5 angstrom, Lodestone's default), the average
plane-wave count n_pw = V kmax^3 / (6 pi^2) with kmax = sqrt(ecut_Ry) 1/bohr, Lodestone's FFT grid
(dft/basis/grid.c: 2 m_i + 1 rounded up to factors 2, 3, 5, 7, m_i = floor(sqrt(ecut_rho_Ry) |a_i| / 2 pi)),
and pw.x's band count for smeared occupations, max(1.2 N_el / 2, N_el / 2 + 4).
wfc_MB is the size of all wavefunctions, n_kpt_irr x n_band x n_pw complex doubles (memory, and
what a checkpoint with wavefunctions would hold).

Cost model per SCF iteration (seconds, one thread):
    t_iter = n_kpt_irr * n_band * (A * N_fft log2 N_fft + B * n_pw * n_band)
the FFT term (applying the local potential, densities) and the dense term (subspace products,
orthonormalisation).  A and B come from short `lodestone scf` timings (README.md, "The quick set");
the EOS costs 7 volumes x ITERS iterations.

Needs spglib's Python bindings (Debian python3-spglib).  Usage:
    /usr/bin/python3 validation/acwf/estimate.py [SYSTEMS ...|--set quick|quick-v1|all] [--tsv]
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systems  # noqa: E402

BOHR_A = 0.529177210903          # CODATA 2018, as common/units.h

# Calibration (README.md, "The quick set"): seconds per unit of the two terms on this machine's CPU
# (Intel Xeon, 2 cores shared), one thread, from single-SCF timings of lodestone scf.
A_FFT_S = 2.3e-9                 # measured 1.55e-9 (Cu-FCC) to 2.81e-9 (Mg-XO); README.md
B_DENSE_S = 0.0                  # not resolved by the calibration: below 5 % of the FFT term for these cells
ITERS_PER_VOLUME = 10            # SCF iterations per volume to 1e-10 Ry/atom: 7, 13, 11, 9 measured from scratch
STRESS_FACTOR = 1.03             # stress and setup per volume: 2-3 % of the SCF time in the calibration
N_VOLUMES = len(systems.SCALES)


def fft_size(n):
    m = max(n, 1)
    while True:
        r = m
        for p in (2, 3, 5, 7):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 1


def fft_grid(cell_A, ecut_rho_Ry):
    gmax = math.sqrt(ecut_rho_Ry)                 # 1/bohr: ecut_rho_Ha = G^2/2, ecut_Ry = G^2
    out = []
    for a in cell_A:
        length_bohr = math.sqrt(sum(x * x for x in a)) / BOHR_A
        m = int(math.floor(gmax * length_bohr / (2 * math.pi) + 1e-9))
        out.append(fft_size(2 * m + 1))
    return out


def n_irreducible(cell, mesh):
    import spglib
    xsf = cell["xsf"]
    inv = invert(xsf["cell"])
    frac = [[sum(p[k] * inv[k][j] for k in range(3)) for j in range(3)] for p in xsf["positions"]]
    numbers = [systems.z_of(s) for s in xsf["species"]]
    mapping, _grid = spglib.get_ir_reciprocal_mesh(mesh, (xsf["cell"], frac, numbers), is_shift=[0, 0, 0],
                                                   is_time_reversal=True, symprec=1e-5)
    return len(set(int(m) for m in mapping))


def invert(m):
    d = systems.det3(m)
    c = [[m[(j + 1) % 3][(i + 1) % 3] * m[(j + 2) % 3][(i + 2) % 3]
          - m[(j + 1) % 3][(i + 2) % 3] * m[(j + 2) % 3][(i + 1) % 3] for j in range(3)] for i in range(3)]
    return [[c[i][j] / d for j in range(3)] for i in range(3)]


def estimate(system, hints, a_fft=A_FFT_S, b_dense=B_DENSE_S, iters=ITERS_PER_VOLUME):
    st = systems.settings(system, hints)
    xsf = systems.read_xsf(systems.xsf_path(system))
    mesh = st["kmesh"]
    nk_irr = n_irreducible({"xsf": xsf}, mesh)
    vol_bohr3 = st["volume_A3"] / BOHR_A ** 3
    n_pw = vol_bohr3 * st["ecut_Ry"] ** 1.5 / (6 * math.pi ** 2)
    grid = fft_grid(xsf["cell"], st["ecut_rho_Ry"])
    n_fft = grid[0] * grid[1] * grid[2]
    nel = st["n_electrons"]
    n_band = max(int(math.ceil(1.2 * nel / 2)), int(math.ceil(nel / 2)) + 4)
    fft_units = nk_irr * n_band * n_fft * math.log2(n_fft)
    dense_units = nk_irr * n_band * n_band * n_pw
    t_iter = a_fft * fft_units + b_dense * dense_units
    return {
        "system": system, "n_atom": st["n_atom"], "n_electrons": nel, "ecut_Ry": st["ecut_Ry"],
        "kmesh": mesh, "n_kpt": mesh[0] * mesh[1] * mesh[2], "n_kpt_irr": nk_irr, "n_pw": n_pw,
        "fft_grid": grid, "n_band": n_band, "fft_units": fft_units, "dense_units": dense_units,
        "wfc_MB": 16e-6 * nk_irr * n_band * n_pw,
        "t_iter_s": t_iter, "t_eos_s": STRESS_FACTOR * N_VOLUMES * iters * t_iter,
    }


def main():
    ap = argparse.ArgumentParser(description="cost estimate of ACWF systems for lodestone eos")
    ap.add_argument("systems", nargs="*")
    ap.add_argument("--set", choices=systems.NAMED_SETS)
    ap.add_argument("--tsv", action="store_true", help="tab-separated output")
    ap.add_argument("--sort", action="store_true", help="cheapest first")
    args = ap.parse_args()
    names = list(args.systems)
    if args.set:
        names += systems.named_set(args.set)
    elif not names:
        names += systems.all_systems()
    hints = systems.read_hints()
    rows = [estimate(s, hints) for s in names]
    if args.sort:
        rows.sort(key=lambda r: r["t_eos_s"])
    cols = ("system", "atoms", "N_el", "ecut_Ry", "mesh", "k_irr", "n_pw", "fft", "bands", "wfc_MB", "t_iter_s",
            "t_eos_min")
    sep = "\t" if args.tsv else "  "
    print(sep.join(cols))
    total = 0.0
    for r in rows:
        total += r["t_eos_s"]
        print(sep.join(str(x) for x in (
            r["system"], r["n_atom"], r["n_electrons"], f"{r['ecut_Ry']:g}", "x".join(map(str, r["kmesh"])),
            r["n_kpt_irr"], f"{r['n_pw']:.0f}", "x".join(map(str, r["fft_grid"])), r["n_band"], f"{r['wfc_MB']:.0f}",
            f"{r['t_iter_s']:.2f}", f"{r['t_eos_s'] / 60:.1f}")))
    print(f"# total {total / 3600:.2f} h on one thread ({len(rows)} systems, {ITERS_PER_VOLUME} iterations x "
          f"{N_VOLUMES} volumes each)", file=sys.stderr)


if __name__ == "__main__":
    main()
