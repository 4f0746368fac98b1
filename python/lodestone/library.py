"""Finding the ``lodestone`` program and ``liblodestone.so``, and the ctypes binding of the library's
C interface (capi/lodestone.h of the source tree).

The program: the ``command`` a calculator is given, else ``$ASE_LODESTONE_COMMAND`` (ASE's convention
for calculator commands), else ``lodestone`` on PATH.

The library: the ``library`` a calculator is given, else ``$LODESTONE_LIBRARY``, else
``liblodestone.so`` beside the program or in ``../lib`` beside it (a build folder of a checkout holds
both ``build/lodestone`` and ``build/liblodestone.so``; ``make install`` puts them in ``PREFIX/bin``
and ``PREFIX/lib``), else the system's library search path.
"""
import ctypes
import ctypes.util
import os
import shlex
import shutil

CAPI_VERSION = 1  # LODESTONE_CAPI_VERSION of capi/lodestone.h that this binding follows

_loaded = {}


def find_program(command=None):
    """The command line (a list) that starts ``lodestone``; FileNotFoundError when there is none."""
    command = command or os.environ.get("ASE_LODESTONE_COMMAND") or "lodestone"
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    exe = argv[-1] if argv else ""
    # "mpirun -np 2 lodestone": the program is the last word; a plain name is looked up on PATH.
    path = exe if os.sep in exe else shutil.which(exe)
    if not path or not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"the lodestone program '{exe}' was not found: put it on PATH (make install), or give "
            f"command='PATH/TO/lodestone' or set ASE_LODESTONE_COMMAND")
    argv[-1] = os.path.abspath(path)
    return argv


def find_library(library=None, command=None):
    """The path of liblodestone.so; FileNotFoundError (saying where it looked) when there is none."""
    tried = []
    if library:
        return os.path.abspath(library)
    env = os.environ.get("LODESTONE_LIBRARY")
    if env:
        return os.path.abspath(env)
    try:
        exe = find_program(command)[-1]
        here = os.path.dirname(os.path.realpath(exe))
        for cand in (os.path.join(here, "liblodestone.so"), os.path.join(here, "..", "lib", "liblodestone.so")):
            tried.append(os.path.normpath(cand))
            if os.path.exists(cand):
                return os.path.normpath(cand)
    except FileNotFoundError:
        tried.append("(no lodestone program on PATH)")
    name = ctypes.util.find_library("lodestone")
    if name:
        return name
    raise FileNotFoundError(
        "liblodestone.so was not found (looked in: " + ", ".join(tried) + ", and the system's library path): "
        "build it with 'make lib' (build/liblodestone.so) or install it with 'make install', or give "
        "library='PATH/TO/liblodestone.so' or set LODESTONE_LIBRARY")


def load_library(library=None, command=None):
    """The ctypes handle of liblodestone.so with the argument types of its functions (cached per path)."""
    path = find_library(library, command)
    if path in _loaded:
        return _loaded[path]
    lib = ctypes.CDLL(path)
    c_int, c_double, c_char_p, c_void_p = ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p
    pd, pi = ctypes.POINTER(c_double), ctypes.POINTER(c_int)
    lib.lodestone_version.restype = c_char_p
    lib.lodestone_version.argtypes = []
    lib.lodestone_capi_version.restype = c_int
    lib.lodestone_capi_version.argtypes = []
    lib.lodestone_last_error.restype = c_char_p
    lib.lodestone_last_error.argtypes = []
    lib.lodestone_set_threads.restype = None
    lib.lodestone_set_threads.argtypes = [c_int]
    lib.lodestone_potential_load.restype = c_int
    lib.lodestone_potential_load.argtypes = [c_char_p, ctypes.POINTER(c_void_p)]
    lib.lodestone_potential_free.restype = None
    lib.lodestone_potential_free.argtypes = [c_void_p]
    lib.lodestone_potential_n_elements.restype = c_int
    lib.lodestone_potential_n_elements.argtypes = [c_void_p]
    lib.lodestone_potential_element.restype = c_int
    lib.lodestone_potential_element.argtypes = [c_void_p, c_int]
    lib.lodestone_potential_cutoff_a.restype = c_double
    lib.lodestone_potential_cutoff_a.argtypes = [c_void_p]
    lib.lodestone_potential_n_members.restype = c_int
    lib.lodestone_potential_n_members.argtypes = [c_void_p]
    lib.lodestone_potential_describe.restype = c_char_p
    lib.lodestone_potential_describe.argtypes = [c_void_p]
    lib.lodestone_potential_predict.restype = c_int
    lib.lodestone_potential_predict.argtypes = [c_void_p, c_int, pi, pd, pd, pi, pd, pd, pd, pd, pd, pd]
    if lib.lodestone_capi_version() != CAPI_VERSION:
        raise ImportError(f"{path} has C interface version {lib.lodestone_capi_version()}, this package "
                          f"follows version {CAPI_VERSION}: install the package of the same Lodestone")
    _loaded[path] = lib
    return lib
