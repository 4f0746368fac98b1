#!/usr/bin/env python3
"""Time pw.x and `lodestone scf` on the same inputs, in the same session, one after the other.

For each system (default: all six reference inputs, si64 included) and each thread count (1 and 2):
pw.x serial or `mpirun -np 2` with OMP_NUM_THREADS=1, then lodestone with --threads N and OMP_NUM_THREADS=N,
repeated --repeat times (interleaved) keeping the minimum wall time. Also reports whether both converged and
agree in energy, so that speed is compared at equal accuracy. Writes validation/qe/bench.md.
Usually started through bench.sh, which installs pw.x if needed. Standard library only.
"""
import argparse
import datetime
import math
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True   # keep validation/qe free of __pycache__
import qe_common as qc  # noqa: E402

AGREE_MEV_PER_ATOM = 0.1   # the energy tolerance of compare.py


def pw_version(log_path):
    try:
        with open(log_path, errors="replace") as f:
            m = re.search(r"Program PWSCF (\S+) starts", f.read())
        return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("systems", nargs="*", help="systems (default: all reference inputs)")
    ap.add_argument("--threads", type=int, choices=(1, 2), help="only this thread count (default: 1 and 2)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="run each N times, keep the minimum")
    ap.add_argument("--lodestone", default=os.path.join(qc.PROJECT_ROOT, "build", "lodestone"),
                    help="the lodestone binary (default: build/lodestone of this checkout)")
    ap.add_argument("--pw-only", action="store_true", help="time pw.x only (lodestone columns left empty)")
    ap.add_argument("--pw-args", default="", help="extra pw.x arguments, e.g. '-nd 1'")
    ap.add_argument("--no-pools", action="store_true",
                    help="with 2 processes, let pw.x split plane waves (its default) instead of k-point pools")
    ap.add_argument("--scratch", help="work folder (default: a new /tmp folder)")
    ap.add_argument("--results", help="result file (default: validation/qe/bench.md; '-' for none)")
    ap.add_argument("--dry-run", action="store_true", help="print the commands only")
    a = ap.parse_args()
    if a.repeat < 1:
        qc.die("--repeat must be at least 1")

    systems = qc.select_systems(a.systems)
    threads = [a.threads] if a.threads else [1, 2]
    exe = os.path.abspath(a.lodestone)
    if not a.pw_only and not a.dry_run and not os.access(exe, os.X_OK):
        qc.die(f"{exe} not found or not executable: build it with 'make' in {qc.PROJECT_ROOT}, give "
               f"--lodestone PATH, or time pw.x alone with --pw-only")
    if not shutil.which("pw.x") and not a.dry_run:
        qc.die("pw.x not found: run bench.sh (installs Debian's quantum-espresso as root) or "
               "'sudo apt-get install quantum-espresso'")
    pw_args = a.pw_args.split()
    results_path = os.path.join(qc.HERE, "bench.md") if a.results is None else (None if a.results == "-"
                                                                                 else a.results)
    scratch = qc.make_scratch(a.scratch, "lodestone-bench-")
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = qc.machine_description()
    print(f"scratch: {scratch}")

    rows, pwver = [], "unknown"
    for s in systems:
        ref = qc.load_reference(s)
        for n in threads:
            d_pw = os.path.join(scratch, f"{s}-t{n}", "pw")
            d_lo = os.path.join(scratch, f"{s}-t{n}", "lodestone")
            inp_pw = qc.prepare_input(s, d_pw)
            inp_lo = qc.prepare_input(s, d_lo)
            nat = qc.n_atoms(inp_pw)
            run_args = pw_args + pool_args(n, ref, pw_args, a.no_pools)
            if a.dry_run:
                pre = qc.mpirun_prefix(n) or []
                print(f"cd {d_pw} && OMP_NUM_THREADS=1 nice {' '.join(pre + ['pw.x'] + run_args)} -in {s}.in")
                if not a.pw_only:
                    print(f"cd {d_lo} && OMP_NUM_THREADS={n} nice {exe} scf {s}.in --json {s}.json --threads {n}")
                continue
            pw_runs, lo_runs = [], []
            for r in range(a.repeat):
                print(f"{s}, {n} thread(s), run {r + 1}/{a.repeat}: pw.x ...", end="", flush=True)
                p = qc.run_pwx(inp_pw, n, run_args)
                pw_runs.append(p)
                print(f" {p['wall_s']:.1f} s" if p["wall_s"] is not None else f" {p['error']}", end="", flush=True)
                if p["wall_s"] is not None:
                    pwver = pw_version(p["log_path"])
                if not a.pw_only:
                    print(", lodestone ...", end="", flush=True)
                    lo = qc.run_lodestone(exe, inp_lo, n)
                    lo_runs.append(lo)
                    print(f" {lo['wall_s']:.1f} s ({lo['status']})", end="")
                print(flush=True)
            rows.append(summarise(s, nat, n, ref, pw_runs, lo_runs))
            rows[-1]["pw_mode"] = "serial" if n == 1 else f"mpirun -np {n} " + (" ".join(run_args) or "(R&G)")
    if a.dry_run:
        return 0

    head_t = ["system", "atoms", "threads", "pw.x run", "pw.x s", "lodestone s", "lo/pw", "pw.x SCF", "lodestone SCF",
              "dE lo-pw meV/atom", "equal accuracy", "dE pw-ref meV/atom"]
    head_m = ["system", "atoms", "threads", "pw.x run", "pw.x (s)", "lodestone (s)", "lodestone / pw.x", "pw.x SCF",
              "lodestone SCF", "ΔE lodestone − pw.x (meV/atom)", "equal accuracy", "ΔE pw.x − reference (meV/atom)"]
    table = [[r[k] for k in ("system", "nat", "threads", "pw_mode", "pw", "lo", "ratio", "pw_conv", "lo_conv", "de",
                             "agree", "de_ref")] for r in rows]
    summary = []
    for n in threads:
        ratios = [r["ratio_value"] for r in rows if r["threads"] == n and r["ratio_value"] and r["agree"] == "yes"]
        if ratios:
            gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
            summary.append(f"{n} thread(s): geometric mean of lodestone/pw.x over {len(ratios)} system(s) at "
                           f"equal accuracy: {gm:.2f}")
    print()
    print("\n".join(qc.format_table(head_t, table)))
    print("\n".join(summary))

    if results_path:
        version = "not run (--pw-only)" if a.pw_only else f"`{qc.repo_path(exe)}`, {qc.program_version(exe)}"
        md = ["# Lodestone vs Quantum ESPRESSO 6.7: wall time", "",
              f"- date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
              f"- git commit: {qc.git_description()}",
              f"- lodestone: {version}",
              f"- pw.x: {shutil.which('pw.x')}, PWSCF {pwver}" + (f", extra arguments `{a.pw_args}`" if pw_args else "")]
        md += ["- " + m for m in machine]
        try:
            md += ["- load average (1/5/15 min) at the end: " + " / ".join(f"{x:.2f}" for x in os.getloadavg())]
        except OSError:
            pass
        tuning = [f"{k}={os.environ[k]}" for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND",
                                                   "OMP_PLACES") if k in os.environ]
        md += [f"- environment: {' '.join(tuning) if tuning else 'no OpenMP tuning variables set'}"]
        md += [f"- command: `{' '.join(['validation/qe/bench.py'] + sys.argv[1:])}`",
               f"- minimum wall time of {a.repeat} run(s) each, pw.x and lodestone interleaved, both under `nice`",
               "- 1 thread: pw.x serial, lodestone `--threads 1`; 2 threads: `mpirun -np 2 pw.x` with "
               "OMP_NUM_THREADS=1 (k-point pools `-nk 2` when there are at least 2 irreducible k-points, else "
               "plane-wave (R&G) division), lodestone `--threads 2` with OMP_NUM_THREADS=2; "
               "OPENBLAS_NUM_THREADS equals the thread count", "",
               *qc.markdown_table(head_m, table), "",
               f"Equal accuracy: both SCFs converged and |ΔE| ≤ {AGREE_MEV_PER_ATOM} meV/atom (pw.x energy from its XML "
               "file, Ha × 27.211386245988). The last column checks that this pw.x reproduces the reference JSON. "
               "Timings on a shared machine are noisy: compare ratios from the same session only.", ""]
        md += [f"- {x}" for x in summary] + [""]
        with open(results_path, "w") as f:
            f.write("\n".join(md))
        print(f"wrote {results_path}")
    bad = [r for r in rows if r["pw_conv"] != "converged" or (not a.pw_only and r["agree"] != "yes")]
    return 1 if bad else 0


