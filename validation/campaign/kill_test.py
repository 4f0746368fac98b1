#!/usr/bin/env python3
"""Crash safety of `lodestone campaign run` under kill -9 at random moments.

    validation/campaign/kill_test.py --config small_dft.yaml [--kills 20] [--seed 20261207]
                                     [--bin build/lodestone] [--work DIR] [--out FILE.md]

1. The campaign runs once without interruption (the reference), timed.
2. It runs again from scratch in another database and is killed with SIGKILL `--kills` times, at
   moments drawn uniformly from [0.05, 1] of the reference's duration after each start (seeded;
   the seed is printed); after each kill the same command is started again, and finally it runs
   to its end.
3. Compared: the set of done and failed evaluations (candidates), each result (energy per atom
   to 1e-6 eV/atom and mu0*Ms to 1e-4 T: a DFT run resumed from its relaxation checkpoint
   restarts its SCF from the atomic densities, so energies agree within the SCF threshold, not
   bit for bit), every round's proposal (the candidates and their order), and from the run log
   (DB.files/runs.log): no DFT run started again after its result had been recorded; how many
   were resumed after a kill.
Standard library only.
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def fresh(db):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run(["rm", "-rf", db + ".files"], check=True)


def outcome(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    res = {r[0]: r[1:] for r in con.execute(
        "SELECT c.fingerprint, e.state, r.energy_ev_per_atom, r.ms_tesla FROM evaluation e JOIN candidate c ON "
        "c.id = e.candidate_id LEFT JOIN result r ON r.evaluation_id = e.id")}
    props = [tuple(r) for r in con.execute(
        "SELECT p.round_id, p.rank, c.fingerprint FROM proposal p JOIN candidate c ON c.id = p.candidate_id "
        "ORDER BY p.round_id, p.rank")]
    open_states = con.execute(
        "SELECT count(*) FROM evaluation WHERE state IN ('running', 'lost', 'proposed')").fetchone()[0]
    con.close()
    return res, props, open_states


def run_log(db):
    starts, repeated, resumed = {}, 0, 0
    recorded = set()
    path = db + ".files/runs.log"
    for line in open(path) if os.path.exists(path) else []:
        f = line.split()
        if len(f) < 3:
            continue
        what, h = f[1], f[2]
        if what == "start":
            if h in recorded:
                repeated += 1
            elif h in starts:
                resumed += 1
            starts[h] = starts.get(h, 0) + 1
        elif what.startswith("recorded"):
            recorded.add(h)
    return len(starts), sum(starts.values()), resumed, repeated


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "lodestone"))
    ap.add_argument("--work", default="kill-work")
    ap.add_argument("--out", default=None)
    ap.add_argument("--threads", default="2")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    ref = os.path.join(a.work, "reference.db")
    fresh(ref)
    cmd = lambda db: [a.bin, "campaign", "run", a.config, "--db", db, "--threads", a.threads]
    t0 = time.time()
    with open(os.path.join(a.work, "reference.log"), "w") as log:
        rc = subprocess.run(cmd(ref), stdout=log, stderr=log).returncode
    t_ref = time.time() - t0
    if rc != 0:
        sys.exit(f"the reference run exited {rc}")
    print(f"reference run: {t_ref:.1f} s; kill schedule seed {a.seed}", flush=True)
    rng = random.Random(a.seed)
    r_res, r_prop, _ = outcome(ref)
    kills, restarts, instance = 0, 0, 0
    log = open(os.path.join(a.work, "killed.log"), "w")
    lines = [f"# kill -9 test of `{' '.join(cmd('DB'))}`", "",
             f"Reference run: {t_ref:.1f} s, {len(r_res)} evaluations "
             f"({sum(1 for v in r_res.values() if v[0] == 'done')} done), {len(r_prop)} proposals. "
             f"Kill schedule seed {a.seed}: each start of the command is killed after a delay drawn from "
             f"[0.05, 1] of the reference's duration until {a.kills} kills have landed; a database whose "
             "campaign finished before its kill is compared and the next kills go to a fresh one.", "",
             "| database | kills | same evaluations | max dE (eV/atom) | max dMs (T) | same proposals | runs | "
             "resumed after a kill | started again after recorded | left open |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    ok = True
    while kills < a.kills:
        instance += 1
        kdb = os.path.join(a.work, f"killed{instance}.db")
        fresh(kdb)
        kills_here = 0
        while True:
            p = subprocess.Popen(cmd(kdb), stdout=log, stderr=log)
            restarts += 1
            if kills < a.kills:
                delay = rng.uniform(0.05, 1.0) * t_ref
                try:
                    rc = p.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    kills += 1
                    kills_here += 1
                    print(f"  kill {kills} after {delay:.1f} s", flush=True)
                    continue
            else:
                rc = p.wait()
            if rc != 0:
                sys.exit(f"a killed campaign's rerun exited {rc}")
            break
        k_res, k_prop, k_open = outcome(kdb)
        same_set = set(r_res) == set(k_res) and all(r_res[f][0] == k_res[f][0] for f in r_res)
        worst_e = max((abs(r_res[f][1] - k_res[f][1]) for f in r_res if r_res[f][1] is not None and f in k_res
                       and k_res[f][1] is not None), default=0.0)
        worst_ms = max((abs(r_res[f][2] - k_res[f][2]) for f in r_res if r_res[f][2] is not None and f in k_res
                        and k_res[f][2] is not None), default=0.0)
        n_runs, n_starts, resumed, repeated = run_log(kdb)
        good = same_set and worst_e < 1e-6 and worst_ms < 1e-4 and r_prop == k_prop and repeated == 0 and k_open == 0
        ok &= good
        lines.append(f"| {os.path.basename(kdb)} | {kills_here} | {'yes' if same_set else 'NO'} | {worst_e:.1e} | "
                     f"{worst_ms:.1e} | {'yes' if r_prop == k_prop else 'NO'} | {n_runs} ({n_starts} starts) | {resumed} | "
                     f"{repeated} | {k_open} |")
    log.close()
    lines += ["", f"{kills} kills, {restarts} starts of the command. Verdict: {'PASS' if ok else 'FAIL'}."]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        open(a.out, "w").write(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
