#!/usr/bin/env python3
"""Check that Lodestone's extended XYZ reader and writer agree with ASE.

Usage: ase_roundtrip.py LODESTONE_BIN WORKDIR MLEARN_XYZ   (run through tools/ase_roundtrip.sh)

1. Builds structures with ASE (bulk Si in a non-orthogonal primitive cell with random
   forces, energy, full stress, magnetic moments, info keys and an extra per-atom column;
   a triclinic Fe cell; a water molecule without cell; a Cu slab periodic in x and y only)
   and writes them with ase.io.write to WORKDIR/in.xyz.
2. Runs `LODESTONE_BIN convert WORKDIR/in.xyz WORKDIR/out.xyz` (must exit 0).
3. Reads both files with ASE and checks cell, pbc, positions, species, energy, forces,
   stress, magnetic moments, info keys and the extra column agree to 1e-8 relative.
4. Passes MLEARN_XYZ through `convert` and checks energies, forces and stresses in ASE.

Prints one PASS/FAIL line per check and exits 1 if any check fails.
"""
import subprocess
import sys

import numpy as np
from ase import Atoms
from ase.build import bulk, fcc111, molecule
from ase.calculators.singlepoint import SinglePointCalculator
import ase.io

RTOL = 1e-8
failures = 0


def report(ok, label, detail=""):
    global failures
    if not ok:
        failures += 1
    print("%s  %s%s" % ("PASS" if ok else "FAIL", label, (": " + detail) if detail else ""))


