#!/usr/bin/env python3
"""Tests of validation/acwf/metrics.py (standard library only; seconds).

    /usr/bin/python3 validation/acwf/test_metrics.py        (also run by `make test`)

The last line is "test_metrics: N passed, M failed" (the format tools/run_tests.sh reads); exit 1 on a failure.
The reference data is the repository's copy in common/testdata/acwf (or $LODESTONE_SHARED/reference/acwf);
tests that need it are skipped, with a line saying so, when LODESTONE_SHARED names a folder without it.
"""
import decimal
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402
import systems  # noqa: E402

PASSED, FAILED = 0, 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL: {what}")


def close(x, y, rtol=0.0, atol=0.0):
    return abs(x - y) <= atol + rtol * abs(y)


# Untidy equations of state (V0 A^3/atom, B0 GPa, B1).
SI = (20.4531, 88.5472, 4.3187)
SI_B = (20.4873, 87.9915, 4.2771)
MG_O = (9.5618, 151.874, 4.1265)
FE_LIKE = (10.8237, 291.432, 4.6213)


def exact_averages(a, b):
    """<(Ea-Eb)^2>, var(Ea), var(Eb) by exact integration of the power terms (an independent check of the
    quadrature).  With x = (V0/V)^(2/3), E = K [(B1-4) x^3 + (14-3 B1) x^2 + (3 B1-16) x + (6-B1)],
    K = 9 V0 B0 / 16, so E = sum_k c_k V^(-2k/3), c_k = K coef_k V0^(2k/3); products are sums of V^p,
    p = -2m/3 (m = 0..6), and int V^p dV = V^(p+1) / (p+1) (p + 1 is never 0).  The terms cancel to
    many digits, so this runs in 60-digit decimal arithmetic."""
    D = decimal.Decimal
    with decimal.localcontext() as ctx:
        ctx.prec = 60

        def coeffs(e):
            v0, b0, b1 = D(e[0]), D(e[1]) / D(repr(metrics.GPA_PER_EV_A3)), D(e[2])
            k = 9 * v0 * b0 / 16
            coef = (6 - b1, 3 * b1 - 16, 14 - 3 * b1, b1 - 4)
            return [k * coef[i] * v0 ** (D(2 * i) / 3) for i in range(4)]

        vm = (D(a[0]) + D(b[0])) / 2
        lo, hi = D("0.94") * vm, D("1.06") * vm

        def integral(c):                               # int of sum_m c_m V^(-2m/3) over [lo, hi]
            total = D(0)
            for m, cm in enumerate(c):
                p1 = 1 - D(2 * m) / 3
                total += cm * (hi ** p1 - lo ** p1) / p1
            return total

        def square(c):
            out = [D(0)] * (2 * len(c) - 1)
            for i, ci in enumerate(c):
                for j, cj in enumerate(c):
                    out[i + j] += ci * cj
            return out

        ca, cb = coeffs(a), coeffs(b)
        length = hi - lo
        d2 = integral(square([x - y for x, y in zip(ca, cb)])) / length
        ma, mb = integral(ca) / length, integral(cb) / length
        va = integral(square([ca[0] - ma] + ca[1:])) / length
        vb = integral(square([cb[0] - mb] + cb[1:])) / length
        return float(d2), float(va), float(vb)


def test_identity_and_symmetry():
    for e in (SI, MG_O, FE_LIKE):
        check(metrics.epsilon(e, e) == 0.0, f"epsilon(a, a) = 0 for {e}")
        check(metrics.nu(e, e) == 0.0, f"nu(a, a) = 0 for {e}")
        check(metrics.delta_meV(e, e) == 0.0, f"Delta(a, a) = 0 for {e}")
    for a, b in ((SI, SI_B), (MG_O, FE_LIKE), (SI, MG_O)):
        check(close(metrics.epsilon(a, b), metrics.epsilon(b, a), rtol=1e-12), f"epsilon symmetric {a} {b}")
        check(close(metrics.nu(a, b), metrics.nu(b, a), rtol=1e-14), f"nu symmetric {a} {b}")
        check(close(metrics.delta_meV(a, b), metrics.delta_meV(b, a), rtol=1e-12), f"Delta symmetric {a} {b}")
        check(metrics.epsilon(a, b) > 0 and metrics.nu(a, b) > 0, "positive for different curves")


