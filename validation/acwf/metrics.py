"""ACWF comparison metrics between two Birch-Murnaghan equations of state (standard library only).

Definitions: common/testdata/acwf/PROTOCOL.md, from Bosoni et al., "How to verify the precision of
density-functional-theory implementations via reproducible and universal workflows", Nat. Rev. Phys.
6, 45 (2024), doi:10.1038/s42254-023-00655-3.

Birch-Murnaghan (third order), x = (V0/V)^(2/3):
    E(V) = E0 + (9 V0 B0 / 16) { (x - 1)^3 B1 + (x - 1)^2 (6 - 4 x) }
Between curves a and b (E0 = 0 in both), over [0.94 Vm, 1.06 Vm], Vm = (V0a + V0b) / 2, <f> the
average of f over that interval:
    epsilon = sqrt( <(Ea - Eb)^2> / sqrt( <(Ea - <Ea>)^2> <(Eb - <Eb>)^2> ) )
    nu      = 100 sqrt( sum_Y [ w_Y (Ya - Yb) / ((Ya + Yb) / 2) ]^2 ),  Y = V0, B0, B1,  w = 1, 1/20, 1/400
    Delta   = sqrt( <(Ea - Eb)^2> )  in meV/atom (energies in eV/atom, volumes in A^3/atom)

Integration rule: Gauss-Legendre with GL_NODES = 48 nodes on the interval.  Every integrand is a
polynomial of degree <= 6 in V^(-2/3), analytic on the interval and far from its singularity at V = 0
(|V - Vm| <= 0.06 Vm), so the rule converges exponentially: against the exact integrals of the power
terms (60-digit decimal arithmetic in test_metrics.py) the averages and epsilon agree to 1e-13 relative,
and 24 or 96 nodes change epsilon by less than 1e-12 relative.

Units: V0 in A^3/atom, B0 in GPa (converted with GPA_PER_EV_A3 for Delta), B1 dimensionless.

A note on the ACWF authors' own script (aiidateam/acwf-verification-scripts,
acwf_paper_plots/quantities_for_comparison.py, function `epsilon`): it integrates the antiderivatives
analytically, and computes the second curve's variance about the FIRST curve's mean (Eavg2 is taken
from the w parameters), i.e. <(Eb - <Ea>)^2> = var(Eb) + (<Eb> - <Ea>)^2 instead of var(Eb).  This
module follows PROTOCOL.md (var(Eb)); `epsilon(..., acwf_script_mean=True)` reproduces the script's
variant for comparison.  The difference is second order in the disagreement.
"""
import csv
import math
import os

GPA_PER_EV_A3 = 160.2176634          # 1 eV/A^3 = 1.602176634e-19 J / 1e-30 m^3 (SI 2019, exact e)
RANGE = (0.94, 1.06)                 # integration interval in units of Vm
NU_WEIGHTS = (1.0, 1.0 / 20.0, 1.0 / 400.0)
GL_NODES = 48

# Thresholds of the study (PROTOCOL.md): excellent eps < 0.06 and nu < 0.10; good eps < 0.20 and nu < 0.33;
# outlier eps > 1.0 or nu > 1.65.
EXCELLENT = (0.06, 0.10)
GOOD = (0.20, 0.33)
OUTLIER = (1.0, 1.65)


def birch_murnaghan(v, v0, b0, b1, e0=0.0):
    """Energy at volume v; v and v0 in the same volume unit, b0 in energy per that volume unit."""
    x = (v0 / v) ** (2.0 / 3.0)
    return e0 + 9.0 * v0 * b0 / 16.0 * ((x - 1.0) ** 3 * b1 + (x - 1.0) ** 2 * (6.0 - 4.0 * x))


def _legendre(n, x):
    """P_n(x) and P_n'(x) by the three-term recurrence."""
    p0, p1 = 1.0, x
    for k in range(2, n + 1):
        p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
    dp = n * (x * p1 - p0) / (x * x - 1.0)
    return p1, dp


_GL_CACHE = {}


def gauss_legendre(n):
    """Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1] (Newton on P_n from the
    Chebyshev-like first guess cos(pi (i - 1/4) / (n + 1/2)))."""
    if n in _GL_CACHE:
        return _GL_CACHE[n]
    nodes, weights = [], []
    for i in range(1, n + 1):
        x = math.cos(math.pi * (i - 0.25) / (n + 0.5))
        for _ in range(100):
            p, dp = _legendre(n, x)
            dx = p / dp
            x -= dx
            if abs(dx) < 1e-16:
                break
        p, dp = _legendre(n, x)
        nodes.append(x)
        weights.append(2.0 / ((1.0 - x * x) * dp * dp))
    _GL_CACHE[n] = (nodes, weights)
    return nodes, weights


