#!/usr/bin/env python3
"""Tests of LodestonePotential, the in-process ASE calculator of the potentials (liblodestone.so).

- Energies, forces and stresses equal those `lodestone predict` writes for the same structures, to
  1e-10 (eV, eV/Å, eV/Å^3): frames of the mlearn Si test set (common/testdata/mlearn/Si_test.xyz),
  a slab (no stress) and an ensemble's spread.
- An ASE BFGS relaxation with the potential ends where `lodestone relax --potential` ends.
- An ASE Trajectory of that relaxation is written and read back with the calculator's numbers.
- ASE's velocity-Verlet MD conserves the total energy with the potential's forces.
- Documented errors: a missing model file, an element the model does not know.
The potential is trained here on the Si test set (small network, seconds): the checks compare the
calculator with the program on the same model, which any trained model serves.
"""
import os
import sys

import numpy as np

import ase.io
from ase import units
from ase.build import bulk
from ase.calculators.calculator import InputError
from ase.io.trajectory import Trajectory
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.md.verlet import VelocityVerlet
from ase.optimize import BFGS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import Checks, data, lodestone, scratch  # noqa: E402

from lodestone import LodestonePotential  # noqa: E402

SI_TEST = data("common", "testdata", "mlearn", "Si_test.xyz")
TRAIN = ["--hidden", "8,8", "--epochs", "40", "--n-radial", "6", "--n-angular", "3", "--l-max", "2",
         "--cutoff", "4.5", "--optimiser", "lbfgs", "--seed", "7"]


def train(work):
    """A single model and a 2-member ensemble trained on the Si test set."""
    one, ens = os.path.join(work, "si.model"), os.path.join(work, "si-ens.model")
    lodestone("train", "--train", SI_TEST, "--out", one, *TRAIN)
    lodestone("train", "--train", SI_TEST, "--out", ens, "--ensemble", "2", *TRAIN)
    return one, ens


def structures():
    """Frames of the Si test set and a displaced diamond slab (pbc T T F)."""
    frames = ase.io.read(SI_TEST, index="0:25:6")
    slab = bulk("Si", "diamond", a=5.431, cubic=True).repeat((1, 1, 2))
    slab.center(vacuum=4.0, axis=2)
    slab.pbc = (True, True, False)
    slab.positions += np.random.default_rng(3).uniform(-0.05, 0.05, slab.positions.shape)
    for a in frames:
        a.calc = None
    return frames + [slab]


def test_equal_to_predict(c, work, model):
    # The same numbers go to both: written as extended XYZ and read back (the file's rounding).
    path = os.path.join(work, "in.xyz")
    ase.io.write(path, structures(), format="extxyz")
    images = ase.io.read(path, index=":")
    out = os.path.join(work, "pred.xyz")
    lodestone("predict", "--model", model, path, "--out", out)
    preds = ase.io.read(out, index=":")
    c.check(len(preds) == len(images), f"{len(preds)} predicted frames for {len(images)}")
    calc = LodestonePotential(model)
    worst = {"energy": 0.0, "forces": 0.0, "stress": 0.0}
    for k, (a, p) in enumerate(zip(images, preds)):
        a.calc = calc
        e_ref = p.get_potential_energy()
        worst["energy"] = max(worst["energy"], abs(a.get_potential_energy() - e_ref))
        worst["forces"] = max(worst["forces"], np.abs(a.get_forces() - p.get_forces()).max())
        c.check(np.allclose(a.positions, p.positions, rtol=0, atol=1e-12), f"frame {k}: same positions")
        if a.pbc.all():
            worst["stress"] = max(worst["stress"], np.abs(a.get_stress() - p.get_stress()).max())
            c.check(np.isclose(a.get_potential_energies().sum(), e_ref, rtol=1e-12, atol=0), f"frame {k}: sum of atomic energies")
        else:
            c.check("stress" not in calc.results, f"frame {k} (slab): no stress")
    print(f"  in process vs lodestone predict over {len(images)} frames: |dE| {worst['energy']:.1e} eV, "
          f"|dF| {worst['forces']:.1e} eV/A, |dsigma| {worst['stress']:.1e} eV/A^3")
    c.check(worst["energy"] <= 1e-10, f"energies equal to 1e-10 eV ({worst['energy']:.2e})")
    c.check(worst["forces"] <= 1e-10, f"forces equal to 1e-10 eV/A ({worst['forces']:.2e})")
    c.check(worst["stress"] <= 1e-10, f"stresses equal to 1e-10 eV/A^3 ({worst['stress']:.2e})")


