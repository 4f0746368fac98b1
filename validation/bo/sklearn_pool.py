#!/usr/bin/env python3
"""The pool benchmark (../shared/reference/bo/BENCHMARK.md) with a scikit-learn GP, as a peer
for `lodestone bench-pool`: the same pool (rows grouped by x in sorted order, y the mean of the
distinct values of a group), the same two random initial candidates per run (the generator of
common/rng.c: xoshiro256** seeded by SplitMix64 with seed + run), then one evaluation per step.

Model: ConstantKernel * Matern(nu = 2.5, one length scale per input) + WhiteKernel, inputs
standardised on the observed points, normalize_y, L-BFGS-B with n_restarts_optimizer restarts
(scikit-learn's defaults for bounds: 1e-5 .. 1e5).  Acquisition: EI (xi = 0) or LCB (kappa).
Writes a JSON report with the keys that compare_runs.py reads.

usage: sklearn_pool.py POOL.csv OBJECTIVE_COLUMN [--runs 50] [--seed 1] [--restarts 5]
                       [--acq ei|lcb] [--kappa 2] [--stop-at 0.8] [--json OUT.json]
"""
import argparse
import csv
import json
import math
import statistics
import sys
import warnings

import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

M64 = (1 << 64) - 1


class Rng:
    """common/rng.c: xoshiro256** seeded by SplitMix64 (ls_rng_seed, ls_rng_below)."""

    def __init__(self, seed):
        x = seed & M64
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        limit = M64 - M64 % n
        while True:
            v = self.next()
            if v < limit:
                return v % n


def read_pool(path, column):
    with open(path) as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    head, rows = rows[0], rows[1:]
    yc = head.index(column)
    groups = {}
    for r in rows:
        x = tuple(float(v) for j, v in enumerate(r) if j != yc)
        groups.setdefault(x, set()).add(float(r[yc]))
    xs = sorted(groups)
    return np.array(xs), np.array([sum(groups[x]) / len(groups[x]) for x in xs])


def one_run(X, y, top, M, seed, args):
    rng = Rng(seed)
    N, D = X.shape
    avail = np.ones(N, bool)
    obs, found, curve = [], 0, []
    for _ in range(2):
        while True:
            i = rng.below(N)
            if avail[i]:
                break
        avail[i] = False
        obs.append(i)
        found += top[i]
        curve.append(found / M)
    stop = math.ceil(args.stop_at * M - 1e-9)
    while found < stop and len(obs) < N:
        xo = X[obs]
        mu, sd = xo.mean(0), xo.std(0)
        sd[sd == 0] = 1.0
        kern = ConstantKernel(1.0) * Matern(length_scale=np.ones(D), nu=2.5) + WhiteKernel(0.01)
        gp = GaussianProcessRegressor(kern, normalize_y=True, n_restarts_optimizer=args.restarts,
                                      random_state=seed * 1000 + len(obs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit((xo - mu) / sd, y[obs])
        cand = np.flatnonzero(avail)
        m, s = gp.predict((X[cand] - mu) / sd, return_std=True)
        if args.acq == "lcb":
            a = m + args.kappa * s
        else:
            best = y[obs].max()
            s = np.maximum(s, 1e-12)
            z = (m - best) / s
            a = (m - best) * norm.cdf(z) + s * norm.pdf(z)
        i = cand[int(np.argmax(a))]
        avail[i] = False
        obs.append(i)
        found += top[i]
        curve.append(found / M)
    curve += [found / M] * (N - len(curve))
    return curve


def first(curve, t):
    return next((i + 1 for i, c in enumerate(curve) if c >= t - 1e-12), -1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pool")
    p.add_argument("column")
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--restarts", type=int, default=5)
    p.add_argument("--acq", default="ei")
    p.add_argument("--kappa", type=float, default=2.0)
    p.add_argument("--stop-at", type=float, default=1.0)
    p.add_argument("--json")
    args = p.parse_args()
    X, y = read_pool(args.pool, args.column)
    N = len(y)
    M = math.ceil(0.05 * N - 1e-9)
    top = np.zeros(N, int)
    top[np.argsort(-y, kind="stable")[:M]] = 1
    curves = [one_run(X, y, top, M, args.seed + r, args) for r in range(args.runs)]
    r50 = [first(c, 0.5) for c in curves]
    r80 = [first(c, 0.8) for c in curves]
    med = [statistics.median(c[i] for c in curves) for i in range(N)]
    tag = f"sklearn {args.acq}"
    print(f"pool {args.pool}: N = {N}, M = {M}, {args.runs} runs, {tag}, restarts {args.restarts}")
    print(f"median curve: {first(med, 0.5)} / {first(med, 0.8)}; median over runs: "
          f"{statistics.median(r50):.1f} / {statistics.median(r80):.1f}")
    if args.json:
        json.dump({"gp": tag, "run_evals_to_top50": r50, "run_evals_to_top80": r80,
                   "evals_to_top50": first(med, 0.5), "evals_to_top80": first(med, 0.8),
                   "median_run_evals_to_top50": statistics.median(r50),
                   "median_run_evals_to_top80": statistics.median(r80)}, open(args.json, "w"))


if __name__ == "__main__":
    sys.exit(main())
