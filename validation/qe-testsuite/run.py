#!/usr/bin/env python3
"""Run `lodestone` on every input of Quantum ESPRESSO's own pw.x regression tests and compare with
the benchmarks (and with Debian's pw.x 6.7 run here on the same inputs).

The inputs: <shared>/reference/qe-testsuite/pw_*/*.in with their benchmark.out.* files (QE's test-suite,
see that folder's README: ESPRESSO_PSEUDO points at its pseudo/ folder).  Each folder runs in its own
scratch folder, in pw.x's test-suite order, so that an 'nscf' or 'bands' input finds the density its
'scf' input wrote there (NAME-1.in, NAME-2.in after NAME.in).  'scf', 'nscf' and 'bands' inputs run
with `lodestone scf INPUT --json`, 'relax' and 'vc-relax' inputs with `lodestone relax INPUT --json`.

Outcome of each input:
  agree     runs, and every compared figure is within tolerance of the benchmark
  agree-6.7 runs and agrees with pw.x 6.7 run here, where the benchmark (another pw.x version)
            differs from pw.x 6.7 by more than the tolerance: both differences are shown
  agree-converged  only the Fermi level or highest occupied level is off, and Lodestone agrees with
            pw.x 6.7 run here with conv_thr 1e4 times tighter, from which the benchmark's own value
            is further than the tolerance (eigenvalues converge only linearly with the SCF error):
            all three values are shown
  refused   exit code 2 with a message naming the file, the line and the feature
  DIFFERS   runs, but a figure is off (a defect)
  FAILED    exit code 1 (not converged), another exit code, a crash or a timeout (a defect)
Compared (lodestone minus reference; tolerances of issue 15): total energy per atom (0.1 meV/atom),
forces (1 meV/Å, largest component), stress (0.5 kbar, pw.x's sign), Fermi level or highest occupied
level (1 meV), total and absolute magnetisation (0.01 muB), and for 'bands'/'nscf' runs with the same
k-points in the same order the eigenvalues (1 meV, largest difference).

Classes: 'NC' = every pseudopotential present and norm-conserving; 'noncollinear' = noncolin or
lspinorb (issue 18's); others use ultrasoft/PAW or missing files.  Prints one row per input and the
totals, and writes the table to --out (default validation/qe-testsuite/results.md).

Standard library only; Linux.  Usage:
  validation/qe-testsuite/run.py [--only REGEX] [--no-pw] [--timeout S] [--threads N] [--work DIR]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
import provenance  # noqa: E402

RY_EV = 13.605693122994            # CODATA 2018 (common/units.h: 27.211386245988 / 2)
RY_EV_QE = 13.605691930242388      # QE's own (CODATA 2006), with which pw.x prints eV
BOHR_A = 0.529177210903
RY_BOHR_EV_A = RY_EV / BOHR_A
TOL = {"energy": 0.1, "force": 1.0, "stress": 0.5, "fermi": 1.0, "mag": 0.01, "bands": 1.0}
ORDER_FIRST = re.compile(r"^(.*?)(-\d+)\.in$")   # NAME-1.in runs after NAME.in


def shared_dir():
    return os.path.abspath(os.environ.get("LODESTONE_SHARED") or os.path.join(ROOT, "..", "shared"))


def suite_order(files):
    """pw.x's test-suite order within a folder: NAME.in before NAME-1.in, NAME-2.in (which read its density)."""
    def key(f):
        m = ORDER_FIRST.match(f)
        return (m.group(1), int(m.group(2)[1:])) if m else (f[:-3], 0)
    return sorted(files, key=key)


def benchmark_of(folder, name):
    for f in os.listdir(folder):
        if f.startswith("benchmark.out") and f.endswith("inp=" + name):
            return os.path.join(folder, f)
    return None


# ---------------------------------------------------------------------------------------------
# pw.x output