def _averages(a, b, n=GL_NODES):
    """<(Ea-Eb)^2>, var(Ea), var(Eb), <Ea>, <Eb> over the protocol's interval; a and b are (V0, B0, B1) with
    V0 in A^3/atom and B0 in GPa; energies in eV/atom."""
    vm = 0.5 * (a[0] + b[0])
    lo, hi = RANGE[0] * vm, RANGE[1] * vm
    xs, ws = gauss_legendre(n)
    half, mid = 0.5 * (hi - lo), 0.5 * (hi + lo)
    ea = [birch_murnaghan(mid + half * x, a[0], a[1] / GPA_PER_EV_A3, a[2]) for x in xs]
    eb = [birch_murnaghan(mid + half * x, b[0], b[1] / GPA_PER_EV_A3, b[2]) for x in xs]
    wsum = sum(ws)                                        # = 2, the length of [-1, 1]
    mean = lambda f: sum(w * y for w, y in zip(ws, f)) / wsum  # noqa: E731
    ma, mb = mean(ea), mean(eb)
    d2 = mean([(p - q) ** 2 for p, q in zip(ea, eb)])
    va = mean([(p - ma) ** 2 for p in ea])
    vb = mean([(q - mb) ** 2 for q in eb])
    return d2, va, vb, ma, mb


def epsilon(a, b, n=GL_NODES, acwf_script_mean=False):
    """epsilon between equations of state a and b, each (V0 A^3/atom, B0 GPa, B1)."""
    d2, va, vb, ma, mb = _averages(a, b, n)
    if acwf_script_mean:
        vb += (mb - ma) ** 2
    return math.sqrt(d2 / math.sqrt(va * vb))


def nu(a, b, weights=NU_WEIGHTS):
    """nu between (V0, B0, B1) triples a and b (any units, the same in both)."""
    s = 0.0
    for w, ya, yb in zip(weights, a, b):
        s += (w * (ya - yb) / (0.5 * (ya + yb))) ** 2
    return 100.0 * math.sqrt(s)


def delta_meV(a, b, n=GL_NODES):
    """Delta in meV/atom between (V0 A^3/atom, B0 GPa, B1) triples a and b."""
    return 1000.0 * math.sqrt(_averages(a, b, n)[0])


def classify(eps, nu_value):
    """'excellent', 'good', 'outlier' or 'fair' (none of them) by PROTOCOL.md's thresholds;
    'no fit' when a value is missing.  'good' here means good but not excellent."""
    if eps is None or nu_value is None or not (math.isfinite(eps) and math.isfinite(nu_value)):
        return "no fit"
    if eps > OUTLIER[0] or nu_value > OUTLIER[1]:
        return "outlier"
    if eps < EXCELLENT[0] and nu_value < EXCELLENT[1]:
        return "excellent"
    if eps < GOOD[0] and nu_value < GOOD[1]:
        return "good"
    return "fair"


def bm_fit(volumes, energies):
    """Least-squares Birch-Murnaghan fit, as the ACWF scripts do it: E is a cubic polynomial in
    x = V^(-2/3), fitted linearly; V0 is the minimum, B0 = V E''(V0), B1 = dB/dP at V0.

    volumes in A^3/atom, energies in eV/atom.  Returns {"V0_A3_per_atom", "B0_GPa", "B1",
    "E0_eV_per_atom", "rms_residual_meV_per_atom"}, or None when the cubic has no minimum."""
    n = len(volumes)
    if n < 4:
        return None
    xs = [v ** (-2.0 / 3.0) for v in volumes]
    xm = sum(xs) / n
    xscale = max(abs(x - xm) for x in xs) or 1.0
    ts = [(x - xm) / xscale for x in xs]
    # Normal equations for E = c0 + c1 t + c2 t^2 + c3 t^3 (t in [-1, 1]: well conditioned).
    m = [[sum(t ** (i + j) for t in ts) for j in range(4)] for i in range(4)]
    r = [sum(e * t ** i for t, e in zip(ts, energies)) for i in range(4)]
    c = _solve(m, r)
    if c is None:
        return None
    # Stationary points: c1 + 2 c2 t + 3 c3 t^2 = 0, keep the one with positive curvature.
    qa, qb, qc = 3 * c[3], 2 * c[2], c[1]
    roots = []
    if abs(qa) < 1e-300:
        if qb != 0:
            roots = [-qc / qb]
    else:
        disc = qb * qb - 4 * qa * qc
        if disc < 0:
            return None
        sq = math.sqrt(disc)
        roots = [(-qb + sq) / (2 * qa), (-qb - sq) / (2 * qa)]
    roots = [t for t in roots if 2 * c[2] + 6 * c[3] * t > 0]
    if not roots:
        return None
    t0 = min(roots, key=abs)
    x0 = xm + xscale * t0
    if x0 <= 0:
        return None
    exx = (2 * c[2] + 6 * c[3] * t0) / xscale ** 2
    exxx = 6 * c[3] / xscale ** 3
    v0 = x0 ** -1.5
    b0 = 4.0 / 9.0 * exx * x0 ** 3.5                      # eV/A^3
    b1 = 4.0 + 2.0 / 3.0 * x0 * exxx / exx
    e0 = c[0] + c[1] * t0 + c[2] * t0 ** 2 + c[3] * t0 ** 3
    res = [e - (c[0] + c[1] * t + c[2] * t ** 2 + c[3] * t ** 3) for t, e in zip(ts, energies)]
    return {"V0_A3_per_atom": v0, "B0_GPa": b0 * GPA_PER_EV_A3, "B1": b1, "E0_eV_per_atom": e0,
            "rms_residual_meV_per_atom": 1000.0 * math.sqrt(sum(x * x for x in res) / n)}