def test_quadrature_against_exact():
    """Gauss-Legendre (48 nodes) against the exact power-term integrals, and its convergence in n."""
    rng = random.Random(20261121)
    worst = 0.0
    cases = [(SI, SI_B), (MG_O, FE_LIKE)]
    for _ in range(20):
        v0 = rng.uniform(5.0, 60.0)
        a = (v0, rng.uniform(5.0, 400.0), rng.uniform(3.0, 6.5))
        b = (v0 * (1 + rng.uniform(-0.02, 0.02)), a[1] * (1 + rng.uniform(-0.1, 0.1)), a[2] + rng.uniform(-0.5, 0.5))
        cases.append((a, b))
    for a, b in cases:
        d2, va, vb, _, _ = metrics._averages(a, b)
        e2, wa, wb = exact_averages(a, b)
        for q, ex, name in ((d2, e2, "<(Ea-Eb)^2>"), (va, wa, "var Ea"), (vb, wb, "var Eb")):
            rel = abs(q - ex) / abs(ex)
            worst = max(worst, rel)
            check(rel < 1e-12, f"{name} quadrature vs exact: relative {rel:.1e} for {a} {b}")
        eps_exact = math.sqrt(e2 / math.sqrt(wa * wb))
        check(close(metrics.epsilon(a, b), eps_exact, rtol=1e-12), f"epsilon vs exact for {a} {b}")
        for n in (24, 96):
            check(close(metrics.epsilon(a, b, n=n), metrics.epsilon(a, b), rtol=1e-12), f"epsilon converged in n ({n})")
    print(f"test_metrics: quadrature (48 Gauss-Legendre nodes) vs exact integrals: worst relative difference {worst:.1e}")


def test_nu_by_hand():
    """a = (20.0, 100.0, 4.0), b = (20.2, 105.0, 4.4).  Relative differences (a - b) / mean:
    V0 -0.2/20.1 = -2/201; B0 -5/102.5, times 1/20 = -1/410; B1 -0.4/4.2, times 1/400 = -1/4200.
    nu = 100 sqrt((2/201)^2 + (1/410)^2 + (1/4200)^2) = 100 sqrt(1.0501298e-4) = 1.0247584."""
    a, b = (20.0, 100.0, 4.0), (20.2, 105.0, 4.4)
    by_hand = 100.0 * math.sqrt((2 / 201) ** 2 + (1 / 410) ** 2 + (1 / 4200) ** 2)
    check(close(metrics.nu(a, b), by_hand, rtol=1e-13), f"nu {metrics.nu(a, b)} vs hand {by_hand}")
    check(close(metrics.nu(a, b), 1.0247584, atol=1e-7), f"nu {metrics.nu(a, b)} vs 1.0247584")
    # Only V0 differs by 1 %: nu = 100 * 0.01 / 1.005 (mean 1.005) = 0.995025.
    check(close(metrics.nu((1.0, 50.0, 4.0), (1.01, 50.0, 4.0)), 100 * 0.01 / 1.005, rtol=1e-13), "nu, V0 only")


def test_delta_scaling():
    """Curves differing only in B0: Ea - Eb = (B0a - B0b) f(V), so Delta is linear in the B0 difference
    and epsilon^2 = Delta^2 / (B0a B0b var f) gives epsilon = |dB0| / sqrt(B0a B0b) sqrt(<f^2> / var f)."""
    a = (16.4776, 77.0, 4.55)
    d1 = metrics.delta_meV(a, (a[0], 78.0, a[2]))
    d2 = metrics.delta_meV(a, (a[0], 79.0, a[2]))
    check(close(d2, 2 * d1, rtol=1e-10), f"Delta linear in dB0: {d1} {d2}")
    e1 = metrics.epsilon(a, (a[0], 78.0, a[2]))
    e2 = metrics.epsilon(a, (a[0], 79.0, a[2]))
    check(close(e2 / e1, 2 * math.sqrt(78.0 / 79.0), rtol=1e-10), f"epsilon ratio {e2 / e1}")