def rel_dev(a, b):
    """Largest deviation relative to the largest magnitude of the reference."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return np.inf
    scale = max(np.max(np.abs(a)) if a.size else 0.0, 1e-300)
    return float(np.max(np.abs(a - b)) / scale) if a.size else 0.0


def result(atoms, key):
    calc = atoms.calc
    return None if calc is None else calc.results.get(key)


def compare_numbers(tag, name, ref_frames, new_frames, get):
    """Compare one quantity over all frames; None means absent (must be absent in both)."""
    worst = 0.0
    n_present = 0
    for i, (a, b) in enumerate(zip(ref_frames, new_frames)):
        x, y = get(a), get(b)
        if x is None and y is None:
            continue
        if x is None or y is None:
            report(False, "%s: %s" % (tag, name), "frame %d: present in only one file" % i)
            return
        n_present += 1
        worst = max(worst, rel_dev(x, y))
    report(worst <= RTOL, "%s: %s agree" % (tag, name),
           "%d frames with it, max relative deviation %.1e (tolerance %.0e)" % (n_present, worst, RTOL))


def info_equal(x, y):
    """Same keys; numbers (and arrays of numbers) equal to RTOL, everything else exactly."""
    if set(x) != set(y):
        return False
    for key in x:
        u, v = x[key], y[key]
        if isinstance(u, str) or isinstance(v, str) or isinstance(u, (bool, np.bool_)):
            if not (type(u) == type(v) and u == v):
                return False
        elif rel_dev(u, v) > RTOL:
            return False
    return True


def compare_info(tag, what, ref_frames, new_frames):
    bad = [i for i, (a, b) in enumerate(zip(ref_frames, new_frames)) if not info_equal(a.info, b.info)]
    detail = "%d frames" % len(ref_frames)
    if bad:
        i = bad[0]
        detail = "frames %s differ, e.g. frame %d: %r vs %r" % (bad, i, ref_frames[i].info, new_frames[i].info)
    report(not bad, "%s: %s agree" % (tag, what), detail)


def convert(binary, src, dst):
    proc = subprocess.run([binary, "convert", src, dst], capture_output=True, text=True)
    ok = proc.returncode == 0
    report(ok, "%s convert %s %s exits 0" % (binary, src, dst),
           "" if ok else "exit %d, stderr: %s" % (proc.returncode, proc.stderr.strip()[:500]))
    return ok


def synthetic_structures():
    rng = np.random.default_rng(20240611)
    frames = []

    si = bulk("Si", "diamond", a=5.431).repeat((2, 2, 1))  # fcc primitive vectors: not orthogonal
    si.rattle(stdev=0.02, seed=7)
    n = len(si)
    stress = rng.normal(scale=0.01, size=6)
    si.calc = SinglePointCalculator(si, energy=-43.3718291734, free_energy=-43.3720018261,
                                    forces=rng.normal(scale=0.5, size=(n, 3)), stress=stress,
                                    magmoms=rng.normal(scale=0.3, size=n))
    si.info["config_type"] = "bulk rattled"
    si.info["seed"] = 7
    si.new_array("bader", rng.normal(size=n))
    frames.append(si)

    fe = Atoms("Fe2", scaled_positions=[[0, 0, 0], [0.52, 0.49, 0.51]], pbc=True,
               cell=[[2.8712, 0.0, 0.0], [0.1371, 2.8543, 0.0], [-0.2113, 0.0917, 2.9011]])
    fe.calc = SinglePointCalculator(fe, energy=-16.4629, forces=rng.normal(size=(2, 3)),
                                    stress=rng.normal(scale=0.003, size=6), magmoms=[2.21, 2.19])
    fe.info["source"] = "hand-made triclinic cell"
    frames.append(fe)

    water = molecule("H2O")
    water.calc = SinglePointCalculator(water, energy=-14.2231, forces=rng.normal(size=(3, 3)))
    frames.append(water)

    slab = fcc111("Cu", size=(2, 2, 3), vacuum=7.5)
    slab.info.pop("adsorbate_info", None)  # a dict ASE itself cannot write
    slab.calc = SinglePointCalculator(slab, energy=-41.887, forces=rng.normal(size=(len(slab), 3)))
    frames.append(slab)
    return frames


def check_synthetic(binary, work):
    src, dst = work + "/in.xyz", work + "/out.xyz"
    ase.io.write(src, synthetic_structures(), format="extxyz")
    if not convert(binary, src, dst):
        return
    ref = ase.io.read(src, ":", format="extxyz")
    new = ase.io.read(dst, ":", format="extxyz")
    tag = "synthetic"
    report(len(ref) == len(new), "%s: frame count" % tag, "%d vs %d" % (len(ref), len(new)))
    if len(ref) != len(new):
        return
    report(all(a.get_chemical_symbols() == b.get_chemical_symbols() for a, b in zip(ref, new)),
           "%s: species agree" % tag)
    report(all(list(a.pbc) == list(b.pbc) for a, b in zip(ref, new)), "%s: pbc agree" % tag)
    compare_numbers(tag, "cell", ref, new, lambda a: np.array(a.cell))
    compare_numbers(tag, "positions", ref, new, lambda a: a.positions)
    compare_numbers(tag, "energy", ref, new, lambda a: result(a, "energy"))
    compare_numbers(tag, "free_energy", ref, new, lambda a: result(a, "free_energy"))
    compare_numbers(tag, "forces", ref, new, lambda a: result(a, "forces"))
    compare_numbers(tag, "stress", ref, new, lambda a: result(a, "stress"))
    compare_numbers(tag, "magmoms", ref, new, lambda a: result(a, "magmoms"))
    compare_numbers(tag, "extra column 'bader'", ref, new, lambda a: a.arrays.get("bader"))
    compare_info(tag, "info keys and values", ref, new)


def check_mlearn(binary, work, path):
    dst = work + "/mlearn_out.xyz"
    if not convert(binary, path, dst):
        return
    ref = ase.io.read(path, ":", format="extxyz")
    new = ase.io.read(dst, ":", format="extxyz")
    tag = "mlearn " + path.rsplit("/", 1)[-1]
    report(len(ref) == len(new), "%s: frame count" % tag, "%d vs %d" % (len(ref), len(new)))
    if len(ref) != len(new):
        return
    compare_numbers(tag, "energies", ref, new, lambda a: result(a, "energy"))
    compare_numbers(tag, "forces", ref, new, lambda a: result(a, "forces"))
    compare_numbers(tag, "stresses", ref, new, lambda a: result(a, "stress"))
    compare_numbers(tag, "cells", ref, new, lambda a: np.array(a.cell))
    compare_numbers(tag, "positions", ref, new, lambda a: a.positions)
    compare_info(tag, "info keys and values (config_type, description, mlearn_id, ...)", ref, new)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    binary, work, mlearn = sys.argv[1:]
    check_synthetic(binary, work)
    check_mlearn(binary, work, mlearn)
    print("ase_roundtrip: %s (%d failed checks)" % ("PASS" if failures == 0 else "FAIL", failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