def pool_args(n, ref, pw_args, no_pools):
    """k-point pools for n MPI processes: QE's recommended first level of parallelism, and on a loaded
    machine far less sensitive than the plane-wave division, whose many small all-to-alls stall whenever
    one process is descheduled (si2: 35 s with R&G, 7 s with -nk 2, 5.7 s serial, load 7 on 2 cores)."""
    if n < 2 or no_pools or any(x in ("-nk", "-npool", "-npools", "-nkpools") for x in pw_args):
        return []
    return ["-nk", str(n)] if ref.get("n_kpoints_irreducible", 1) >= n else []


def summarise(s, nat, n, ref, pw_runs, lo_runs):
    """One table row from the repeated runs of one system and thread count."""
    def tmin(runs, ok):
        t = [x["wall_s"] for x in runs if x.get("wall_s") is not None and ok(x)]
        return min(t) if t else None
    pw_ok = all(x["converged"] for x in pw_runs)
    pw_t = tmin(pw_runs, lambda x: x["converged"])
    pw_e = pw_runs[-1]["energy_eV"]
    row = {"system": s, "nat": nat, "threads": n,
           "pw": "-" if pw_t is None else f"{pw_t:.2f}",
           "pw_conv": "converged" if pw_ok else (pw_runs[-1]["error"] or "not converged"),
           "de_ref": "-" if pw_e is None else f"{(pw_e - ref['energy_eV']) / nat * 1e3:+.5f}",
           "lo": "-", "ratio": "-", "ratio_value": None, "lo_conv": "-", "de": "-", "agree": "-"}
    if lo_runs:
        lo_ok = all(x["rc"] == 0 for x in lo_runs)
        lo_t = tmin(lo_runs, lambda x: x["rc"] == 0)
        lo_data = lo_runs[-1]["data"]
        lo_e = lo_data.get("energy_eV") if lo_data else None
        row["lo_conv"] = "converged" if lo_ok else lo_runs[-1]["status"]
        if lo_t is not None:
            row["lo"] = f"{lo_t:.2f}"
        if lo_t is not None and pw_t:
            row["ratio_value"] = lo_t / pw_t
            row["ratio"] = f"{lo_t / pw_t:.2f}"
        if lo_e is not None and pw_e is not None:
            de = (lo_e - pw_e) / nat * 1e3
            row["de"] = f"{de:+.5f}"
            row["agree"] = "yes" if pw_ok and lo_ok and abs(de) <= AGREE_MEV_PER_ATOM else "no"
        else:
            row["agree"] = "no"
    return row


if __name__ == "__main__":
    sys.exit(main())
