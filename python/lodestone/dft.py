"""Lodestone: the plane-wave DFT engine as an ASE calculator, one ``lodestone scf`` process per
calculation, as ASE's Espresso calculator runs pw.x.

    from lodestone import Lodestone
    atoms.calc = Lodestone(ecut="40 Ry", kpoints={"mesh": [6, 6, 6]},
                           smearing={"type": "marzari-vanderbilt", "width": "0.02 Ry"})
    atoms.get_potential_energy()

The keyword arguments are the keys of Lodestone's YAML input (dft/README.md, section "YAML input"),
with their units as there ("40 Ry", "0.02 Ry", "0.15 1/angstrom"): functional, pseudopotentials,
ecut, ecut_rho, kpoints, occupations, smearing, spin, scf, fft_grid, bands, charge, symmetry,
forces, stress.  Lodestone checks them: a wrong key or a missing unit makes the program exit with
code 2 and a message naming the line, raised here as ase's InputError.  The structure is written
into the input as an inline cell (Cartesian Å, every digit), so the engine computes exactly these
atoms.

Other arguments: label (the file names, default "lodestone": LABEL.yaml, LABEL.json, LABEL.out),
directory (where the files go and the program runs, default "."), command (the program, default
$ASE_LODESTONE_COMMAND or lodestone on PATH; may start with an MPI launcher, "mpirun -np 2
lodestone"), threads (--threads), accept_unconverged (default False: an SCF that did not converge
raises SCFError; True keeps its results).

Properties: energy and free_energy (eV: both the free energy F = E - TS, consistent with the forces,
as the Espresso calculator does), forces (eV/Å), stress (eV/Å^3, Voigt, ASE's sign), magmom and
magmoms (µB; 0 without spin polarisation).  Everything else the program reports is in ``calc.json`` (its
JSON output: Fermi level, energy terms, k-points, timings).
"""
import json
import math
import os
import subprocess

import numpy as np
from ase.calculators.calculator import (Calculator, CalculationFailed, InputError, SCFError, all_changes)

from .library import find_program

GPA_PER_EV_A3 = 160.21766340  # Lodestone's factor (common/units.h, e = 1.602176634e-19 C exactly)


def _yaml_value(v):
    """A value as YAML flow text: JSON is YAML, numbers keep every digit (repr)."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise InputError(f"{v} is not a finite number")
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_yaml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_yaml_value(x) for x in v) + "]"
    raise InputError(f"cannot write {v!r} ({type(v).__name__}) into a Lodestone input")


def write_input(path, atoms, parameters):
    """Lodestone's YAML input for `atoms` with the keys of `parameters`."""
    if not atoms.pbc.all():
        raise InputError(f"Lodestone's DFT needs a cell periodic in all three directions (pbc {atoms.pbc.tolist()}); "
                         "put a slab or a molecule in a periodic cell with vacuum")
    lines = ["# Written by the lodestone Python package (ASE calculator Lodestone).",
             "cell:",
             "  units: angstrom",
             "  coordinates: cartesian",
             "  lattice: " + _yaml_value(atoms.cell.array.tolist()),
             "  species: " + _yaml_value(atoms.get_chemical_symbols()),
             "  positions: " + _yaml_value(atoms.positions.tolist())]
    for key, value in parameters.items():
        if value is not None:
            lines.append(f"{key}: {_yaml_value(value)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class Lodestone(Calculator):
    implemented_properties = ["energy", "free_energy", "forces", "stress", "magmom", "magmoms"]
    discard_results_on_any_change = True

    def __init__(self, restart=None, label="lodestone", directory=".", command=None, threads=None,
                 accept_unconverged=False, **kwargs):
        self.command = command
        self.threads = threads
        self.accept_unconverged = accept_unconverged
        self.json = None
        self.n_runs = 0
        Calculator.__init__(self, restart=restart, label=None, directory=directory, **kwargs)
        self.prefix = label

    def _path(self, ext):
        return os.path.join(self.directory, f"{self.prefix}.{ext}")

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        os.makedirs(self.directory, exist_ok=True)
        yaml_path, json_path, out_path = self._path("yaml"), self._path("json"), self._path("out")
        write_input(yaml_path, self.atoms, self.parameters)
        if os.path.exists(json_path):
            os.remove(json_path)
        argv = find_program(self.command) + ["scf", os.path.basename(yaml_path), "--json", os.path.basename(json_path)]
        if self.threads:
            argv += ["--threads", str(int(self.threads))]
        with open(out_path, "w") as out:
            proc = subprocess.run(argv, cwd=self.directory, stdout=out, stderr=subprocess.PIPE, text=True)
        self.n_runs += 1
        with open(out_path, "a") as out:
            out.write(proc.stderr)
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        if proc.returncode == 2:
            raise InputError(f"lodestone rejected {yaml_path} (exit code 2): {message}")
        if proc.returncode == 1 and not (self.accept_unconverged and os.path.exists(json_path)):
            raise SCFError(f"lodestone scf {yaml_path} failed (exit code 1): {message} (see {out_path})")
        if proc.returncode not in (0, 1):
            raise CalculationFailed(f"lodestone scf {yaml_path} stopped with exit code {proc.returncode}: {message}")
        self.read_results(json_path)

    def read_results(self, json_path):
        with open(json_path) as f:
            self.json = json.load(f)
        j = self.json
        n = len(self.atoms)
        self.results = {"energy": j["energy_eV"], "free_energy": j["energy_eV"]}
        if "forces_eV_per_A" in j:
            self.results["forces"] = np.array(j["forces_eV_per_A"], dtype=float).reshape(n, 3)
        if "stress_GPa" in j:
            s = np.array(j["stress_GPa"], dtype=float).reshape(3, 3) / GPA_PER_EV_A3
            self.results["stress"] = s[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
        # A run without spin polarisation has no moment: 0, as ASE's other calculators report it.
        self.results["magmom"] = j.get("total_magnetization_muB", 0.0)
        self.results["magmoms"] = np.array(j.get("atom_magnetization_muB", np.zeros(n)), dtype=float)
