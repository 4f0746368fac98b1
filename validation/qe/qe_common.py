"""Shared helpers for the Quantum ESPRESSO comparison (compare.py) and benchmark (bench.py).

Standard library only. Paths:
  project root   = two folders above this file (validation/qe/..)
  shared folder  = $LODESTONE_SHARED, else <project root>/../shared
  references     = <shared>/reference/qe/NAME.in and NAME.json (pw.x 6.7, see its README.md)
  pseudopotentials = <shared>/pseudo/pd04-pbe-sr/trim600 (replaces PSEUDO_DIR in each input)
"""
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

# CODATA 2018, the values the reference JSON was converted with (checked against a fresh pw.x 6.7 run
# of si2: energy_eV / etot[Ha] = 27.211386245988 to all printed digits; see README.md) and the values
# of common/units.h. QE 6.7 itself prints with CODATA 2006 (1 Ry = 13.605691930242388 eV).
HARTREE_EV = 27.211386245988
RY_EV = HARTREE_EV / 2.0
RY_EV_QE = 13.605691930242388      # CODATA 2006, QE's own constant (only for diagnostics)
RY_EV_ASE = 13.605693009           # CODATA 2014, ASE's (only for diagnostics)

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
import provenance  # noqa: E402  (validation/provenance.py)
from provenance import cpu_model  # noqa: E402
PSEUDO_SUBDIR = os.path.join("pseudo", "pd04-pbe-sr", "trim600")


def shared_dir():
    d = os.environ.get("LODESTONE_SHARED") or os.path.join(PROJECT_ROOT, "..", "shared")
    return os.path.abspath(d)


def reference_dir():
    return os.path.join(shared_dir(), "reference", "qe")


def pseudo_dir():
    return os.path.join(shared_dir(), PSEUDO_SUBDIR)


def die(msg, code=2):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr)
    sys.exit(code)


def all_systems():
    ref = reference_dir()
    if not os.path.isdir(ref):
        die(f"reference folder {ref} not found: set LODESTONE_SHARED to the shared folder "
            f"(the one holding reference/qe and pseudo/)")
    return sorted(f[:-3] for f in os.listdir(ref) if f.endswith(".in"))


def select_systems(names):
    """The systems named on the command line (all when none), in the given order; exits on unknown names."""
    known = all_systems()
    if not names:
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        die(f"unknown system(s) {', '.join(unknown)}; available: {' '.join(known)}")
    return list(names)


def load_reference(system):
    with open(os.path.join(reference_dir(), system + ".json")) as f:
        return json.load(f)


def prepare_input(system, workdir):
    """Copy NAME.in into workdir with PSEUDO_DIR replaced by the absolute pseudopotential folder."""
    src = os.path.join(reference_dir(), system + ".in")
    with open(src) as f:
        text = f.read()
    if "PSEUDO_DIR" not in text:
        die(f"{src} has no PSEUDO_DIR placeholder")
    pdir = pseudo_dir()
    if not os.path.isdir(pdir):
        die(f"pseudopotential folder {pdir} not found (set LODESTONE_SHARED)")
    os.makedirs(workdir, exist_ok=True)
    dst = os.path.join(workdir, system + ".in")
    with open(dst, "w") as f:
        f.write(text.replace("PSEUDO_DIR", pdir))
    return dst


def namelist_value(input_path, key):
    """The value of `key = value` in a pw.x namelist (strings unquoted), or None."""
    with open(input_path) as f:
        text = f.read()
    m = re.search(r"(?im)[\s,]" + re.escape(key) + r"\s*=\s*('([^']*)'|\"([^\"]*)\"|[^,\s/]+)", text)
    if not m:
        return None
    if m.group(2) is not None:
        return m.group(2)
    if m.group(3) is not None:
        return m.group(3)
    return m.group(1)


def n_atoms(input_path):
    v = namelist_value(input_path, "nat")
    if v is None:
        die(f"{input_path}: no nat= in &system")
    return int(v)


def make_scratch(path, prefix):
    if path:
        os.makedirs(path, exist_ok=True)
        return os.path.abspath(path)
    return tempfile.mkdtemp(prefix=prefix)


