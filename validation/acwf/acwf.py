#!/usr/bin/env python3
"""ACWF verification study driver: lodestone eos on the ACWF crystals, compared with the all-electron
reference (Bosoni et al., Nat. Rev. Phys. 6, 45 (2024); protocol in common/testdata/acwf/PROTOCOL.md).

    acwf.py [SYSTEMS ...|--set quick|quick-v1|all] [--work DIR] [--threads N] [--task-id I --n-tasks N]
            [--dry-run] [--results FILE|-] [--report] [--retry-failed] [--rewrite-inputs] [--list]
            [--launcher 'mpirun -np N'] [--lodestone PATH] [--stale-after SECONDS]

For each system, a folder WORK/<system>/ with input.yaml and the XSF, then
    lodestone eos input.yaml --json eos.json --plot eos.svg --checkpoint eos.ckpt --restart
run there (log: eos.log; attempts: run-info.json).  A system with a complete eos.json is skipped, one
with a checkpoint is resumed.  Standard library only; see README.md.

Exit code: 0 every selected system of this task is done; 1 some did not finish (failed, locked by
another process, missing binary); 2 usage error; 3 stopped by SIGTERM/SIGINT (rerun to resume).
"""
import argparse
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import locks  # noqa: E402
import report  # noqa: E402
import systems  # noqa: E402

# scf_state: the state of the SCF under way that lodestone eos saves at a stop, beside its checkpoint.
EOS_FILES = {"json": "eos.json", "plot": "eos.svg", "checkpoint": "eos.ckpt", "scf_state": "eos.ckpt.scf",
             "log": "eos.log", "runinfo": "run-info.json"}
DEFAULT_WORK = os.path.join(systems.HERE, "work")
DEFAULT_RESULTS = os.path.join(systems.HERE, "results.md")


def die(msg, code=2):
    print(f"acwf: {msg}", file=sys.stderr)
    sys.exit(code)


