#!/usr/bin/env python3
"""MPI speed-up of `lodestone scf` on the Quantum ESPRESSO reference inputs: 1 process and N processes.

For each system (default: fe-bcc and si64; any reference input can be named) the same MPI build runs
`lodestone scf NAME.in --threads 1` as one process and under `mpirun -np N` (N = 2 by default), one
OpenMP thread per process, one after the other, repeated --repeat times (interleaved) keeping the
minimum wall time. Prints the energies (and whether they are identical to 1e-8 eV/atom), the pools
chosen, the time the processes spent in MPI collectives, and the speed-up; writes
validation/qe/mpi_speedup.md. Standard library only; usually started through mpi_speedup.sh.

fe-bcc has 2 spins x 29 k-points: the processes split the (spin, k-point) pairs into pools (level 1).
si64 has the Gamma point only: one pool of N processes sharing the bands (level 2). si64 takes about
1.5 min on one core: run it on a quiet machine, once.
"""
import argparse
import datetime
import os
import re
import sys

sys.dont_write_bytecode = True   # keep validation/qe free of __pycache__
import qe_common as qc  # noqa: E402

E_TOL_EV_PER_ATOM = 1e-8
LEGEND = ("speed-up: wall time of 1 process / N processes (SCF speed-up: the SCF part only). CPU 1 proc: its CPU "
          "time; CPU/proc N: the largest CPU time of the N processes outside MPI calls; work speed-up: their "
          "ratio, the speed-up on otherwise idle cores with communication left out (on a loaded machine the wall "
          "times mostly measure the other jobs). in MPI: the largest wall time a process spent in MPI collectives "
          "(communication and waiting for the others). identical: |dE| <= 1e-8 eV/atom.")


