"""The ACWF verification systems and their Lodestone inputs (standard library only).

A system is "El-CONF": a unary crystal (CONF one of FCC, BCC, SC, Diamond) from
<acwf>/unaries-verification-PBE-v1/<El>-<CONF>.xsf, or an oxide (CONF one of X2O, XO,
X2O3, XO2, X2O5, XO3) from <acwf>/oxides-verification-PBE-v1/<El>-<CONF>.xsf.
The protocol is <acwf>/PROTOCOL.md (Bosoni et al., Nat. Rev. Phys. 6, 45 (2024),
doi:10.1038/s42254-023-00655-3).

Paths:
  project root      = two folders above this file (validation/acwf/../..)
  <acwf>            = $LODESTONE_SHARED/reference/acwf when LODESTONE_SHARED is set, else the
                      repository's copy <project root>/common/testdata/acwf (structures, AE reference CSVs)
  pseudopotentials  = <project root>/inputs/pseudo/pd04-pbe-sr/<El>.upf and HINTS.tsv beside them
"""
import math
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PSEUDO_DIR = os.path.join(PROJECT_ROOT, "inputs", "pseudo", "pd04-pbe-sr")

UNARY_CONFS = ("FCC", "BCC", "SC", "Diamond")
OXIDE_CONFS = ("X2O", "XO", "X2O3", "XO2", "X2O5", "XO3")
UNARY_SET = "unaries-verification-PBE-v1"
OXIDE_SET = "oxides-verification-PBE-v1"

# The protocol's settings (PROTOCOL.md): 7 volumes 0.94..1.06 of the central one, Fermi-Dirac 0.0045 Ry,
# Gamma-centred mesh n_i = ceil(|b_i| / 0.06 1/angstrom) with the 2 pi, SCF to 1e-10 Ry per atom.
SCALES = (0.94, 0.96, 0.98, 1.00, 1.02, 1.04, 1.06)
KSPACING_PER_A = 0.06
SMEARING_WIDTH_RY = 0.0045
CONV_THR_RY_PER_ATOM = 1e-10
ECUT_RHO_OVER_ECUT = 4

# Periodic table up to Z = 96 (the unary XSF files give atomic numbers).
SYMBOLS = ("X H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se "
           "Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy "
           "Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm").split()

# The quick set: cheap members covering sp metals, covalent crystals, a transition metal and an oxide,
# cheapest first.  Rule (README.md, section "The quick set"): within each kind the cheapest systems by
# estimate.py, among those whose published Quantum ESPRESSO result with these same pseudopotentials
# (reference-qe-pd04-trim.csv) is within the study's "good" class, epsilon < 0.2 against all-electron.
# A system above that is at the pseudopotential table's own ceiling and cannot tell a sound engine from
# a faulty one.  Version 2 (2026-11-22) replaces version 1's Al-FCC, Al-BCC and C-SC (QE: 0.207,
# 0.218, 0.239) by Al-Diamond, Mg-SC and C-Diamond.
QUICK_SET = (
    "Si-SC", "Al-SC", "Si-FCC", "P-SC", "B-SC", "Li-SC", "Al-Diamond", "Si-Diamond", "Mg-SC", "Ti-SC",
    "C-Diamond", "Mg-XO",
)
# Version 1 (2026-11-21), chosen by cost alone; its run is recorded in README.md.
QUICK_SET_V1 = (
    "Si-SC", "Al-SC", "Si-FCC", "Al-FCC", "P-SC", "B-SC", "Al-BCC", "C-SC", "Li-SC", "Si-Diamond",
    "Ti-SC", "Mg-XO",
)
NAMED_SETS = ("quick", "quick-v1", "all")


def named_set(name, pseudo_dir=PSEUDO_DIR):
    """The systems of a named set: "quick", "quick-v1" or "all" (every system of the elements with a
    pseudopotential)."""
    if name == "quick":
        return list(QUICK_SET)
    if name == "quick-v1":
        return list(QUICK_SET_V1)
    if name == "all":
        return all_systems(pseudo_dir)
    raise SystemError_(f"unknown set '{name}': use one of {', '.join(NAMED_SETS)}")


class SystemError_(Exception):
    """A system name or file that cannot be used; the message says why and what would work."""


def shared_dir():
    d = os.environ.get("LODESTONE_SHARED") or os.path.join(PROJECT_ROOT, "..", "shared")
    return os.path.abspath(d)


def acwf_dir():
    if os.environ.get("LODESTONE_SHARED"):
        return os.path.join(shared_dir(), "reference", "acwf")
    return os.path.join(PROJECT_ROOT, "common", "testdata", "acwf")


def z_of(symbol):
    try:
        return SYMBOLS.index(symbol)
    except ValueError:
        return 0