def run_timed(cmd, cwd, env_extra, log_path):
    """Run cmd (list) in cwd with stdout+stderr to log_path; return (exit code, wall seconds)."""
    env = dict(os.environ)
    env.update(env_extra)
    with open(log_path, "w") as log:
        t0 = time.monotonic()
        try:
            rc = subprocess.call(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        except OSError as e:
            log.write(f"cannot run {cmd[0]}: {e}\n")
            rc = 127
        wall = time.monotonic() - t0
    return rc, wall


def thread_env(n):
    """Environment that pins OpenMP and OpenBLAS to n threads (no oversubscription)."""
    return {"OMP_NUM_THREADS": str(n), "OPENBLAS_NUM_THREADS": str(n), "MKL_NUM_THREADS": str(n)}


LODESTONE_STATUS = {0: "converged", 1: "not converged", 2: "bad input"}


def run_lodestone(exe, input_path, threads=None, extra_args=()):
    """Run `lodestone scf X.in --json X.json` next to the input. Returns a dict with rc, status, wall_s,
    json_path, log_path and data (the parsed JSON, or None)."""
    workdir = os.path.dirname(input_path)
    stem = os.path.splitext(os.path.basename(input_path))[0]
    json_path = os.path.join(workdir, stem + ".json")
    log_path = os.path.join(workdir, stem + ".lodestone.log")
    if os.path.exists(json_path):
        os.remove(json_path)
    cmd = ["nice", exe, "scf", os.path.basename(input_path), "--json", os.path.basename(json_path)]
    env = {}
    if threads:
        cmd += ["--threads", str(threads)]
        env = thread_env(threads)
    cmd += list(extra_args)
    rc, wall = run_timed(cmd, workdir, env, log_path)
    return {"rc": rc, "status": LODESTONE_STATUS.get(rc, f"crashed (exit {rc})"), "wall_s": wall,
            "json_path": json_path, "log_path": log_path, "cmd": cmd, "data": read_json(json_path)}


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def mpirun_prefix(nproc):
    if nproc <= 1:
        return []
    if not shutil.which("mpirun"):
        return None
    pre = ["mpirun", "-np", str(nproc), "--oversubscribe"]
    if os.geteuid() == 0:
        pre.insert(1, "--allow-run-as-root")
    return pre


def run_pwx(input_path, nproc=1, pw_args=()):
    """Run pw.x (serial, or under mpirun -np nproc) with one OpenMP thread per process, next to the input.
    The energy is read at full precision from the XML data file (Ha) and converted with HARTREE_EV;
    the printed '!    total energy' (Ry, 8 decimals) is the fallback."""
    workdir = os.path.dirname(input_path)
    stem = os.path.splitext(os.path.basename(input_path))[0]
    log_path = os.path.join(workdir, stem + ".pw.out")
    res = {"rc": None, "wall_s": None, "converged": False, "energy_eV": None, "log_path": log_path,
           "scf_iterations": None, "error": None}
    pre = mpirun_prefix(nproc)
    if pre is None:
        res["error"] = "mpirun not found (apt-get install openmpi-bin)"
        return res
    exe = shutil.which("pw.x")
    if not exe:
        res["error"] = "pw.x not found (apt-get install quantum-espresso)"
        return res
    outdir = namelist_value(input_path, "outdir") or "./"
    prefix = namelist_value(input_path, "prefix") or "pwscf"
    save = os.path.join(workdir, outdir, prefix + ".save")
    shutil.rmtree(save, ignore_errors=True)          # never read a previous run's XML
    cmd = ["nice"] + pre + [exe] + list(pw_args) + ["-in", os.path.basename(input_path)]
    res["cmd"] = cmd
    res["rc"], res["wall_s"] = run_timed(cmd, workdir, thread_env(1), log_path)
    with open(log_path, errors="replace") as f:
        out = f.read()
    conv_printed = "convergence has been achieved" in out
    m = re.findall(r"^!\s+total energy\s+=\s+(-?\d+\.\d+)\s+Ry", out, re.M)
    if m:
        res["energy_eV"] = float(m[-1]) * RY_EV
        res["energy_source"] = "printed Ry"
    xml_path = os.path.join(save, "data-file-schema.xml")
    try:
        root = ET.parse(xml_path).getroot()
        etot = root.find("output/total_energy/etot")
        if etot is not None:
            res["energy_eV"] = float(etot.text) * HARTREE_EV
            res["energy_source"] = "XML Ha"
        c = root.find("output/convergence_info/scf_conv/convergence_achieved")
        if c is not None:
            conv_printed = conv_printed and c.text.strip() == "true"
        n = root.find("output/convergence_info/scf_conv/n_scf_steps")
        if n is not None:
            res["scf_iterations"] = int(n.text)
    except (OSError, ET.ParseError):
        pass
    res["converged"] = res["rc"] == 0 and conv_printed and res["energy_eV"] is not None
    if res["rc"] != 0:
        res["error"] = f"pw.x exit code {res['rc']}, see {log_path}"
    # The wavefunction files are only disk clutter for this study.
    if os.path.isdir(save):
        for f in os.listdir(save):
            if f.startswith("wfc") and f.endswith(".dat"):
                os.remove(os.path.join(save, f))
    return res


def repo_path(path):
    """A path as result files record it: relative to the project root when inside it."""
    return provenance.repo_path(path, PROJECT_ROOT)


def git_description(root=PROJECT_ROOT):
    """'<short hash> (<branch>)' plus ', uncommitted changes' when the tree differs from the commit
    (result files of this study excluded)."""
    return provenance.git_description(root, ("validation/qe/results.md", "validation/qe/bench.md"))


def machine_description():
    u = platform.uname()
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return [f"host: {u.node}; {u.system} {u.release} {u.machine}",
            f"CPU: {cpu_model()}, {os.cpu_count()} logical cores",
            f"load average (1/5/15 min) at start: {load}"]


def program_version(exe):
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def format_table(header, rows):
    """Left-aligned first column, right-aligned others; returns lines."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    def fmt(r):
        cells = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)]
        return "  ".join(cells).rstrip()
    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return lines


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return lines
