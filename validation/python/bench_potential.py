#!/usr/bin/env python3
"""Time per energy+forces(+stress) call of the in-process ASE calculator LodestonePotential
(liblodestone.so through ctypes) on a 256-atom fcc Cu cell, against `lodestone predict` on the same
cell, with the same model and the same number of OpenMP threads, in the same session.

    /usr/bin/python3 validation/python/bench_potential.py [--model MODEL] [--threads 1,2] [--calls 40]
                                                          [--out validation/python/bench_potential.md]

MODEL: a Cu potential of `lodestone train`.  Without --model, one with the default architecture
(moment descriptor, 5 Å cutoff, 32-32 tanh: what the time depends on, not the weights) is trained
briefly (--epochs 2) on the mlearn Cu training set, ../shared/reference/mlearn/Cu_train.xyz (or
$LODESTONE_SHARED/reference/mlearn; Zuo et al., J. Phys. Chem. A 124, 731 (2020),
materialsvirtuallab/mlearn, BSD-3).
The cell: validation/mlearn/cu_fcc.xyz (a = 3.63 Å) repeated 4 x 4 x 4, every atom moved by up to
0.05 Å (seeded).  Three timings per thread count:
  in process       LodestonePotential.calculate(energy, forces, stress), median over --calls calls,
                   the positions changed before each call (as MD and optimisers do);
  predict / frame  `lodestone predict --model M FRAMES.xyz --out P.xyz` on --calls frames of that
                   cell, wall time over the frames (the program's own cost per structure: reading,
                   predicting, writing; start-up and model loading shared out);
  process / call   one `lodestone predict` per structure, as a file-based calculator would run it
                   (start-up, model loading, files), median of 5.
The two first timings take turns for --rounds rounds and each keeps its best round (both see the same
load); the machine load (1-minute load average) is printed and written into the result file with the
commit and the CPU.  Needs the build (make && make lib), python3 with ase
and numpy.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "validation"))

import ase.io  # noqa: E402
from ase.calculators.calculator import all_changes  # noqa: E402

from lodestone import LodestonePotential  # noqa: E402
from provenance import cpu_model, git_description  # noqa: E402


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def cell(rng):
    a = ase.io.read(os.path.join(ROOT, "validation", "mlearn", "cu_fcc.xyz")).repeat((4, 4, 4))
    a.positions += rng.uniform(-0.05, 0.05, a.positions.shape)
    return a


def train_default(binary, work):
    shared = os.environ.get("LODESTONE_SHARED") or os.path.join(ROOT, "..", "shared")
    data = os.path.join(shared, "reference", "mlearn", "Cu_train.xyz")
    if not os.path.exists(data):
        sys.exit(f"bench_potential: no --model and no {data} to train one on (see the docstring)")
    model = os.path.join(work, "cu-default.model")
    subprocess.run([binary, "train", "--train", data, "--out", model, "--epochs", "2", "--seed", "1"],
                   check=True, capture_output=True)
    return model, f"default architecture, trained 2 epochs on {os.path.relpath(data, ROOT)} for this benchmark"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--calls", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--lodestone", default=os.path.join(ROOT, "build", "lodestone"))
    p.add_argument("--library", default=os.path.join(ROOT, "build", "liblodestone.so"))
    p.add_argument("--out", default=os.path.join(HERE, "bench_potential.md"))
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="lodestone-bench-")
    model, model_note = (args.model, os.path.relpath(os.path.abspath(args.model), ROOT)) if args.model \
        else train_default(args.lodestone, work)
    rng = np.random.default_rng(2024)
    atoms = cell(rng)
    frames = []
    for _ in range(args.calls):
        b = atoms.copy()
        b.positions += rng.uniform(-0.01, 0.01, b.positions.shape)
        frames.append(b)
    frames_path = os.path.join(work, "frames.xyz")
    ase.io.write(frames_path, frames, format="extxyz")
    frames = ase.io.read(frames_path, index=":")
    one_path = os.path.join(work, "one.xyz")
    ase.io.write(one_path, frames[0], format="extxyz")

    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        calc = LodestonePotential(model, library=args.library, threads=threads)
        a = frames[0].copy()
        for _ in range(3):  # warm-up
            calc.calculate(a, ["energy", "forces", "stress"], all_changes)
        # Rounds of both timings in turn, so that both see the same load; the best round of each.
        l0 = load()
        t_in, t_frames = float("inf"), float("inf")
        for _ in range(args.rounds):
            times = []
            for b in frames:
                a.positions[:] = b.positions
                t = time.perf_counter()
                calc.calculate(a, ["energy", "forces", "stress"], all_changes)
                times.append(time.perf_counter() - t)
            t_in = min(t_in, statistics.median(times))
            t = time.perf_counter()
            subprocess.run([args.lodestone, "predict", "--model", model, frames_path, "--out", os.path.join(work, "p.xyz")],
                           env=env, check=True, capture_output=True)
            t_frames = min(t_frames, (time.perf_counter() - t) / len(frames))
        l1 = l2 = l3 = load()
        singles = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([args.lodestone, "predict", "--model", model, one_path, "--out", os.path.join(work, "p1.xyz")],
                           env=env, check=True, capture_output=True)
            singles.append(time.perf_counter() - t)
        l4 = load()
        t_proc = statistics.median(singles)
        # The in-process numbers equal the program's (the tests check it to 1e-10; here a sanity check).
        pred = ase.io.read(os.path.join(work, "p.xyz"), index="-1")
        a.positions[:] = frames[-1].positions
        calc.calculate(a, ["energy", "forces"], all_changes)
        same = abs(calc.results["energy"] - pred.get_potential_energy()) <= 1e-10
        rows.append((threads, t_in, t_frames, t_proc, (l0, l1, l2, l3, l4), same))
        print(f"threads {threads}: in process {t_in * 1e3:.2f} ms/call; lodestone predict "
              f"{t_frames * 1e3:.2f} ms/frame over {len(frames)} frames (load {l0:.2f}-{l3:.2f}), "
              f"{t_proc * 1e3:.1f} ms as one process per call (load {l4:.2f}); ratio predict/in-process "
              f"{t_frames / t_in:.2f}, process-per-call/in-process {t_proc / t_in:.1f}; same energy: {same}")

    lines = [
        "# Speed of the in-process potential calculator (LodestonePotential) against `lodestone predict`",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; commit {git_description(ROOT, ('validation/python',))}",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, shared with other jobs (load averages below)",
        f"- command: `/usr/bin/python3 validation/python/bench_potential.py"
        + (f" --model {os.path.relpath(os.path.abspath(args.model), ROOT)}" if args.model else "")
        + f" --threads {args.threads} --calls {args.calls} --rounds {args.rounds}`",
        f"- model: {model_note} ({calc.describe()})",
        f"- cell: 256 Cu atoms (validation/mlearn/cu_fcc.xyz repeated 4 x 4 x 4, atoms moved by up to 0.05 Å); "
        "energy, forces and stress per call",
        "",
        "| OpenMP threads | in process (ms/call) | lodestone predict (ms/frame, %d frames in one run) | one predict process per call (ms) | predict / in process | process per call / in process | load average (1 min): start, end of the rounds, end |" % args.calls,
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for threads, t_in, t_frames, t_proc, loads, same in rows:
        lines.append(f"| {threads} | {t_in * 1e3:.2f} | {t_frames * 1e3:.2f} | {t_proc * 1e3:.1f} | {t_frames / t_in:.2f} | "
                     f"{t_proc / t_in:.1f} | {loads[0]:.2f}, {loads[3]:.2f}, {loads[4]:.2f} |")
    lines += ["", f"In process: the median of the calls, positions changed before each. `lodestone predict`: the wall time of "
              "one run over all frames divided by their number (reading, prediction, writing; start-up and loading shared "
              f"out). The two take turns, {args.rounds} rounds, and each keeps its best round, so that both see the same "
              "load. One process per call: what a calculator that runs the program for every ASE call would pay (start-up, "
              "model loading, files), median of 5. The energies of the last frame agree between the two: "
              + ("yes" if all(r[5] for r in rows) else "NO") + "."]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"written {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
