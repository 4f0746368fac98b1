#!/usr/bin/env python3
"""Tests of Lodestone, the ASE calculator of the DFT engine (one `lodestone scf` per calculation).

- Energy, forces and stress of displaced diamond Si equal those of `lodestone scf` run by hand on a
  YAML input written here with the same settings, to 1e-10 (eV, eV/Å, eV/Å^3).
- The magnetic moments (total and per atom) of ferromagnetic bcc Fe equal the program's.
- A second property of unchanged atoms runs no second calculation; moved atoms run one.
- Errors: a misspelt keyword is ase's InputError with the program's message (exit code 2); an SCF
  that does not converge is SCFError, or results with accept_unconverged=True.
Small cutoffs and k-meshes (seconds): the checks compare the calculator with the program itself.
"""
import json
import os
import sys

import numpy as np

from ase import Atoms
from ase.calculators.calculator import InputError, SCFError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import Checks, lodestone, scratch  # noqa: E402

from lodestone import Lodestone  # noqa: E402
from lodestone.dft import GPA_PER_EV_A3  # noqa: E402

# Diamond Si, a = 5.431 Å, atom 2 moved (untidy numbers, so every force and stress component counts).
SI_CELL = [[0.0, 2.7155, 2.7155], [2.7155, 0.0, 2.7155], [2.7155, 2.7155, 0.0]]
SI_POS = [[0.0, 0.0, 0.0], [1.3987, 1.3391, 1.3602]]
SI_SETTINGS = dict(ecut="12 Ha", kpoints={"mesh": [2, 2, 2]}, scf={"conv_thr": "1e-11 Ry"})
SI_YAML = """cell:
  lattice: [[0.0, 2.7155, 2.7155], [2.7155, 0.0, 2.7155], [2.7155, 2.7155, 0.0]]
  units: angstrom
  species: [Si, Si]
  positions: [[0.0, 0.0, 0.0], [1.3987, 1.3391, 1.3602]]
  coordinates: cartesian
ecut: 12 Ha
kpoints: {mesh: [2, 2, 2]}
scf: {conv_thr: 1e-11 Ry}
"""
FE_SETTINGS = dict(ecut="30 Ry", kpoints={"mesh": [3, 3, 3]}, smearing={"type": "marzari-vanderbilt", "width": "0.02 Ry"},
                   spin={"polarized": True, "starting_magnetization": {"Fe": 0.5}}, scf={"conv_thr": "1e-10 Ry"})
FE_YAML = """cell:
  lattice: [[-1.415, 1.415, 1.415], [1.415, -1.415, 1.415], [1.415, 1.415, -1.415]]
  units: angstrom
  species: [Fe]
  positions: [[0, 0, 0]]
  coordinates: cartesian
ecut: 30 Ry
kpoints: {mesh: [3, 3, 3]}
smearing: {type: marzari-vanderbilt, width: 0.02 Ry}
spin: {polarized: true, starting_magnetization: {Fe: 0.5}}
scf: {conv_thr: 1e-10 Ry}
"""


def by_hand(work, name, text):
    """`lodestone scf` on a YAML input written here: its JSON results."""
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    lodestone("scf", path, "--json", os.path.join(work, name + ".json"), "--threads", 1)
    with open(os.path.join(work, name + ".json")) as f:
        return json.load(f)