def _solve(m, r):
    """Gaussian elimination with partial pivoting; None if singular."""
    n = len(r)
    a = [row[:] + [r[i]] for i, row in enumerate(m)]
    for k in range(n):
        p = max(range(k, n), key=lambda i: abs(a[i][k]))
        if abs(a[p][k]) < 1e-300:
            return None
        a[k], a[p] = a[p], a[k]
        for i in range(k + 1, n):
            f = a[i][k] / a[k][k]
            for j in range(k, n + 1):
                a[i][j] -= f * a[k][j]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (a[i][n] - sum(a[i][j] * x[j] for j in range(i + 1, n))) / a[i][i]
    return x


def load_reference(acwf_dir):
    """The all-electron reference: {(element, configuration): row} from acwf-ae-unaries.csv and
    acwf-ae-oxides.csv.  Each row: "ae" = (V0_A3_per_atom, B0_GPa, B1), the average of WIEN2k and FLEUR
    (the combined columns, see the folder's README.md); "wien2k" and "fleur" the separate codes' triples."""
    ref = {}
    for name in ("acwf-ae-unaries.csv", "acwf-ae-oxides.csv"):
        with open(os.path.join(acwf_dir, name), newline="") as f:
            for row in csv.DictReader(f):
                key = (row["element"], row["configuration"])
                ref[key] = {
                    "ae": (float(row["V0_A3_per_atom"]), float(row["B0_GPa"]), float(row["B1"])),
                    "wien2k": (float(row["V0_wien2k_A3_per_atom"]), float(row["B0_wien2k_GPa"]),
                               float(row["B1_wien2k"])),
                    "fleur": (float(row["V0_fleur_A3_per_atom"]), float(row["B0_fleur_GPa"]),
                              float(row["B1_fleur"])),
                    "natoms_cell": int(row["natoms_cell"]),
                    "B0_eV_per_A3": float(row["B0_eV_per_A3"]),
                    "V_central_A3_per_atom": float(row["V_central_A3_per_atom"]),
                }
    return ref


QE_REFERENCE_CSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference-qe-pd04-trim.csv")


def load_qe_reference(path=QE_REFERENCE_CSV):
    """The second reference, Quantum ESPRESSO with the same pseudopotentials (PseudoDojo 0.4 PBE SR standard
    trim, the published ACWF results; source and conversion in the file's header and README.md):
    {(element, configuration): row}.  Each row: "qe" = (V0_A3_per_atom, B0_GPa, B1); "natoms_sim_cell",
    "min_volume_A3_per_sim_cell" and "bulk_modulus_ev_ang3" as published.  Lines starting with '#' are
    comments."""
    ref = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            key = (row["element"], row["configuration"])
            ref[key] = {
                "qe": (float(row["V0_A3_per_atom"]), float(row["B0_GPa"]), float(row["B1"])),
                "natoms_sim_cell": int(row["natoms_sim_cell"]),
                "min_volume_A3_per_sim_cell": float(row["min_volume_A3_per_sim_cell"]),
                "bulk_modulus_ev_ang3": float(row["bulk_modulus_ev_ang3"]),
            }
    return ref


def compare(ours, ref):
    """epsilon, nu and Delta (meV/atom) of a (V0, B0 GPa, B1) triple against another."""
    return {"epsilon": epsilon(ours, ref), "nu": nu(ours, ref), "delta_meV_per_atom": delta_meV(ours, ref)}


def median(values):
    v = sorted(values)
    if not v:
        return float("nan")
    k = len(v) // 2
    return v[k] if len(v) % 2 else 0.5 * (v[k - 1] + v[k])


def percentile(values, q):
    """q-th percentile (0-100) with linear interpolation between order statistics (numpy's default)."""
    v = sorted(values)
    if not v:
        return float("nan")
    pos = (len(v) - 1) * q / 100.0
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)