def read_hints(pseudo_dir=PSEUDO_DIR):
    """HINTS.tsv as {element: {"valence": int, "low_Ry": .., "normal_Ry": .., "high_Ry": ..}}."""
    path = os.path.join(pseudo_dir, "HINTS.tsv")
    hints = {}
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            hints[c[col["element"]]] = {
                "valence": int(c[col["valence_electrons"]]),
                "low_Ry": float(c[col["hint_low_Ry"]]),
                "normal_Ry": float(c[col["hint_normal_Ry"]]),
                "high_Ry": float(c[col["hint_high_Ry"]]),
            }
    return hints


def elements_with_pseudo(pseudo_dir=PSEUDO_DIR):
    """Elements with <El>.upf in the pseudopotential library, ordered by atomic number."""
    els = [f[:-4] for f in os.listdir(pseudo_dir) if f.endswith(".upf")]
    return sorted(els, key=lambda e: (z_of(e), e))


def split_name(system):
    """'Si-Diamond' -> ('Si', 'Diamond', UNARY_SET); raises SystemError_ for a malformed name."""
    if system.count("-") != 1:
        raise SystemError_(f"'{system}' is not El-CONF (e.g. Si-Diamond, Mg-XO)")
    el, conf = system.split("-")
    if conf in UNARY_CONFS:
        return el, conf, UNARY_SET
    if conf in OXIDE_CONFS:
        return el, conf, OXIDE_SET
    raise SystemError_(f"'{system}': unknown configuration '{conf}' (unaries: {', '.join(UNARY_CONFS)}; "
                       f"oxides: {', '.join(OXIDE_CONFS)})")


def xsf_path(system):
    el, conf, subset = split_name(system)
    return os.path.join(acwf_dir(), subset, f"{el}-{conf}.xsf")


def all_systems(pseudo_dir=PSEUDO_DIR):
    """Every ACWF system of the elements with a pseudopotential: per element (by Z) the unaries, then
    the oxides, in the order of UNARY_CONFS and OXIDE_CONFS.  Only systems whose XSF exists."""
    out = []
    for el in elements_with_pseudo(pseudo_dir):
        for conf in UNARY_CONFS + OXIDE_CONFS:
            name = f"{el}-{conf}"
            if os.path.exists(xsf_path(name)):
                out.append(name)
    return out


def check_system(system, pseudo_dir=PSEUDO_DIR):
    """Raise SystemError_ unless the system's XSF exists and every element has a pseudopotential."""
    path = xsf_path(system)
    if not os.path.exists(path):
        raise SystemError_(f"{system}: no structure file {path} (is LODESTONE_SHARED right?)")
    missing = [e for e in sorted(set(read_xsf(path)["species"]))
               if not os.path.exists(os.path.join(pseudo_dir, e + ".upf"))]
    if missing:
        raise SystemError_(f"{system}: no pseudopotential for {', '.join(missing)} in {pseudo_dir}")


def read_xsf(path):
    """The crystal of an XSF file: {"cell": 3 rows in angstrom, "species": [..], "positions": Cartesian
    angstrom}.  Atoms may be given by atomic number or symbol (PRIMCOORD)."""
    with open(path) as f:
        lines = [ln.split("#")[0].strip() for ln in f]
    lines = [ln for ln in lines if ln]
    try:
        i = lines.index("PRIMVEC")
        cell = [[float(x) for x in lines[i + 1 + k].split()[:3]] for k in range(3)]
        j = lines.index("PRIMCOORD")
        n = int(lines[j + 1].split()[0])
        species, pos = [], []
        for k in range(n):
            c = lines[j + 2 + k].split()
            species.append(SYMBOLS[int(c[0])] if c[0].isdigit() else c[0])
            pos.append([float(x) for x in c[1:4]])
    except (ValueError, IndexError) as e:
        raise SystemError_(f"{path}: not a PRIMVEC/PRIMCOORD XSF file ({e})")
    return {"cell": cell, "species": species, "positions": pos}


def det3(m):
    return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def reciprocal(cell):
    """Reciprocal vectors (rows) with the 2 pi: b_i . a_j = 2 pi delta_ij."""
    vol = det3(cell)
    a1, a2, a3 = cell
    return [[2 * math.pi * x / vol for x in cross(a2, a3)],
            [2 * math.pi * x / vol for x in cross(a3, a1)],
            [2 * math.pi * x / vol for x in cross(a1, a2)]]


def kmesh(cell, spacing_per_A=KSPACING_PER_A, volume_scale=SCALES[0]):
    """Gamma-centred mesh n_i = ceil(|b_i| / spacing) for the cell scaled to volume_scale times its volume.

    The ACWF common EOS workflow computes the mesh once, for its reference (first, smallest, 0.94)
    volume, and reuses it for all seven (aiida-common-workflows, workflows/eos.py, run_init: "Each
    plugin should then reuse ... in particular the choice of the k-points grid"); the default does
    the same, so the mesh is fixed along the equation of state.  The 1e-9 tolerance is Lodestone's
    (dft/basis/kpoints.c)."""
    s = volume_scale ** (1.0 / 3.0)
    scaled = [[x * s for x in row] for row in cell]
    return [max(1, int(math.ceil(math.sqrt(sum(x * x for x in b)) / spacing_per_A - 1e-9)))
            for b in reciprocal(scaled)]


