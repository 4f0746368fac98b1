#!/usr/bin/env python3
"""Two bench-pool JSON reports (same pool, seeds and runs, two models) compared: the median over
runs of the evaluations to Top% = 0.5 and 0.8 for each, the paired difference (B - A) per run,
and a 95 % bootstrap interval of the difference of the medians (10,000 resamples of the runs,
paired, seeded).  "Within noise" = the interval contains 0.
usage: compare_runs.py A.json B.json"""
import json
import random
import statistics
import sys


def label(report, path):
    """The configuration of a report: acquisition, prior, model (bench-pool), or its file name."""
    if "acquisition" in report:
        return f"{report['acquisition']}/{report.get('prior', 'none')}/{report.get('gp', '?')}"
    return report.get("gp", path)


def main():
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
    rng = random.Random(2026)
    for lvl in ("50", "80"):
        ra, rb = a["run_evals_to_top" + lvl], b["run_evals_to_top" + lvl]
        n = min(len(ra), len(rb))
        diffs = []
        for _ in range(10000):
            idx = [rng.randrange(n) for _ in range(n)]
            diffs.append(statistics.median(rb[i] for i in idx) - statistics.median(ra[i] for i in idx))
        diffs.sort()
        lo, hi = diffs[250], diffs[9749]
        print(f"Top% 0.{lvl[0]}: {label(a, sys.argv[1])} median {statistics.median(ra):.1f}, "
              f"{label(b, sys.argv[2])} median {statistics.median(rb):.1f}, "
              f"difference {statistics.median(rb) - statistics.median(ra):+.1f}, 95% bootstrap [{lo:+.1f}, {hi:+.1f}] "
              f"({n} runs){'  within noise' if lo <= 0 <= hi else ''}")


if __name__ == "__main__":
    main()