def test_ensemble(c, work, model):
    path = os.path.join(work, "one.xyz")
    frame = ase.io.read(SI_TEST, index="3")
    frame.calc = None
    ase.io.write(path, frame, format="extxyz")
    a = ase.io.read(path)
    out = os.path.join(work, "one-pred.xyz")
    lodestone("predict", "--model", model, path, "--out", out)
    p = ase.io.read(out)
    a.calc = LodestonePotential(model)
    c.check(a.calc.n_members == 2, f"{a.calc.n_members} members")
    c.check(abs(a.get_potential_energy() - p.get_potential_energy()) <= 1e-10, "ensemble mean energy")
    spread = a.calc.get_property("energy_std", a)
    # The program writes the spread with 10 significant digits (energy_spread_eV).
    c.check(spread > 0 and abs(spread - float(p.info["energy_spread_eV"])) <= 1e-9 * spread,
            f"energy spread {spread} vs {p.info.get('energy_spread_eV')}")
    c.check(a.calc.get_property("forces_std", a).shape == (len(a), 3), "force spreads per atom")


def relax_start():
    a = bulk("Si", "diamond", a=5.431, cubic=True)
    a.positions += np.random.default_rng(7).uniform(-0.1, 0.1, a.positions.shape)
    return a


def test_bfgs_equal_to_relax(c, work, model):
    path = os.path.join(work, "start.xyz")
    ase.io.write(path, relax_start(), format="extxyz")
    a = ase.io.read(path)
    fmax = 1e-4  # eV/A
    lodestone("relax", path, "--potential", model, "--fmax", fmax, "--steps", 1000, "--out",
              os.path.join(work, "end.xyz"), "--json", os.path.join(work, "end.json"), "--checkpoint", "none")
    b = ase.io.read(os.path.join(work, "end.xyz"))
    a.calc = LodestonePotential(model)
    traj_path = os.path.join(work, "relax.traj")
    opt = BFGS(a, logfile=None, trajectory=traj_path)
    c.check(opt.run(fmax=fmax, steps=1000) is not False, "ASE BFGS converged")
    # Two optimisers, one minimum: at fmax = 1e-4 eV/A and curvatures of order 1 eV/A^2 both stop
    # within ~1e-4 A and ~1e-7 eV of it (measured: 1e-10 eV, 7e-6 A).
    de = a.get_potential_energy() - b.get_potential_energy()
    d = a.positions - b.positions
    d -= d.mean(axis=0)  # neither fixes the centre
    print(f"  ASE BFGS ({opt.nsteps} steps) vs lodestone relax: dE {de:.1e} eV, max |dx| {np.abs(d).max():.1e} A")
    c.check(abs(de) < 1e-6, f"same final energy ({de:.2e} eV)")
    c.check(np.abs(d).max() < 1e-3, f"same final positions ({np.abs(d).max():.2e} A)")

    # The trajectory: every step written, read back with the calculator's numbers.
    with Trajectory(traj_path) as traj:
        frames = list(traj)
    c.check(len(frames) == opt.nsteps + 1, f"{len(frames)} frames for {opt.nsteps} steps")
    last = frames[-1]
    c.check(np.allclose(last.positions, a.positions, rtol=0, atol=0), "last frame: the final positions")
    c.check(last.get_potential_energy() == a.get_potential_energy(), "last frame: the final energy")
    c.check(np.array_equal(last.get_forces(), a.get_forces()), "last frame: the final forces")
    first = frames[0]
    first.calc = LodestonePotential(model)
    e0 = first.get_potential_energy()
    with Trajectory(traj_path) as traj:
        c.check(traj[0].get_potential_energy() == e0, "first frame: its energy recomputed")


def test_md(c, work, model):
    a = relax_start().repeat((2, 1, 1))
    a.calc = LodestonePotential(model)
    MaxwellBoltzmannDistribution(a, temperature_K=300, rng=np.random.default_rng(11))
    e0 = a.get_potential_energy() + a.get_kinetic_energy()
    md = VelocityVerlet(a, timestep=1.0 * units.fs, logfile=None)
    md.run(50)
    drift = a.get_potential_energy() + a.get_kinetic_energy() - e0
    print(f"  50 velocity-Verlet steps of 1 fs, 16 atoms at 300 K: total energy drift {drift:.1e} eV")
    c.check(abs(drift) < 2e-3, f"total energy conserved ({drift:.2e} eV for 16 atoms)")


def test_errors(c, work, model):
    try:
        LodestonePotential(os.path.join(work, "no-such.model"))
        c.check(False, "a missing model file raises")
    except InputError as e:
        c.check("no-such.model" in str(e), f"the message names the file: {e}")
    a = bulk("Cu", "fcc", a=3.61)
    a.calc = LodestonePotential(model)
    try:
        a.get_potential_energy()
        c.check(False, "an element the model does not know raises")
    except InputError as e:
        c.check("Cu" in str(e) and "Si" in str(e), f"the message names the element and the model's: {e}")


def main():
    c = Checks("test_potential")
    work = scratch("potential")
    one, ens = train(work)
    c.run(test_equal_to_predict, work, one)
    c.run(test_ensemble, work, ens)
    c.run(test_bfgs_equal_to_relax, work, one)
    c.run(test_md, work, one)
    c.run(test_errors, work, one)
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