def parse_pw(text):
    """Final figures of a pw.x output (None where absent)."""
    r = {"version": None, "energy_ry": None, "forces": None, "stress_kbar": None, "fermi_ev": None,
         "mtot": None, "mabs": None, "nat": None, "bands": None, "error": None}
    m = re.search(r"Program PWSCF (v\.\S+)", text)
    r["version"] = m.group(1) if m else None
    m = re.search(r"number of atoms/cell\s*=\s*(\d+)", text)
    r["nat"] = int(m.group(1)) if m else None
    e = re.findall(r"^!!?\s+total energy\s+=\s+(-?\d+\.\d+)\s+Ry", text, re.M)
    if e:
        r["energy_ry"] = float(e[-1])
    blocks = text.split("Forces acting on atoms")
    if len(blocks) > 1:
        f = re.findall(r"atom\s+\d+\s+type\s+\d+\s+force\s+=\s+(\S+)\s+(\S+)\s+(\S+)", blocks[-1].split("Total force")[0])
        if f:
            r["forces"] = [[float(x) for x in row] for row in f]
    s = re.findall(r"total\s+stress\s+\(Ry/bohr\*\*3\)\s+\(kbar\)\s+P=\s*\S+\n(.*)\n(.*)\n(.*)\n", text)
    if s:
        rows = s[-1]
        r["stress_kbar"] = [[float(x) for x in row.split()[3:6]] for row in rows]
    m = re.findall(r"the Fermi energy is\s+(-?\d+\.\d+)\s+ev", text)
    m2 = re.findall(r"highest occupied(?:, lowest unoccupied)? level \(ev\):\s+(-?\d+\.\d+)", text)
    if m:
        r["fermi_ev"] = float(m[-1])
    elif m2:
        r["fermi_ev"] = float(m2[-1])
    mt = re.findall(r"total magnetization\s+=\s+(-?\d+\.\d+)", text)
    ma = re.findall(r"absolute magnetization\s+=\s+(-?\d+\.\d+)", text)
    if mt:
        r["mtot"] = float(mt[-1])
    if ma:
        r["mabs"] = float(ma[-1])
    tail = text.split("End of band structure calculation")
    if len(tail) > 1:
        bands = []
        for blk in re.split(r"\n\s+k =", tail[-1])[1:]:
            body = blk.split("bands (ev):", 1)
            if len(body) < 2:
                continue
            nums = []
            for line in body[1].strip().split("\n"):
                if not line.strip():
                    if nums:
                        break
                    continue
                vals = re.findall(r"-?\d+\.\d+", line)
                if not vals:
                    break
                nums += [float(v) for v in vals]
            bands.append(nums)
        r["bands"] = bands or None
    m = re.search(r"Error in routine (\S+) \(\s*\d+\s*\):\s*\n\s*(.*)", text)
    if m:
        r["error"] = f"{m.group(1)}: {m.group(2).strip()}"
    return r


# ---------------------------------------------------------------------------------------------
# inputs


def input_facts(path, pseudo):
    text = open(path, errors="replace").read()
    low = re.sub(r"!.*", "", text.lower())
    calc = re.search(r"calculation\s*=\s*['\"]([a-z-]+)['\"]", low)
    calc = calc.group(1) if calc else "scf"
    noncol = bool(re.search(r"noncolin\s*=\s*\.?t", low) or re.search(r"lspinorb\s*=\s*\.?t", low))
    names = []
    m = re.search(r"^\s*atomic_species.*$", low, re.M)
    if m:
        nt = re.search(r"ntyp\s*=\s*(\d+)", low)
        lines = [l for l in text[m.end():].split("\n") if l.strip() and not l.strip().startswith(("!", "#"))]
        for l in lines[: int(nt.group(1)) if nt else 0]:
            parts = l.split()
            if len(parts) >= 3:
                names.append(parts[2])
    kinds = []
    for n in names:
        p = os.path.join(pseudo, n)
        if not os.path.exists(p):
            kinds.append("missing")
            continue
        head = open(p, errors="replace").read(65536)
        if "<PP_PAW" in head or 'pseudo_type="PAW"' in head:
            kinds.append("PAW")
        elif 'pseudo_type="US"' in head or "<PP_QIJ>" in head or re.search(r"<PP_HEADER>\s*\n.*\n.*\n\s*US\b", head):
            kinds.append("US")
        else:
            kinds.append("NC")
    cls = "noncollinear" if noncol else ("NC" if kinds and all(k == "NC" for k in kinds) else
                                          "missing" if "missing" in kinds else "US/PAW")
    m = re.search(r"press_conv_thr\s*=\s*([0-9.eEdD+-]+)", low)
    press_thr = float(m.group(1).replace("d", "e")) if m else 0.5   # kbar, pw.x's default
    return {"calc": calc, "class": cls, "pseudos": names, "kinds": kinds, "press_conv_thr": press_thr}