def test_si_equal_to_program(c, work):
    ref = by_hand(work, "si-hand", SI_YAML)
    atoms = Atoms("Si2", cell=SI_CELL, positions=SI_POS, pbc=True)
    atoms.calc = Lodestone(directory=os.path.join(work, "si"), threads=1, **SI_SETTINGS)
    e = atoms.get_potential_energy()
    f = atoms.get_forces()
    s = atoms.get_stress(voigt=False)
    de = abs(e - ref["energy_eV"])
    df = np.abs(f - np.array(ref["forces_eV_per_A"])).max()
    ds = np.abs(s - np.array(ref["stress_GPa"]) / GPA_PER_EV_A3).max()
    print(f"  Si2: calculator vs lodestone scf: |dE| {de:.1e} eV, |dF| {df:.1e} eV/A, |dsigma| {ds:.1e} eV/A^3")
    c.check(de <= 1e-10, f"energy equal to 1e-10 eV ({de:.2e})")
    c.check(df <= 1e-10, f"forces equal to 1e-10 eV/A ({df:.2e})")
    c.check(ds <= 1e-10, f"stress equal to 1e-10 eV/A^3 ({ds:.2e})")
    c.check(np.abs(f).max() > 0.1 and np.abs(s).max() > 1e-3, "forces and stress are not trivially zero")
    c.check(atoms.get_potential_energy(force_consistent=True) == e, "free energy = energy (F = E - TS)")
    c.check(atoms.calc.json["converged"] is True and ("fermi_eV" in atoms.calc.json or "homo_eV" in atoms.calc.json),
            "the program's JSON is kept")
    c.check(atoms.get_magnetic_moment() == 0.0 and not atoms.get_magnetic_moments().any(), "no spin: moments 0")
    # Unchanged atoms: no new run; moved atoms: one.
    runs = atoms.calc.n_runs
    atoms.get_forces()
    atoms.get_stress()
    c.check(atoms.calc.n_runs == runs, f"no rerun for unchanged atoms ({atoms.calc.n_runs - runs} runs)")
    atoms.positions[1, 0] += 0.01
    e2 = atoms.get_potential_energy()
    c.check(atoms.calc.n_runs == runs + 1 and e2 != e, "a move runs one new calculation")


def test_fe_moments(c, work):
    ref = by_hand(work, "fe-hand", FE_YAML)
    atoms = Atoms("Fe", cell=[[-1.415, 1.415, 1.415], [1.415, -1.415, 1.415], [1.415, 1.415, -1.415]],
                  positions=[[0, 0, 0]], pbc=True)
    atoms.calc = Lodestone(directory=os.path.join(work, "fe"), threads=1, **FE_SETTINGS)
    m = atoms.get_magnetic_moment()
    ms = atoms.get_magnetic_moments()
    e = atoms.get_potential_energy()
    print(f"  Fe: moment {m:.6f} muB (program {ref['total_magnetization_muB']:.6f}), atom {ms[0]:.6f} muB, "
          f"|dE| {abs(e - ref['energy_eV']):.1e} eV")
    c.check(m > 1.5, f"ferromagnetic ({m} muB)")
    c.check(abs(m - ref["total_magnetization_muB"]) <= 1e-10, "total moment equal to the program's")
    c.check(np.abs(ms - np.array(ref["atom_magnetization_muB"])).max() <= 1e-10, "atomic moments equal to the program's")
    c.check(abs(e - ref["energy_eV"]) <= 1e-10, "energy equal to the program's")


def test_errors(c, work):
    atoms = Atoms("Si2", cell=SI_CELL, positions=SI_POS, pbc=True)
    atoms.calc = Lodestone(directory=os.path.join(work, "bad"), ecutt="12 Ha")
    try:
        atoms.get_potential_energy()
        c.check(False, "a misspelt keyword raises")
    except InputError as e:
        c.check("did you mean 'ecut'" in str(e) and "lodestone.yaml" in str(e), f"the program's message: {e}")
    atoms.calc = Lodestone(directory=os.path.join(work, "short"), ecut="12 Ha", kpoints={"mesh": [2, 2, 2]},
                           scf={"max_iter": 2})
    try:
        atoms.get_potential_energy()
        c.check(False, "an SCF that does not converge raises")
    except SCFError as e:
        c.check("exit code 1" in str(e), f"SCFError: {e}")
    atoms.calc = Lodestone(directory=os.path.join(work, "short2"), ecut="12 Ha", kpoints={"mesh": [2, 2, 2]},
                           scf={"max_iter": 2}, accept_unconverged=True)
    e = atoms.get_potential_energy()
    c.check(np.isfinite(e) and atoms.calc.json["converged"] is False, "accept_unconverged keeps the results")
    atoms.pbc = (True, True, False)
    atoms.calc = Lodestone(directory=os.path.join(work, "slab"), ecut="12 Ha")
    try:
        atoms.get_potential_energy()
        c.check(False, "a non-periodic cell raises")
    except InputError as e:
        c.check("periodic" in str(e), f"message: {e}")


def main():
    c = Checks("test_dft")
    work = scratch("dft")
    c.run(test_si_equal_to_program, work)
    c.run(test_fe_moments, work)
    c.run(test_errors, work)
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