def find_lodestone(given=None):
    """--lodestone, else $LODESTONE_BIN, else <project root>/build/lodestone, else lodestone on PATH."""
    cands = [given, os.environ.get("LODESTONE_BIN"), os.path.join(systems.PROJECT_ROOT, "build", "lodestone")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    from shutil import which
    return which("lodestone")


def has_eos(exe):
    """(True, '') if `exe eos --help` works, else (False, why)."""
    try:
        out = subprocess.run([exe, "eos", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return False, f"cannot run {exe}: {e}"
    if out.returncode == 0:
        return True, ""
    text = (out.stderr + out.stdout).strip().splitlines()
    first = text[0] if text else f"exit code {out.returncode}"
    return False, (f"{exe} has no 'eos' command ({first}). The eos command is being written on branch "
                   f"'eos'; build a lodestone that has it (make) or point --lodestone / LODESTONE_BIN at one.")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def eos_complete(data):
    """A finished equation of state: converged, fitted, all seven volumes converged."""
    if not isinstance(data, dict):
        return False
    pts = data.get("points") or []
    return bool(data.get("converged") and data.get("fit") and len(pts) == len(systems.SCALES)
                and all(p.get("converged") for p in pts))


def system_state(sysdir):
    """'done', 'failed' (last run ended with exit 1/2/crash; rerun with --retry-failed), 'partial'
    (checkpoint or interrupted run: resumed with --restart), 'new'."""
    data = read_json(os.path.join(sysdir, EOS_FILES["json"]))
    if eos_complete(data):
        return "done"
    info = read_json(os.path.join(sysdir, EOS_FILES["runinfo"])) or {}
    attempts = info.get("attempts") or []
    last_rc = attempts[-1].get("exit_code") if attempts else None
    stopped = bool(attempts) and attempts[-1].get("stopped_by_signal", False)
    if last_rc in (3, 126, 127) or stopped or (last_rc is None and attempts):
        return "partial"                          # interrupted, killed, or the binary could not be started
    if last_rc not in (None, 0) or data is not None:
        return "failed"
    if any(os.path.exists(os.path.join(sysdir, EOS_FILES[k])) for k in ("checkpoint", "scf_state")):
        return "partial"
    return "new"


def eos_command(exe, threads, launcher=None):
    cmd = shlex.split(launcher or "") + [exe, "eos", "input.yaml", "--json", EOS_FILES["json"], "--plot", EOS_FILES["plot"],
           "--checkpoint", EOS_FILES["checkpoint"], "--restart"]
    if threads:
        cmd += ["--threads", str(threads)]
    return cmd


def thread_env(n):
    if not n:
        return {}
    return {"OMP_NUM_THREADS": str(n), "OPENBLAS_NUM_THREADS": str(n), "MKL_NUM_THREADS": str(n)}


class Stopper:
    """SIGTERM/SIGINT: ask the running lodestone to checkpoint and stop (one SIGTERM: lodestone treats a
    second signal as 'end now'), then stop the loop.  The child runs in its own session so that a
    terminal's Ctrl-C reaches only this driver.  A batch system that signals every process of the job
    (SLURM on scancel) has already sent the child its SIGTERM: /proc/PID/status shows it (lodestone
    resets SIGTERM to the default action once it has caught one, and a pending one is listed), and
    then nothing more is sent."""

    def __init__(self):
        self.signal = 0
        self.child = None
        signal.signal(signal.SIGTERM, self._on)
        signal.signal(signal.SIGINT, self._on)

    def _child_already_signalled(self):
        try:
            with open(f"/proc/{self.child.pid}/status") as f:
                st = {k: v.strip() for k, v in (ln.split(":", 1) for ln in f if ":" in ln)}
            bit = 1 << (signal.SIGTERM - 1)
            caught = int(st.get("SigCgt", "0"), 16)
            pending = int(st.get("SigPnd", "0"), 16) | int(st.get("ShdPnd", "0"), 16)
            return bool(pending & bit) or not (caught & bit)
        except (OSError, ValueError):
            return False

    def _on(self, sig, _frame):
        first = not self.signal
        self.signal = sig
        if first and self.child is not None and self.child.poll() is None:
            time.sleep(0.2)                       # let a job-wide SIGTERM land first
            if not self._child_already_signalled():
                try:
                    self.child.send_signal(signal.SIGTERM)
                except OSError:
                    pass


def machine_info():
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    job, task = locks.job_ids()
    return {"host": socket.gethostname(), "os": f"{platform.system()} {platform.release()} {platform.machine()}",
            "cpu": report.cpu_model(), "cores": os.cpu_count(), "load_at_start": load, "job": job, "task": task}


def record_attempt(sysdir, attempt):
    path = os.path.join(sysdir, EOS_FILES["runinfo"])
    info = read_json(path) or {"attempts": []}
    info["attempts"].append(attempt)
    tmp = path + f".tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def run_system(system, sysdir, exe, args, stopper, version):
    """Run (or resume) one system; returns the exit code of lodestone eos."""
    cmd = eos_command(exe, args.threads, args.launcher)
    env = dict(os.environ)
    env.update(thread_env(args.threads))
    attempt = {"start": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "command": shlex.join(cmd),
               "lodestone": version, "threads": args.threads, "exit_code": None, **machine_info()}
    record_attempt(sysdir, dict(attempt))        # an attempt without exit code = running or killed
    t0 = time.monotonic()
    with open(os.path.join(sysdir, EOS_FILES["log"]), "a") as log:
        log.write(f"# {attempt['start']} on {attempt['host']}: {attempt['command']}\n")
        log.flush()
        try:
            stopper.child = subprocess.Popen(cmd, cwd=sysdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True)
        except OSError as e:
            log.write(f"cannot run {exe}: {e}\n")
            rc = 127
        else:
            while True:
                try:
                    rc = stopper.child.wait()
                    break
                except InterruptedError:
                    continue
            stopper.child = None
    # A launcher stopped with the run may not pass on lodestone's exit code 3 (OpenMPI's mpirun,
    # signalled itself, exits with 1 whatever the ranks return): a run that ended after this
    # driver passed on a signal was stopped, and its checkpoint resumes it.
    stopped = rc != 0 and bool(stopper.signal)
    info = read_json(os.path.join(sysdir, EOS_FILES["runinfo"]))
    info["attempts"][-1].update({"exit_code": rc, "stopped_by_signal": stopped, "wall_s": round(time.monotonic() - t0, 3),
                                 "end": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())})
    tmp = os.path.join(sysdir, EOS_FILES["runinfo"]) + f".tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(sysdir, EOS_FILES["runinfo"]))
    return 3 if stopped else rc


def discard_results(sysdir):
    for k in ("json", "plot", "checkpoint", "scf_state", "runinfo"):
        p = os.path.join(sysdir, EOS_FILES[k])
        if os.path.exists(p):
            os.remove(p)


def select(args):
    names = []
    if args.set:
        names += systems.named_set(args.set)
    names += args.systems
    if not names and args.report and os.path.isdir(args.work):
        names = sorted(d for d in os.listdir(args.work) if os.path.exists(os.path.join(args.work, d, "input.yaml")))
        names = [n for n in systems.all_systems() if n in names] + [n for n in names if n not in systems.all_systems()]
    if not names:
        die("name systems (e.g. Si-Diamond Mg-XO) or give --set quick / --set all")
    seen, out = set(), []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    for n in out:
        try:
            systems.check_system(n)
        except systems.SystemError_ as e:
            die(str(e))
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="acwf", description="ACWF verification study for lodestone (see README.md)")
    ap.add_argument("systems", nargs="*", help="El-CONF, e.g. Si-Diamond Al-FCC Mg-XO Si-XO2")
    ap.add_argument("--set", choices=systems.NAMED_SETS, help="the quick set (README.md), its first version "
                    "(quick-v1) or all systems of the 30 elements with a pseudopotential")
    ap.add_argument("--work", default=DEFAULT_WORK, help="work folder (default validation/acwf/work)")
    ap.add_argument("--threads", type=int, default=None, help="lodestone --threads and OMP_NUM_THREADS "
                    "(default $SLURM_CPUS_PER_TASK, else lodestone's default)")
    ap.add_argument("--task-id", type=int, default=0, help="this task's index, 0..n-tasks-1 (array jobs)")
    ap.add_argument("--n-tasks", type=int, default=1, help="take every n-th system, starting at --task-id")
    ap.add_argument("--dry-run", action="store_true", help="write the inputs and print the commands only")
    ap.add_argument("--results", default=None, help="results file (default validation/acwf/results.md; "
                    "'-' prints only); results.csv, results.json and epsilon.svg go beside it")
    ap.add_argument("--report", action="store_true", help="only write the results of what the work folder holds")
    ap.add_argument("--retry-failed", action="store_true", help="rerun systems whose last run failed")
    ap.add_argument("--rewrite-inputs", action="store_true", help="rewrite an input.yaml that differs from "
                    "the current settings and discard that system's results")
    ap.add_argument("--stale-after", type=float, default=locks.STALE_AFTER_S,
                    help="seconds without heartbeat after which another host's lock is stale (default 600)")
    ap.add_argument("--lodestone", default=None, help="the lodestone binary (default $LODESTONE_BIN, "
                    "else build/lodestone)")
    ap.add_argument("--launcher", default=None, help="command put before lodestone, e.g. 'mpirun -np 4' or "
                    "'srun' (one MPI job per system; lodestone eos shares each SCF over the ranks)")
    ap.add_argument("--list", action="store_true", help="list the selected systems and their state")
    args = ap.parse_args(argv)
    if args.n_tasks < 1 or not 0 <= args.task_id < args.n_tasks:
        die(f"--task-id {args.task_id} must be in 0..{args.n_tasks - 1} (--n-tasks {args.n_tasks})")
    if args.threads is None and os.environ.get("SLURM_CPUS_PER_TASK", "").isdigit():
        args.threads = int(os.environ["SLURM_CPUS_PER_TASK"])
    if args.threads is not None and args.threads < 1:
        die("--threads must be at least 1")
    args.work = os.path.abspath(args.work)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    command = shlex.join([os.path.relpath(sys.argv[0], systems.PROJECT_ROOT)] + (sys.argv[1:] if argv is None else argv))
    chosen = select(args)
    mine = chosen[args.task_id::args.n_tasks]
    if args.list:
        for s in mine:
            sysdir = os.path.join(args.work, s)
            held = ""
            info = locks.read(os.path.join(sysdir, "lock"))
            if info is not None and not locks.is_stale(os.path.join(sysdir, "lock"), info, args.stale_after)[0]:
                held = f" (running: {locks.describe(info)})"
            print(f"{s:14s} {system_state(sysdir)}{held}")
        return 0
    results = DEFAULT_RESULTS if args.results is None else args.results
    exe = find_lodestone(args.lodestone)
    if args.report:
        return report.write_all(args.work, chosen, results, command, exe)

    if exe is None:
        msg = "no lodestone binary: run make, or give --lodestone / LODESTONE_BIN"
        if not args.dry_run:
            die(msg, 1)
        print(f"acwf: warning: {msg}", file=sys.stderr)
        exe = "lodestone"
    else:
        ok, why = has_eos(exe)
        if not ok:
            if not args.dry_run:
                die(why, 1)
            print(f"acwf: warning: {why}", file=sys.stderr)
    os.makedirs(args.work, exist_ok=True)
    hints = systems.read_hints()
    stopper = Stopper()
    outcome = {}
    print(f"acwf: {len(mine)} of {len(chosen)} systems for task {args.task_id}/{args.n_tasks}; work folder {args.work}")
    for system in mine:
        if stopper.signal:
            outcome[system] = "not started (stopped)"
            continue
        sysdir = os.path.join(args.work, system)
        state = system_state(sysdir)
        if state == "done":
            outcome[system] = "done (skipped)"
            continue
        if state == "failed" and not args.retry_failed:
            outcome[system] = "failed earlier (skipped; --retry-failed reruns it)"
            continue
        st, status = systems.prepare(system, sysdir, hints)
        if status == "differs":
            if not args.rewrite_inputs:
                outcome[system] = ("input.yaml differs from the current settings (skipped; --rewrite-inputs "
                                   "rewrites it and discards its results)")
                continue
        cmd = eos_command(exe, args.threads, args.launcher)
        if args.dry_run:
            print(f"cd {shlex.quote(sysdir)} && {shlex.join(cmd)}")
            outcome[system] = f"dry run ({state}; input {status})"
            continue
        lock = locks.Lock(sysdir, stale_after=args.stale_after)
        got, why = lock.acquire()
        for note in lock.notes:
            print(f"acwf: {system}: {note}")
        if not got:
            outcome[system] = f"busy: {why}"
            continue
        try:
            state = system_state(sysdir)            # another task may have finished it meanwhile
            if state == "done":
                outcome[system] = "done (skipped)"
                continue
            if status == "differs":
                discard_results(sysdir)
                systems.rewrite_input(system, sysdir, st)
            print(f"acwf: {system}: {'resuming' if state == 'partial' else 'running'} "
                  f"(mesh {'x'.join(map(str, st['kmesh']))}, ecut {st['ecut_Ry']:g} Ry, {st['n_atom']} atoms)",
                  flush=True)
            t0 = time.monotonic()
            # Asked again for every system: the binary may be rebuilt while a long study runs.
            rc = run_system(system, sysdir, exe, args, stopper, report.program_version(exe))
            wall = time.monotonic() - t0
            what = {0: "done", 1: "not converged (results kept)", 2: "bad input", 3: "stopped, checkpoint kept"}
            outcome[system] = f"{what.get(rc, f'crashed (exit {rc})')} after {wall:.0f} s"
            print(f"acwf: {system}: {outcome[system]}; log {os.path.join(sysdir, EOS_FILES['log'])}", flush=True)
        finally:
            lock.release()
    print()
    for s in mine:
        print(f"  {s:14s} {outcome.get(s, '?')}")
    if stopper.signal:
        print("acwf: stopped by a signal; rerun the same command to resume", file=sys.stderr)
        return 3
    if not args.dry_run and args.n_tasks == 1:
        report.write_all(args.work, chosen, results, command, exe)
    elif not args.dry_run:
        print(f"acwf: task {args.task_id} of {args.n_tasks} finished; when all tasks are done, write the results with\n"
              f"  validation/acwf/run.sh --report --work {args.work}" + (f" --set {args.set}" if args.set else ""))
    all_done = all(system_state(os.path.join(args.work, s)) == "done" for s in mine)
    return 0 if (all_done or args.dry_run) else 1


if __name__ == "__main__":
    sys.exit(main())