def test_bm_fit():
    """Energies from a Birch-Murnaghan curve at the 7 protocol volumes are fitted back exactly (the
    model is a cubic in V^(-2/3)); noise of 1e-6 eV moves V0 by ~1e-5 relative."""
    for v0, b0, b1, e0 in ((20.4531, 88.5472, 4.3187, -108.2371), (9.5618, 151.874, 4.1265, -1045.83)):
        vs = [v0 * s for s in systems.SCALES]
        es = [metrics.birch_murnaghan(v, v0, b0 / metrics.GPA_PER_EV_A3, b1, e0) for v in vs]
        f = metrics.bm_fit(vs, es)
        check(f is not None, "fit found")
        check(close(f["V0_A3_per_atom"], v0, rtol=1e-9), f"V0 {f['V0_A3_per_atom']} vs {v0}")
        check(close(f["B0_GPa"], b0, rtol=1e-7), f"B0 {f['B0_GPa']} vs {b0}")
        check(close(f["B1"], b1, rtol=1e-6), f"B1 {f['B1']} vs {b1}")
        check(close(f["E0_eV_per_atom"], e0, atol=1e-9), f"E0 {f['E0_eV_per_atom']} vs {e0}")
        check(f["rms_residual_meV_per_atom"] < 1e-6, "residual 0")
        rng = random.Random(7)
        f2 = metrics.bm_fit(vs, [e + rng.gauss(0, 1e-6) for e in es])
        check(close(f2["V0_A3_per_atom"], v0, rtol=1e-4), "V0 robust to 1e-6 eV noise")
        # Off-centre: the 7 volumes around 1.03 V0 still give V0 back.
        vs = [1.03 * v0 * s for s in systems.SCALES]
        es = [metrics.birch_murnaghan(v, v0, b0 / metrics.GPA_PER_EV_A3, b1, e0) for v in vs]
        check(close(metrics.bm_fit(vs, es)["V0_A3_per_atom"], v0, rtol=1e-9), "off-centre fit")
    check(metrics.bm_fit([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]) is None, "no minimum: None")


def test_classify():
    check(metrics.classify(0.05, 0.09) == "excellent", "excellent")
    check(metrics.classify(0.05, 0.2) == "good", "nu above excellent -> good")
    check(metrics.classify(0.19, 0.32) == "good", "good")
    check(metrics.classify(0.5, 0.5) == "fair", "fair")
    check(metrics.classify(1.2, 0.1) == "outlier", "outlier by epsilon")
    check(metrics.classify(0.1, 1.7) == "outlier", "outlier by nu")
    check(metrics.classify(None, 0.1) == "no fit", "no fit")


def test_gauss_legendre():
    xs, ws = metrics.gauss_legendre(48)
    check(close(sum(ws), 2.0, atol=1e-13), "weights sum to 2")
    # Exact for polynomials up to degree 95: int_-1^1 x^94 dx = 2/95.
    check(close(sum(w * x ** 94 for x, w in zip(xs, ws)), 2.0 / 95.0, rtol=1e-12), "degree 94 exact")