def log_figures(log_path):
    """From a lodestone log: the 'parallel:' layout, rank 0's CPU seconds, and with MPI the largest CPU
    seconds of a process outside MPI and the largest wall seconds in MPI collectives."""
    out = {"par": "", "cpu": None, "cpu_max": None, "comm": None}
    try:
        with open(log_path, errors="replace") as f:
            text = f.read()
    except OSError:
        return out
    m = re.search(r"^parallel: (.*)$", text, re.M)
    if m:
        out["par"] = m.group(1)
    m = re.search(r"^time: total [\d.]+ s wall, ([\d.]+) s CPU", text, re.M)
    if m:
        out["cpu"] = float(m.group(1))
    m = re.search(r"^time: MPI: [\d.]+ to ([\d.]+) s CPU per process outside MPI; up to ([\d.]+) s wall", text, re.M)
    if m:
        out["cpu_max"], out["comm"] = float(m.group(1)), float(m.group(2))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("systems", nargs="*", help="systems (default: fe-bcc si64)")
    ap.add_argument("--np", type=int, default=2, help="MPI processes of the parallel run (default 2)")
    ap.add_argument("--pools", type=int, help="--pools for the parallel run (default: lodestone's choice)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N", help="run each N times, keep the minimum")
    ap.add_argument("--lodestone", default=os.path.join(qc.PROJECT_ROOT, "build", "mpi", "lodestone"),
                    help="an MPI build (default: build/mpi/lodestone, made by 'make MPI=1 BUILD=build/mpi')")
    ap.add_argument("--scratch", help="work folder (default: a new /tmp folder)")
    ap.add_argument("--results", help="result file (default: validation/qe/mpi_speedup.md; '-' for none)")
    ap.add_argument("--dry-run", action="store_true", help="print the commands only")
    a = ap.parse_args()
    if a.repeat < 1 or a.np < 2:
        qc.die("--repeat must be at least 1 and --np at least 2")
    systems = qc.select_systems(a.systems or ["fe-bcc", "si64"])
    exe = os.path.abspath(a.lodestone)
    if not a.dry_run and not os.access(exe, os.X_OK):
        qc.die(f"{exe} not found: build it with 'make MPI=1 BUILD=build/mpi' in {qc.PROJECT_ROOT}")
    pre = qc.mpirun_prefix(a.np)
    if pre is None:
        qc.die("mpirun not found (apt-get install openmpi-bin)")
    scratch = qc.make_scratch(a.scratch, "lodestone-mpi-speedup-")
    started = datetime.datetime.now(datetime.timezone.utc)
    header_lines = [f"date: {started:%Y-%m-%d %H:%M} UTC", f"git commit: {qc.git_description()}",
                    f"lodestone: `{qc.repo_path(exe)}`, {qc.program_version(exe) if not a.dry_run else '?'}"]
    header_lines += qc.machine_description()
    print("\n".join(header_lines) + f"\nscratch: {scratch}")

    extra = ["--threads", "1"]
    par_extra = extra + (["--pools", str(a.pools)] if a.pools else [])
    rows, md_rows, all_ok = [], [], True
    for name in systems:
        work = os.path.join(scratch, name)
        inp = qc.prepare_input(name, work)
        n_atom = qc.n_atoms(inp)
        best = {1: None, a.np: None}
        for rep in range(a.repeat):
            for nproc in (1, a.np):
                cmd_pre = ["nice"] + (pre if nproc > 1 else [])
                cmd = cmd_pre + [exe, "scf", os.path.basename(inp), "--json", f"{name}.np{nproc}.json"] + \
                      (par_extra if nproc > 1 else extra)
                if a.dry_run:
                    print(" ".join(cmd))
                    continue
                log = os.path.join(work, f"{name}.np{nproc}.log")
                print(f"{name}: {nproc} process{'es' if nproc > 1 else ''} (run {rep + 1}/{a.repeat}) ...", flush=True)
                rc, wall = qc.run_timed(cmd, work, qc.thread_env(1), log)
                data = qc.read_json(os.path.join(work, f"{name}.np{nproc}.json"))
                res = {"rc": rc, "wall": wall, "data": data, "log": log}
                res.update(log_figures(log))
                if rc != 0 or data is None:
                    print(f"  failed (exit {rc}), see {log}")
                if best[nproc] is None or (rc == 0 and wall < best[nproc]["wall"]):
                    best[nproc] = res
        if a.dry_run:
            continue
        r1, rn = best[1], best[a.np]
        ok = r1["rc"] == 0 and rn["rc"] == 0 and r1["data"] and rn["data"]
        if ok:
            e1, en = r1["data"]["energy_eV"], rn["data"]["energy_eV"]
            de = abs(e1 - en) / n_atom
            same = de <= E_TOL_EV_PER_ATOM
            speedup = r1["wall"] / rn["wall"]
            scf1 = r1["data"]["timings_s"]["scf"]
            scfn = rn["data"]["timings_s"]["scf"]
            all_ok = all_ok and same
            # The work estimate: CPU of the one process over the CPU of the busiest of N outside MPI
            # (what the speed-up would be on otherwise idle cores, communication costs aside).
            work = f"{r1['cpu'] / rn['cpu_max']:.2f}" if r1["cpu"] and rn["cpu_max"] else "?"
            rows.append([name, n_atom, f"{r1['wall']:.2f}", f"{rn['wall']:.2f}", f"{speedup:.2f}",
                         f"{scf1 / scfn:.2f}", f"{r1['cpu']:.2f}" if r1["cpu"] else "?",
                         f"{rn['cpu_max']:.2f}" if rn["cpu_max"] else "?", work,
                         f"{rn['comm']:.2f}" if rn["comm"] is not None else "?",
                         f"{e1:.8f}", f"{en:.8f}", f"{de:.1e}", "yes" if same else "NO"])
            md_rows.append(rows[-1][:] + [rn["par"]])
        else:
            all_ok = False
            rows.append([name, n_atom, "failed"] + [""] * 11)
            md_rows.append(rows[-1][:] + [""])
    if a.dry_run:
        return 0
    try:
        load_end = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load_end = "unknown"
    head = ["system", "atoms", "1 proc (s)", f"{a.np} procs (s)", "speed-up", "SCF speed-up", "CPU 1 proc (s)",
            f"CPU/proc {a.np} (s)", "work speed-up", "in MPI (s)", "E 1 proc (eV)", f"E {a.np} procs (eV)",
            "|dE|/atom (eV)", "identical"]
    print()
    print("\n".join(qc.format_table(head, rows)))
    print(f"load average (1/5/15 min) at the end: {load_end}")
    print(LEGEND)
    if a.results != "-":
        path = a.results or os.path.join(qc.HERE, "mpi_speedup.md")
        lines = ["# Lodestone MPI speed-up: 1 process vs %d" % a.np, ""]
        lines += [f"- {h}" for h in header_lines]
        lines += [f"- load average (1/5/15 min) at the end: {load_end}",
                  f"- command: `validation/qe/mpi_speedup.sh {' '.join(sys.argv[1:])}`".rstrip(),
                  f"- minimum wall time of {a.repeat} run(s) each, 1 and {a.np} processes interleaved, under `nice`, "
                  f"one OpenMP thread per process (`--threads 1`, OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1)", ""]
        lines += qc.markdown_table([h.replace("|dE|", "\\|ΔE\\|") for h in head] + ["layout"], md_rows)
        lines += ["", LEGEND.replace("|dE|", "\\|ΔE\\|")]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"wrote {path}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