def tolerances(facts):
    """The tolerances of an input: issue 15's, but for the final stress of a vc-relax, which each code
    leaves anywhere within press_conv_thr of the target pressure (both stop there), twice that."""
    tol = dict(TOL)
    if facts["calc"] == "vc-relax":
        tol["stress"] = max(TOL["stress"], 2 * facts["press_conv_thr"])
    return tol


def run(cmd, cwd, env, timeout, log):
    t0 = time.time()
    try:
        with open(log, "w") as f:
            p = subprocess.run(cmd, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    return rc, time.time() - t0


def run_lodestone(exe, inp, facts, cwd, env, timeout, threads):
    name = os.path.basename(inp)
    js = os.path.join(cwd, name + ".json")
    if os.path.exists(js):
        os.remove(js)
    cmd = ["nice", "-n", "10", exe, "relax" if facts["calc"] in ("relax", "vc-relax") else "scf", inp,
           "--json", js, "--threads", str(threads)]
    if facts["calc"] not in ("relax", "vc-relax"):
        cmd += ["--checkpoint", "none"]
    log = os.path.join(cwd, name + ".lodestone.log")
    rc, wall = run(cmd, cwd, env, timeout, log)
    out = {"rc": rc, "wall": wall, "json": None, "message": ""}
    if os.path.exists(js):
        try:
            out["json"] = json.load(open(js))
        except ValueError:
            pass
    text = open(log, errors="replace").read()
    err = [l for l in text.split("\n") if "error:" in l]
    out["message"] = err[-1].split("error:", 1)[1].strip() if err else ""
    return out


def tight_copy(inp, cwd, factor=1e-4):
    """A copy of inp in cwd with conv_thr divided by 1/factor (pw.x's default 1e-6 Ry when absent)."""
    text = open(inp).read()
    m = re.search(r"(conv_thr\s*=\s*)([0-9.eEdD+-]+)", text, re.I)
    if m:
        thr = float(m.group(2).lower().replace("d", "e")) * factor
        text = text[:m.start()] + f"{m.group(1)}{thr:.3e}" + text[m.end():]
    else:
        text = re.sub(r"(&electrons)", rf"\1\n conv_thr = {1e-6 * factor:.3e}", text, count=1, flags=re.I)
    out = os.path.join(cwd, os.path.basename(inp)[:-3] + "-tight.in")
    with open(out, "w") as f:
        f.write(text)
    return out


def run_pw(inp, cwd, env, timeout, cache):
    """pw.x 6.7 on inp in cwd (the folder's own scratch, for nscf/bands); cached by input name."""
    name = os.path.basename(inp)
    out = os.path.join(cache, name + ".pw67.out")
    if os.path.exists(out) and os.path.getsize(out) > 0 and "JOB DONE" in open(out, errors="replace").read():
        return parse_pw(open(out, errors="replace").read()), "cached"
    e = dict(env, OMP_NUM_THREADS="1")
    rc, wall = run(["nice", "-n", "10", "pw.x", "-in", inp], cwd, e, timeout, out)
    return parse_pw(open(out, errors="replace").read()), rc


# ---------------------------------------------------------------------------------------------
# comparison


def lodestone_figures(js, calc):
    if js is None:
        return None
    f = {"energy_ry": js.get("energy_eV") / RY_EV if js.get("energy_eV") is not None else None,
         "forces": None, "stress_kbar": None, "fermi_ev": None, "mtot": js.get("total_magnetization_muB"),
         "mabs": js.get("absolute_magnetization_muB"), "bands": None}
    if calc in ("nscf", "bands"):
        f["energy_ry"] = None
    fo = js.get("forces_eV_per_A")
    if fo:
        f["forces"] = [[x / RY_BOHR_EV_A for x in row] for row in fo]
    st = js.get("stress_GPa")
    if st:
        f["stress_kbar"] = [[-10.0 * x for x in row] for row in st]   # ASE's sign -> pw.x's, GPa -> kbar
    f["fermi_ev"] = js.get("fermi_eV")   # the highest occupied level for fixed occupations
    if calc == "bands":
        f["fermi_ev"] = None
    kp = js.get("kpoints")
    if kp and calc in ("nscf", "bands"):
        f["bands"] = [k.get("eigenvalues_eV") or (k.get("eigenvalues_up_eV", []) + k.get("eigenvalues_down_eV", []))
                      for k in kp]
    return f


def diff(ls, ref, nat, calc="scf"):
    """Differences lodestone - reference for every figure both have (for relaxations: the final energy
    and stress, those of pw.x's final scf; its printed Fermi levels are of intermediate steps)."""
    d = {}
    if ls is None or ref is None:
        return d
    if calc in ("relax", "vc-relax"):
        ls = dict(ls, fermi_ev=None, mtot=None, mabs=None, bands=None)
    if ls["energy_ry"] is not None and ref["energy_ry"] is not None and nat:
        d["energy"] = (ls["energy_ry"] - ref["energy_ry"]) * RY_EV * 1000 / nat
    if ls["forces"] and ref["forces"] and len(ls["forces"]) == len(ref["forces"]):
        d["force"] = max(abs(a - b) for ra, rb in zip(ls["forces"], ref["forces"]) for a, b in zip(ra, rb)) * RY_BOHR_EV_A * 1000
    if ls["stress_kbar"] and ref["stress_kbar"]:
        d["stress"] = max(abs(a - b) for ra, rb in zip(ls["stress_kbar"], ref["stress_kbar"]) for a, b in zip(ra, rb))
    if ls["fermi_ev"] is not None and ref["fermi_ev"] is not None:
        d["fermi"] = (ls["fermi_ev"] - ref["fermi_ev"] / RY_EV_QE * RY_EV) * 1000
    for k in ("mtot", "mabs"):
        if ls[k] is not None and ref[k] is not None:
            d[k] = ls[k] - ref[k]
    if ls["bands"] and ref["bands"] and len(ls["bands"]) == len(ref["bands"]):
        m = 0.0
        for a, b in zip(ls["bands"], ref["bands"]):
            for x, y in zip(a, b):
                m = max(m, abs(x - y / RY_EV_QE * RY_EV))
        d["bands"] = m * 1000
    return d


def within(d, tol=TOL):
    for k, v in d.items():
        t = tol["mag"] if k in ("mtot", "mabs") else tol[k]
        if abs(v) > t:
            return False
    return True


def fmt(d, k):
    if k not in d:
        return "-"
    v = d[k]
    return f"{v:+.3f}" if k in ("mtot", "mabs") else f"{v:+.4f}" if abs(v) < 10 else f"{v:+.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lodestone", default=os.path.join(ROOT, "build", "lodestone"))
    ap.add_argument("--only", help="regular expression on folder/input names")
    ap.add_argument("--no-pw", action="store_true", help="do not run pw.x 6.7")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per run (default 3600)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--work", default=None, help="scratch folder (default: a new one under $TMPDIR)")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    a = ap.parse_args()
    suite = os.path.join(shared_dir(), "reference", "qe-testsuite")
    pseudo = os.path.join(suite, "pseudo")
    if not os.path.isdir(suite):
        sys.exit(f"run.py: {suite} not found: set LODESTONE_SHARED to the shared folder")
    if not os.access(a.lodestone, os.X_OK):
        sys.exit(f"run.py: {a.lodestone} not found: build it with make")
    have_pw = not a.no_pw and shutil.which("pw.x") is not None
    work = a.work or os.path.join(os.environ.get("TMPDIR", "/tmp"), f"qe-testsuite-{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, ESPRESSO_PSEUDO=pseudo, OMP_NUM_THREADS=str(a.threads))
    env.pop("ESPRESSO_TMPDIR", None)
    rows = []
    t_start = time.time()
    load0 = os.getloadavg()
    for folder in sorted(d for d in os.listdir(suite) if d.startswith("pw_")):
        fdir = os.path.join(suite, folder)
        names = suite_order([f for f in os.listdir(fdir) if f.endswith(".in") and not f.startswith("benchmark")])
        wdir, pwdir = os.path.join(work, folder, "lodestone"), os.path.join(work, folder, "pw")
        os.makedirs(wdir, exist_ok=True)
        os.makedirs(pwdir, exist_ok=True)
        for name in names:
            if a.only and not re.search(a.only, f"{folder}/{name}"):
                continue
            inp = os.path.join(fdir, name)
            facts = input_facts(inp, pseudo)
            bfile = benchmark_of(fdir, name)
            bench = parse_pw(open(bfile, errors="replace").read()) if bfile else None
            res = run_lodestone(a.lodestone, inp, facts, wdir, env, a.timeout, a.threads)
            rc = res["rc"]
            row = {"input": f"{folder}/{name}", "class": facts["class"], "calc": facts["calc"],
                   "nat": bench["nat"] if bench else None, "bench_version": bench["version"] if bench else None,
                   "rc": rc, "wall": res["wall"], "message": res["message"], "d_bench": {}, "d_pw": {}, "d_pw_bench": {}}
            if rc == 2:
                named = bool(re.search(r"\.in:\d+:", res["message"])) or bool(re.search(r":\d+: ", res["message"]))
                row["outcome"] = "refused" if named else "FAILED (exit 2 without the line)"
            elif rc in (0, 1) and res["json"] is not None:
                calc = facts["calc"]
                tol = tolerances(facts)
                ls = lodestone_figures(res["json"], calc)
                row["d_bench"] = diff(ls, bench, row["nat"], calc)
                ok_bench = within(row["d_bench"], tol) and bool(row["d_bench"])
                pw = conv = None
                if have_pw and not ok_bench:
                    pw, _ = run_pw(inp, pwdir, env, a.timeout, os.path.join(work, folder))
                    row["pw_version"] = pw["version"]
                    row["d_pw"] = diff(ls, pw, row["nat"], calc)
                    row["d_pw_bench"] = diff(pw, bench, row["nat"], calc)
                    # Eigenvalues (Fermi level, highest occupied level) converge only linearly with the
                    # SCF: where only they differ, pw.x 6.7 to a 1e4 times tighter conv_thr tells whose.
                    eig_only = all(k in ("fermi", "bands") for k, v in row["d_bench"].items()
                                   if abs(v) > (tol["mag"] if k in ("mtot", "mabs") else tol[k]))
                    if eig_only and calc == "scf":
                        conv, _ = run_pw(tight_copy(inp, pwdir), pwdir, env, a.timeout, os.path.join(work, folder))
                        row["d_conv"] = diff(ls, conv, row["nat"], calc)
                        row["d_bench_conv"] = diff(bench, conv, row["nat"], calc)
                if rc == 1:
                    row["outcome"] = "FAILED (exit 1)"
                elif ok_bench:
                    row["outcome"] = "agree"
                elif pw and row["d_pw"] and within(row["d_pw"], tol) and not within(row["d_pw_bench"], tol):
                    row["outcome"] = "agree-6.7"
                elif conv and row["d_conv"] and within(row["d_conv"], tol) and not within(row["d_bench_conv"], tol):
                    row["outcome"] = "agree-converged"
                else:
                    row["outcome"] = "DIFFERS" if row["d_bench"] else "DIFFERS (nothing to compare)"
            elif rc == "timeout":
                row["outcome"] = "FAILED (timeout)"
            else:
                row["outcome"] = f"FAILED (exit {rc})"
            rows.append(row)
            d = row["d_bench"]
            print(f"{row['input']:<52} {row['class']:<12} {row['outcome']:<16} dE {fmt(d, 'energy'):>9} "
                  f"dF {fmt(d, 'force'):>8} dS {fmt(d, 'stress'):>8} dEf {fmt(d, 'fermi'):>8} "
                  f"dM {fmt(d, 'mtot'):>7} dB {fmt(d, 'bands'):>8} {row['wall']:6.1f}s"
                  + (f"  | {row['message'][:150]}" if row["outcome"].startswith(("refused", "FAILED")) else ""),
                  flush=True)
    write_report(a, rows, time.time() - t_start, load0, os.getloadavg())


def totals(rows):
    t = {}
    for r in rows:
        c = t.setdefault(r["class"], {})
        o = r["outcome"].split(" ")[0]
        c[o] = c.get(o, 0) + 1
    return t


def write_report(a, rows, wall, load0, load1):
    t = totals(rows)
    out = []
    out.append("# Quantum ESPRESSO's pw.x test-suite run with Lodestone\n")
    out.append(f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
               f"commit {provenance.git_description(ROOT, ['validation/qe-testsuite/results.md'])}; "
               f"CPU {provenance.cpu_model()}; {a.threads} thread(s) per run; wall {wall / 60:.1f} min; "
               f"load average {load0[0]:.2f} at the start, {load1[0]:.2f} at the end (shared machine).")
    out.append("- Command: `validation/qe-testsuite/run.py" + (f" --only '{a.only}'" if a.only else "") +
               (" --no-pw" if a.no_pw else "") + "`; inputs and benchmarks: `../shared/reference/qe-testsuite/` "
               "(QEF/q-e test-suite, GPL-2.0; its README).")
    out.append(f"- Tolerances (Lodestone minus reference): energy {TOL['energy']} meV/atom, forces {TOL['force']} "
               f"meV/Å, stress {TOL['stress']} kbar (after a vc-relax, twice its press_conv_thr: each code stops anywhere "
               f"within press_conv_thr of the target pressure), Fermi level / highest occupied level {TOL['fermi']} meV, "
               f"magnetisation {TOL['mag']} μB, band energies {TOL['bands']} meV.  'agree-6.7': agrees with pw.x 6.7 "
               "run here where the benchmark's pw.x version differs from 6.7 by more than the tolerance (both shown).\n")
    out.append("## Totals\n")
    out.append("| class | inputs | agree | agree-6.7 | agree-converged | refused | DIFFERS | FAILED |")
    out.append("|---|---|---|---|---|---|---|---|")
    for cls in sorted(t):
        c = t[cls]
        n = sum(c.values())
        out.append(f"| {cls} | {n} | {c.get('agree', 0)} | {c.get('agree-6.7', 0)} | {c.get('agree-converged', 0)} | "
                   f"{c.get('refused', 0)} | {c.get('DIFFERS', 0)} | {c.get('FAILED', 0)} |")
    nc = t.get("NC", {})
    n_nc = sum(nc.values())
    ok = nc.get("agree", 0) + nc.get("agree-6.7", 0) + nc.get("agree-converged", 0)
    if n_nc:
        out.append(f"\nNorm-conserving inputs with every pseudopotential present: {ok} of {n_nc} run and agree "
                   f"({100.0 * ok / n_nc:.1f} %).")
    out.append("\n## Inputs\n")
    out.append("| input | class | calculation | outcome | ΔE meV/atom | ΔF meV/Å | Δσ kbar | ΔE_F meV | ΔM μB | Δbands meV "
               "| vs pw.x 6.7 (ΔE, ΔE_F) | benchmark − 6.7 (ΔE, ΔE_F) | vs converged 6.7, benchmark − converged (ΔE_F) "
               "| wall s | message |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        d, p, pb = r["d_bench"], r["d_pw"], r["d_pw_bench"]
        vs = f"{fmt(p, 'energy')}, {fmt(p, 'fermi')}" if p else ""
        bv = f"{fmt(pb, 'energy')}, {fmt(pb, 'fermi')} ({r.get('bench_version')} vs {r.get('pw_version')})" if pb else ""
        cv = f"{fmt(r['d_conv'], 'fermi')}, {fmt(r['d_bench_conv'], 'fermi')}" if r.get("d_conv") else ""
        msg = r["message"].replace("|", "\\|")
        msg = re.sub(r"\S*/reference/qe-testsuite/", "", msg)
        out.append(f"| {r['input']} | {r['class']} | {r['calc']} | {r['outcome']} | {fmt(d, 'energy')} | "
                   f"{fmt(d, 'force')} | {fmt(d, 'stress')} | {fmt(d, 'fermi')} | {fmt(d, 'mtot')} | {fmt(d, 'bands')} | "
                   f"{vs} | {bv} | {cv} | {r['wall']:.1f} | {msg if r['outcome'] != 'agree' else ''} |")
    text = "\n".join(out) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print()
    for cls in sorted(t):
        print(f"{cls:<14} " + ", ".join(f"{k} {v}" for k, v in sorted(t[cls].items())))
    if n_nc:
        print(f"NC inputs that run and agree: {ok} of {n_nc} ({100.0 * ok / n_nc:.1f} %)")
    print(f"written {a.out}")


if __name__ == "__main__":
    main()