def test_reference_data():
    folder = systems.acwf_dir()
    if not os.path.exists(os.path.join(folder, "acwf-ae-unaries.csv")):
        print(f"test_metrics: SKIP reference tests: {folder} not found (set LODESTONE_SHARED)")
        return
    ref = metrics.load_reference(folder)
    check(len(ref) == 960, f"960 reference systems, found {len(ref)}")
    # The combined columns are the WIEN2k/FLEUR average (README.md of the folder): V0 to 2e-7 relative.
    worst = max(abs(r["ae"][0] - 0.5 * (r["wien2k"][0] + r["fleur"][0])) / r["ae"][0] for r in ref.values())
    check(worst < 1e-6, f"V0 is the average of the two codes ({worst:.1e})")
    # The CSV's B0_eV_per_A3 column uses the same GPa factor, within the rounding of its columns (B0_GPa
    # to 4 decimals, B0_eV_per_A3 to 8).
    bad = [k for k, r in ref.items() if abs(r["ae"][1] / r["B0_eV_per_A3"] - metrics.GPA_PER_EV_A3)
           > metrics.GPA_PER_EV_A3 * (0.6e-4 / r["ae"][1] + 0.6e-8 / r["B0_eV_per_A3"])]
    check(not bad, f"GPa per eV/A^3 matches the CSV within its rounding (off: {bad[:5]})")
    # Same data as the ACWF authors' scripts: their histogram README (aiidateam/acwf-verification-scripts
    # @34b2f729, acwf_paper_plots/plots/main/histograms_ae_codes/README.md) prints WIEN2k-vs-FLEUR relative
    # differences in percent: Fr-X2O5 V0 0.6453795892448584, Hg-FCC B1 17.004908707933183.
    for key, idx, pct in ((("Fr", "X2O5"), 0, 0.6453795892448584), (("Hg", "FCC"), 2, 17.004908707933183)):
        w, f = ref[key]["wien2k"][idx], ref[key]["fleur"][idx]
        check(close(200 * (w - f) / (w + f), pct, atol=2e-3), f"{key} relative difference vs ACWF README")
    # WIEN2k vs FLEUR: small epsilons.
    els = set(systems.elements_with_pseudo())
    eps_all = {k: metrics.epsilon(r["wien2k"], r["fleur"]) for k, r in ref.items()}
    eps_30 = [e for k, e in eps_all.items() if k[0] in els]
    check(len(eps_30) == 300, f"300 systems of the 30 elements, found {len(eps_30)}")
    for name, vals in (("all 960", list(eps_all.values())), ("30 elements (300)", eps_30)):
        med, p90, mx = metrics.median(vals), metrics.percentile(vals, 90), max(vals)
        print(f"test_metrics: WIEN2k vs FLEUR, {name}: epsilon median {med:.4f}, 90th percentile {p90:.4f}, max {mx:.4f}")
        check(med < 0.06, f"AE codes agree: median epsilon {med} below the 'excellent' 0.06")
        check(p90 < 0.06, f"90 % of AE pairs excellent: {p90}")
    worst = max(eps_all, key=eps_all.get)
    print(f"test_metrics: WIEN2k vs FLEUR, largest epsilon {eps_all[worst]:.3f} for {'-'.join(worst)}")
    # Si diamond: the two all-electron codes and the average.
    si = ref[("Si", "Diamond")]
    check(metrics.epsilon(si["wien2k"], si["ae"]) < metrics.epsilon(si["wien2k"], si["fleur"]), "average between")


