"""ASE calculators for Lodestone.

- ``Lodestone``: the plane-wave DFT engine, one ``lodestone scf`` process per calculation (as ASE's
  Espresso calculator runs pw.x); the keywords of Lodestone's YAML input are its arguments.
- ``LodestonePotential``: a neural-network potential of ``lodestone train``, evaluated in this
  process through ``liblodestone.so`` (ctypes), for ASE's molecular dynamics and optimisers.

Where the program and the library are found: see ``lodestone.library`` (``ASE_LODESTONE_COMMAND``,
``LODESTONE_LIBRARY``, the ``lodestone`` program on PATH and ``../lib`` beside it).
"""
from .dft import Lodestone
from .library import find_library, find_program, load_library
from .potential import LodestonePotential

__version__ = "0.1.0"
__all__ = ["Lodestone", "LodestonePotential", "find_program", "find_library", "load_library", "__version__"]
