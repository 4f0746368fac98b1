"""LodestonePotential: a neural-network potential of ``lodestone train`` as an ASE calculator,
evaluated in this process through liblodestone.so (no files, no subprocess), so that ASE's molecular
dynamics and optimisers call it at the cost of the prediction itself.

    from ase.optimize import BFGS
    from lodestone import LodestonePotential
    atoms.calc = LodestonePotential("cu.model")
    BFGS(atoms).run(fmax=0.01)

Properties: energy and free_energy (eV, the same number), forces (eV/Å), stress (eV/Å^3, ASE's Voigt
order and sign; cells periodic in all three directions only), energies (per atom, eV); for an
ensemble model also energy_std (eV) and forces_std (eV/Å), the spread over its members.  The numbers
are those ``lodestone predict`` writes for the same structure.
"""
import ctypes

import numpy as np
from ase.calculators.calculator import Calculator, CalculationFailed, InputError, all_changes

from .library import load_library

_pd = ctypes.POINTER(ctypes.c_double)
_pi = ctypes.POINTER(ctypes.c_int)


def _ptr(a, kind=_pd):
    return a.ctypes.data_as(kind) if a is not None else None


class LodestonePotential(Calculator):
    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress", "energy_std", "forces_std"]

    def __init__(self, model, library=None, command=None, threads=None, **kwargs):
        """model: a model file of ``lodestone train``; library, command: where liblodestone.so is (see
        lodestone.library); threads: OpenMP threads of the predictions (default OMP_NUM_THREADS)."""
        Calculator.__init__(self, **kwargs)
        self.model = str(model)
        self._lib = load_library(library, command)
        handle = ctypes.c_void_p()
        status = self._lib.lodestone_potential_load(self.model.encode(), ctypes.byref(handle))
        if status != 0:
            raise InputError(self._lib.lodestone_last_error().decode(errors="replace"))
        self._handle = handle
        if threads:
            self._lib.lodestone_set_threads(int(threads))
        self._n = -1

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle is not None and handle.value:
            self._lib.lodestone_potential_free(handle)
            self._handle = None

    @property
    def elements(self):
        """The atomic numbers the model knows."""
        n = self._lib.lodestone_potential_n_elements(self._handle)
        return [self._lib.lodestone_potential_element(self._handle, i) for i in range(n)]

    @property
    def cutoff(self):
        """The descriptor cutoff radius (Å)."""
        return self._lib.lodestone_potential_cutoff_a(self._handle)

    @property
    def n_members(self):
        return self._lib.lodestone_potential_n_members(self._handle)

    def describe(self):
        return self._lib.lodestone_potential_describe(self._handle).decode()

    def _buffers(self, n):
        if n != self._n:
            self._forces = np.empty((n, 3))
            self._energies = np.empty(n)
            self._forces_std = np.empty((n, 3))
            self._n = n

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        atoms = self.atoms
        n = len(atoms)
        self._buffers(n)
        numbers = np.ascontiguousarray(atoms.numbers, dtype=np.intc)
        positions = np.ascontiguousarray(atoms.positions, dtype=np.float64)
        cell = np.ascontiguousarray(atoms.cell.array, dtype=np.float64)
        pbc = np.ascontiguousarray(atoms.pbc, dtype=np.intc)
        periodic = bool(atoms.pbc.all())
        stress = np.empty((3, 3)) if periodic else None
        ensemble = self.n_members > 1
        energy, energy_std = ctypes.c_double(), ctypes.c_double()
        status = self._lib.lodestone_potential_predict(
            self._handle, n, _ptr(numbers, _pi), _ptr(positions), _ptr(cell), _ptr(pbc, _pi), ctypes.byref(energy),
            _ptr(self._forces), _ptr(stress), _ptr(self._energies), ctypes.byref(energy_std),
            _ptr(self._forces_std) if ensemble else None)
        if status != 0:
            message = self._lib.lodestone_last_error().decode(errors="replace")
            raise (InputError if status == 2 else CalculationFailed)(message)
        self.results = {
            "energy": energy.value,
            "free_energy": energy.value,
            "forces": self._forces.copy(),
            "energies": self._energies.copy(),
            "energy_std": energy_std.value,
        }
        if ensemble:
            self.results["forces_std"] = self._forces_std.copy()
        if stress is not None:
            self.results["stress"] = stress[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]]