def test_qe_reference():
    """The second reference (reference-qe-pd04-trim.csv): Quantum ESPRESSO with PseudoDojo 0.4 PBE SR standard trim,
    the ACWF authors' published fits.  Count, values against the source, the per-cell -> per-atom conversion, and
    the published study's statistics for these 300 systems (PROTOCOL.md: median epsilon 0.08, about 39 % excellent,
    89 % good, no outliers)."""
    qe = metrics.load_qe_reference()
    unaries = [k for k in qe if k[1] in systems.UNARY_CONFS]
    oxides = [k for k in qe if k[1] in systems.OXIDE_CONFS]
    check(len(qe) == 300 and len(unaries) == 120 and len(oxides) == 180,
          f"QE reference: 300 systems (120 unaries, 180 oxides), found {len(qe)} ({len(unaries)}, {len(oxides)})")
    els = set(systems.elements_with_pseudo())
    check({k[0] for k in qe} == els, "QE reference: exactly the 30 elements with a pseudopotential")
    # Values as published in aiidateam/acwf-verification-scripts, acwf_paper_plots/code-data/, BM_fit_data of
    # results-unaries-...-quantum_espresso-PseudoDojo-0.4-PBE-SR-standard-upf-trim.json @87bbb8d4 ("Al-X/FCC") and
    # results-oxides-... @1e2914e0 ("Mg-XO", "O-X2O5"): (min_volume, bulk_modulus_ev_ang3, bulk_deriv), and the
    # oxides file's num_atoms_in_sim_cell (Mg-XO 2, O-X2O5 7: the codes used a 7-atom cell, not the XSF's 14).
    published = {("Al", "FCC"): (16.441187167366184, 0.48887770788802726, 4.644568811115556, 1),
                 ("Mg", "XO"): (19.23235334840673, 0.9321960797471077, 3.9845093618873175, 2),
                 ("O", "X2O5"): (57.93231679831303, 0.8998312074340682, 4.6736156069836445, 7)}
    for key, (vcell, b0, b1, nat) in published.items():
        r = qe[key]
        check(r["min_volume_A3_per_sim_cell"] == vcell and r["bulk_modulus_ev_ang3"] == b0 and r["qe"][2] == b1
              and r["natoms_sim_cell"] == nat, f"QE {key}: published values {r}")
        check(r["qe"][0] == vcell / nat and r["qe"][1] == b0 * metrics.GPA_PER_EV_A3, f"QE {key}: per atom, GPa")
    bad = [k for k, r in qe.items() if r["qe"][0] != r["min_volume_A3_per_sim_cell"] / r["natoms_sim_cell"]
           or r["qe"][1] != r["bulk_modulus_ev_ang3"] * metrics.GPA_PER_EV_A3]
    check(not bad, f"QE: V0 = min_volume / natoms, B0 = B0(eV/A^3) x {metrics.GPA_PER_EV_A3} in every row ({bad[:3]})")
    # min_volume is per simulation cell: refitting the published E(V) points (eos_data of the same files, volumes in
    # A^3 and energies in eV per cell) gives min_volume and bulk_deriv back.  Al-X/FCC has 1 atom, Al-X2O3 10.
    eos = {("Al", "FCC"): (1, [(15.500584138516746, -63.053289687498), (15.830383801037938, -63.062025357927),
                               (16.160183463560365, -63.06677238377), (16.48998312608165, -63.067951589072),
                               (16.81978278860265, -63.065942708688), (17.149582451124544, -63.061090102678),
                               (17.479382113646345, -63.053704525038)]),
           ("Al", "X2O3"): (10, [(92.567960605779, -2960.3919202618), (94.53749168250103, -2960.5101212053),
                                 (96.50702275921431, -2960.5727838512), (98.47655383593596, -2960.5856745638),
                                 (100.44608491265542, -2960.5534434965), (102.41561598937494, -2960.4804580762),
                                 (104.38514706609378, -2960.3706684434)])}
    for key, (nat, pts) in eos.items():
        f = metrics.bm_fit([v / nat for v, _ in pts], [e / nat for _, e in pts])
        check(qe[key]["natoms_sim_cell"] == nat, f"QE {key}: {nat} atoms in the simulation cell")
        check(close(f["V0_A3_per_atom"], qe[key]["qe"][0], rtol=1e-11), f"QE {key}: refit V0 {f['V0_A3_per_atom']}")
        check(close(f["B1"], qe[key]["qe"][2], rtol=1e-9), f"QE {key}: refit B1 {f['B1']}")
        # The published B0 is 4.4e-7 relative above the refit in every case checked (a constant factor of the
        # authors' pipeline, 1e-3 of any difference that matters here).
        check(close(f["B0_GPa"], qe[key]["qe"][1], rtol=1e-6), f"QE {key}: refit B0 {f['B0_GPa']}")
    folder = systems.acwf_dir()
    if not os.path.exists(os.path.join(folder, "acwf-ae-unaries.csv")):
        print(f"test_metrics: SKIP QE-vs-AE tests: {folder} not found (set LODESTONE_SHARED)")
        return
    ae = metrics.load_reference(folder)
    check(all(ae[k]["natoms_cell"] == r["natoms_sim_cell"] for k, r in qe.items()),
          "QE simulation cells have the AE reference's atom counts")
    worst_v = max(abs(r["qe"][0] / ae[k]["ae"][0] - 1) for k, r in qe.items())
    worst_b = max(abs(r["qe"][1] / ae[k]["ae"][1] - 1) for k, r in qe.items())
    check(worst_v < 0.015 and worst_b < 0.05, f"QE near AE: V0 within {worst_v:.4f}, B0 within {worst_b:.4f}")
    eps = {k: metrics.epsilon(r["qe"], ae[k]["ae"]) for k, r in qe.items()}
    cls = [metrics.classify(eps[k], metrics.nu(r["qe"], ae[k]["ae"])) for k, r in qe.items()]
    med = metrics.median(list(eps.values()))
    n_exc, n_good = cls.count("excellent"), cls.count("excellent") + cls.count("good")
    worst = max(eps, key=eps.get)
    print(f"test_metrics: QE-PseudoDojo vs AE, 300 systems: epsilon median {med:.4f}, excellent {n_exc}, "
          f"good or better {n_good}, outliers {cls.count('outlier')}; largest {eps[worst]:.3f} ({'-'.join(worst)})")
    check(abs(med - 0.08) < 0.005, f"QE vs AE median epsilon {med} is the study's 0.08")
    check(abs(n_exc / 300 - 0.39) < 0.03 and abs(n_good / 300 - 0.89) < 0.01 and "outlier" not in cls,
          f"QE vs AE classes as in the study: {n_exc} excellent, {n_good} good or better")
    check(close(eps[("Al", "FCC")], 0.2073, atol=1e-4), f"QE Al-FCC epsilon vs AE {eps[('Al', 'FCC')]}")


def main():
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
    print(f"test_metrics: {PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