def settings(system, hints=None, pseudo_dir=PSEUDO_DIR):
    """The protocol's numbers for one system (a dict, the input file is written from it)."""
    hints = hints or read_hints(pseudo_dir)
    xsf = read_xsf(xsf_path(system))
    els = sorted(set(xsf["species"]), key=z_of)
    for e in els:
        if e not in hints:
            raise SystemError_(f"{system}: {e} has no cutoff hint in {pseudo_dir}/HINTS.tsv")
    ecut = max(hints[e]["high_Ry"] for e in els)
    n_atom = len(xsf["species"])
    return {
        "system": system,
        "elements": els,
        "n_atom": n_atom,
        "n_electrons": sum(hints[e]["valence"] for e in xsf["species"]),
        "volume_A3": abs(det3(xsf["cell"])),
        "ecut_Ry": ecut,
        "ecut_rho_Ry": ECUT_RHO_OVER_ECUT * ecut,
        "kmesh": kmesh(xsf["cell"]),
        "conv_thr_Ry": CONV_THR_RY_PER_ATOM * n_atom,
        "cell": xsf["cell"],
    }


def fmt_g(x):
    """Shortest exact-enough text of a float (1e-10, 96, 0.0045)."""
    return f"{x:.12g}"


def input_yaml(system, st, pseudo_dir=PSEUDO_DIR):
    """The text of input.yaml for `lodestone eos` (schema: docs/yaml-input.md)."""
    el, conf, subset = split_name(system)
    hint_src = ", ".join(f"{e}" for e in st["elements"])
    lines = [
        f"# ACWF verification, {system}: written by validation/acwf/acwf.py; do not edit (it is compared on rerun).",
        "# Protocol: common/testdata/acwf/PROTOCOL.md (Bosoni et al., Nat. Rev. Phys. 6, 45 (2024)).",
        f"structure: {system}.xsf        # central structure, copied from {subset}/",
        "functional: PBE",
        "pseudopotentials:              # PseudoDojo v0.4 PBE standard, trim600 (inputs/pseudo/pd04-pbe-sr/)",
    ]
    for e in st["elements"]:
        lines.append(f"  {e}: {os.path.join(pseudo_dir, e + '.upf')}")
    mesh = st["kmesh"]
    lines += [
        f"ecut: {fmt_g(st['ecut_Ry'])} Ry                  # largest PseudoDojo 'high' hint of {hint_src} (HINTS.tsv)",
        f"ecut_rho: {fmt_g(st['ecut_rho_Ry'])} Ry",
        f"kpoints: {{mesh: [{mesh[0]}, {mesh[1]}, {mesh[2]}], shift: [0, 0, 0]}}"
        f"   # Gamma-centred, ceil(|b_i| / {KSPACING_PER_A} 1/angstrom) of the 0.94 V cell, kept for all volumes",
        f"smearing: {{type: fermi-dirac, width: {fmt_g(SMEARING_WIDTH_RY)} Ry}}",
        "spin: {polarized: false}",
        f"scf: {{conv_thr: {fmt_g(st['conv_thr_Ry'])} Ry}}      # {fmt_g(CONV_THR_RY_PER_ATOM)} Ry per atom x {st['n_atom']} atoms",
        "forces: false",
        "stress: true",
    ]
    return "\n".join(lines) + "\n"


def prepare(system, sysdir, hints=None, pseudo_dir=PSEUDO_DIR):
    """Write sysdir/input.yaml and copy the XSF there.  Returns (settings, status) with status one of
    'written', 'same' (an identical input.yaml was there) or 'differs' (left as it was; the caller
    decides).  The XSF is copied when absent."""
    st = settings(system, hints, pseudo_dir)
    os.makedirs(sysdir, exist_ok=True)
    xsf_dst = os.path.join(sysdir, system + ".xsf")
    if not os.path.exists(xsf_dst):
        shutil.copyfile(xsf_path(system), xsf_dst)
    text = input_yaml(system, st, pseudo_dir)
    path = os.path.join(sysdir, "input.yaml")
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if old == text:
            return st, "same"
        return st, "differs"
    tmp = path + f".tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return st, "written"


def rewrite_input(system, sysdir, st, pseudo_dir=PSEUDO_DIR):
    path = os.path.join(sysdir, "input.yaml")
    tmp = path + f".tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(input_yaml(system, st, pseudo_dir))
    os.replace(tmp, path)
    shutil.copyfile(xsf_path(system), os.path.join(sysdir, system + ".xsf"))
