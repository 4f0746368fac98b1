"""Results of the ACWF study: per-system table, summary, CSV/JSON and the epsilon plot (standard library).

write_all() reads WORK/<system>/{eos.json, run-info.json}, compares each fitted equation of state with
the all-electron reference (metrics.py) and with the second reference, the published ACWF results of
Quantum ESPRESSO with the same pseudopotentials (reference-qe-pd04-trim.csv, metrics.load_qe_reference),
and writes results.md, results.csv, results.json, epsilon.dat, epsilon.gp and (with gnuplot) epsilon.svg,
all beside the results file.
"""
import csv
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time

import metrics
import systems

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import provenance  # noqa: E402  (validation/provenance.py)
from provenance import cpu_model  # noqa: E402,F401  (acwf.py calls report.cpu_model)

EOS_JSON, RUN_INFO = "eos.json", "run-info.json"
REFIT_TOL_REL = 1e-4          # relative V0 difference between lodestone's fit and ours that earns a note


def program_version(exe):
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        return ((out.stdout or out.stderr).strip().splitlines() or ["unknown"])[0]
    except (OSError, subprocess.SubprocessError, TypeError):
        return "unknown"


def git_description(root=systems.PROJECT_ROOT):
    return provenance.git_description(root, ("validation/acwf/results.*", "validation/acwf/epsilon.*"))


def _read(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _state(data, info):
    pts = (data or {}).get("points") or []
    if data and data.get("converged") and data.get("fit") and len(pts) == len(systems.SCALES) \
            and all(p.get("converged") for p in pts):
        return "done"
    attempts = (info or {}).get("attempts") or []
    if attempts and attempts[-1].get("exit_code") is None:
        return "running or killed"
    if attempts and attempts[-1].get("exit_code") == 3:
        return "interrupted"
    if data is not None or attempts:
        return "failed"
    return "not run"


def collect(work, names, ref, qe_ref=None):
    """One row per system; ref is metrics.load_reference's, qe_ref metrics.load_qe_reference's (or None)."""
    rows = []
    for name in names:
        el, conf, _ = systems.split_name(name)
        sysdir = os.path.join(work, name)
        data, info = _read(os.path.join(sysdir, EOS_JSON)), _read(os.path.join(sysdir, RUN_INFO))
        r = {"system": name, "element": el, "configuration": conf, "state": _state(data, info), "notes": []}
        rr = ref.get((el, conf))
        r["ae"] = rr["ae"] if rr else None
        r["ae_wien2k_vs_fleur_epsilon"] = metrics.epsilon(rr["wien2k"], rr["fleur"]) if rr else None
        qq = (qe_ref or {}).get((el, conf))
        r["qe"] = qq["qe"] if qq else None
        r["qe_vs_ae_epsilon"] = metrics.epsilon(r["qe"], rr["ae"]) if qq and rr else None
        r["qe_vs_ae_nu"] = metrics.nu(r["qe"], rr["ae"]) if qq and rr else None
        pts = (data or {}).get("points") or []
        r["n_atom"] = (data or {}).get("n_atom")
        if r["n_atom"] is None and os.path.exists(systems.xsf_path(name)):
            r["n_atom"] = len(systems.read_xsf(systems.xsf_path(name))["species"])
        r["wall_s"] = sum(p.get("wall_s") or 0.0 for p in pts) if pts else None
        r["scf_iterations"] = sum(p.get("scf_iterations") or 0 for p in pts) if pts else None
        r["n_points"] = len(pts)
        fit = (data or {}).get("fit")
        conv = [p for p in pts if p.get("converged")]
        refit = None
        if len(conv) >= 4:
            refit = metrics.bm_fit([p["volume_A3_per_atom"] for p in conv], [p["energy_eV_per_atom"] for p in conv])
        ours, src = None, None
        if fit:
            ours, src = (fit["V0_A3_per_atom"], fit["B0_GPa"], fit["B1"]), "lodestone eos"
            r["rms_residual_meV_per_atom"] = fit.get("rms_residual_meV_per_atom")
            if refit:
                d = abs(refit["V0_A3_per_atom"] - fit["V0_A3_per_atom"]) / fit["V0_A3_per_atom"]
                if d > REFIT_TOL_REL:
                    r["notes"].append(f"lodestone's V0 differs from metrics.bm_fit's by {d:.1e} (relative)")
        elif refit and len(conv) == len(systems.SCALES):
            ours, src = (refit["V0_A3_per_atom"], refit["B0_GPa"], refit["B1"]), "metrics.bm_fit"
            r["rms_residual_meV_per_atom"] = refit["rms_residual_meV_per_atom"]
            r["notes"].append("eos.json has no fit: fitted here (metrics.bm_fit)")
        r["ours"], r["fit_source"] = ours, src
        usable = bool(ours) and all(math.isfinite(x) and x > 0 for x in ours[:2])
        if usable and r["ae"]:
            r.update(metrics.compare(ours, r["ae"]))
        else:
            r.update({"epsilon": None, "nu": None, "delta_meV_per_atom": None})
        if usable and r["qe"]:
            c = metrics.compare(ours, r["qe"])
            r.update({"epsilon_vs_qe": c["epsilon"], "nu_vs_qe": c["nu"],
                      "delta_vs_qe_meV_per_atom": c["delta_meV_per_atom"]})
        else:
            r.update({"epsilon_vs_qe": None, "nu_vs_qe": None, "delta_vs_qe_meV_per_atom": None})
        r["class"] = metrics.classify(r["epsilon"], r["nu"]) if r["state"] == "done" else r["state"]
        attempts = (info or {}).get("attempts") or []
        last = attempts[-1] if attempts else {}
        r["host"], r["cpu"], r["cores"] = last.get("host"), last.get("cpu"), last.get("cores")
        r["threads"], r["lodestone"] = last.get("threads"), last.get("lodestone")
        if r["state"] == "failed":
            r["notes"].append(f"last run: exit code {last.get('exit_code')}, see {name}/eos.log")
        rows.append(r)
    return rows


def summary(rows):
    done = [r for r in rows if r["state"] == "done" and r["epsilon"] is not None]
    eps = [r["epsilon"] for r in done]
    nus = [r["nu"] for r in done]
    n = len(done)
    s = {"n_systems": len(rows), "n_compared": n}
    if n:
        worst = max(done, key=lambda r: r["epsilon"])
        s.update({
            "epsilon_median": metrics.median(eps), "epsilon_max": worst["epsilon"], "epsilon_max_system": worst["system"],
            "epsilon_p90": metrics.percentile(eps, 90), "nu_median": metrics.median(nus), "nu_max": max(nus),
            "delta_median_meV_per_atom": metrics.median([r["delta_meV_per_atom"] for r in done]),
            "n_excellent": sum(r["class"] == "excellent" for r in done),
            "n_good_or_better": sum(r["class"] in ("excellent", "good") for r in done),
            "n_outlier": sum(r["class"] == "outlier" for r in done),
            "ae_wien2k_vs_fleur_epsilon_median": metrics.median(
                [r["ae_wien2k_vs_fleur_epsilon"] for r in done if r["ae_wien2k_vs_fleur_epsilon"] is not None]),
        })
    # The second reference: the same systems against Quantum ESPRESSO with the same pseudopotentials, and
    # Quantum ESPRESSO's own epsilon against AE on them (for scale: lodestone's epsilon vs AE should match it).
    qd = [r for r in done if r.get("epsilon_vs_qe") is not None]
    s["n_compared_qe"] = len(qd)
    if qd:
        worst = max(qd, key=lambda r: r["epsilon_vs_qe"])
        qa = [r for r in qd if r.get("qe_vs_ae_epsilon") is not None]
        s.update({
            "epsilon_vs_qe_median": metrics.median([r["epsilon_vs_qe"] for r in qd]),
            "epsilon_vs_qe_max": worst["epsilon_vs_qe"], "epsilon_vs_qe_max_system": worst["system"],
            "nu_vs_qe_median": metrics.median([r["nu_vs_qe"] for r in qd]),
            "nu_vs_qe_max": max(r["nu_vs_qe"] for r in qd),
            "delta_vs_qe_median_meV_per_atom": metrics.median([r["delta_vs_qe_meV_per_atom"] for r in qd]),
            "qe_vs_ae_epsilon_median": metrics.median([r["qe_vs_ae_epsilon"] for r in qa]) if qa else None,
            "epsilon_median_same_systems": metrics.median([r["epsilon"] for r in qa]) if qa else None,
        })
    return s


def _f(x, fmt):
    return "-" if x is None else format(x, fmt)


QE_SOURCE = ("Quantum ESPRESSO with the same pseudopotentials (PseudoDojo 0.4 PBE SR standard, trim), the published "
             "ACWF results: `validation/acwf/reference-qe-pd04-trim.csv` (aiidateam/acwf-verification-scripts, MIT)")


def machines(rows):
    seen = {}
    for r in rows:
        if r.get("host"):
            key = (r["host"], r["cpu"], r["cores"], r["threads"])
            seen[key] = seen.get(key, 0) + 1
    return [f"{h}: {c}, {n} logical cores, --threads {t or 'default'} ({k} systems)"
            for (h, c, n, t), k in sorted(seen.items(), key=lambda kv: -kv[1])]


def markdown(rows, s, meta):
    L = ["# ACWF verification of Lodestone against the all-electron reference: results", ""]
    L += [f"- date: {meta['date']}", f"- git commit: {meta['git']}", f"- lodestone: `{meta['exe']}`, {meta['version']}",
          f"- command: `{meta['command']}`", f"- work folder: `{meta['work']}`",
          f"- report written on: {meta['machine']}; load average (1/5/15 min) {meta['load']}"]
    ms = machines(rows)
    L += ["- runs on: " + ("; ".join(ms) if ms else "(no run recorded)")]
    L += ["- settings (`common/testdata/acwf/PROTOCOL.md`): PBE, no spin, PseudoDojo v0.4 PBE standard trim600 "
          "(`inputs/pseudo/pd04-pbe-sr/`), ecut = largest 'high' hint of the elements, ecut_rho = 4 ecut, "
          "Gamma-centred mesh ceil(|b_i| / 0.06 Å⁻¹) of the 0.94 V cell kept for all volumes, Fermi-Dirac 0.0045 Ry "
          "(free energy), SCF to 1e-10 Ry per atom, 7 volumes 0.94-1.06 V_central, Birch-Murnaghan fit",
          "- reference: all-electron average of WIEN2k and FLEUR (`../shared/reference/acwf/acwf-ae-*.csv`, "
          "columns V0_A3_per_atom, B0_GPa, B1), Bosoni et al., Nat. Rev. Phys. 6, 45 (2024)",
          "- second reference: " + QE_SOURCE, ""]
    L += ["| system | atoms | state | V0 (Å³/atom) | V0 AE | B0 (GPa) | B0 AE | B1 | B1 AE | ε | ε QE | ν "
          "| Δ (meV/atom) | class | wall (s) | SCF iterations |", "|" + "---|" * 16]
    for r in rows:
        o, a = r["ours"] or (None, None, None), r["ae"] or (None, None, None)
        L.append("| " + " | ".join([
            r["system"], str(r["n_atom"] or "-"), r["state"], _f(o[0], ".4f"), _f(a[0], ".4f"), _f(o[1], ".2f"),
            _f(a[1], ".2f"), _f(o[2], ".3f"), _f(a[2], ".3f"), _f(r["epsilon"], ".3f"),
            _f(r.get("qe_vs_ae_epsilon"), ".3f"), _f(r["nu"], ".3f"), _f(r["delta_meV_per_atom"], ".3f"), r["class"],
            _f(r["wall_s"], ".0f"),
            str(r["scf_iterations"]) if r["scf_iterations"] is not None else "-"]) + " |")
    L += ["", "V0, B0, B1: ours (lodestone eos's Birch-Murnaghan fit) and all-electron (AE). ε, ν, Δ: PROTOCOL.md's "
          "metrics against AE (`metrics.py`, Gauss-Legendre quadrature, 48 nodes). ε QE: ε of Quantum ESPRESSO with the "
          "same pseudopotentials (the published ACWF results) against AE; when ε is close to ε QE, the distance from AE "
          "is the pseudopotentials', not lodestone's. Wall time and SCF iterations: "
          "sums over the 7 volumes. Class: excellent ε < 0.06 and ν < 0.10; good ε < 0.20 and ν < 0.33; "
          "outlier ε > 1.0 or ν > 1.65; fair: none of these.", ""]
    qrows = [r for r in rows if r.get("qe") and r["ours"]]
    L += ["## Against Quantum ESPRESSO with the same pseudopotentials", ""]
    if qrows:
        L += ["| system | V0 (Å³/atom) | V0 QE | B0 (GPa) | B0 QE | B1 | B1 QE | ε | ν | Δ (meV/atom) |",
              "|" + "---|" * 10]
        for r in qrows:
            o, q = r["ours"], r["qe"]
            L.append("| " + " | ".join([
                r["system"], _f(o[0], ".5f"), _f(q[0], ".5f"), _f(o[1], ".3f"), _f(q[1], ".3f"), _f(o[2], ".3f"),
                _f(q[2], ".3f"), _f(r["epsilon_vs_qe"], ".2g"), _f(r["nu_vs_qe"], ".2g"),
                _f(r["delta_vs_qe_meV_per_atom"], ".2g")]) + " |")
        L += ["", "Systems with a fit. QE: the published ACWF Birch-Murnaghan fit of Quantum ESPRESSO (pw.x) with "
              "the same PseudoDojo files and protocol (`reference-qe-pd04-trim.csv`). ε, ν, Δ: the same metrics, "
              "lodestone against QE. Two codes with the same pseudopotentials agree far below AE's scale (ABINIT vs "
              "QE in the study: median ε 1.4e-4).", ""]
    else:
        L += ["- no system with a Quantum ESPRESSO reference has a finished equation of state yet", ""]
    L += ["## Summary", ""]
    n = s["n_compared"]
    if n:
        pct = lambda k: f"{k} ({100.0 * k / n:.0f} %)"  # noqa: E731
        L += [f"- compared: {n} of {s['n_systems']} systems",
              f"- ε median {s['epsilon_median']:.3f}, 90th percentile {s['epsilon_p90']:.3f}, "
              f"maximum {s['epsilon_max']:.3f} ({s['epsilon_max_system']})",
              f"- ν median {s['nu_median']:.3f}, maximum {s['nu_max']:.3f}; Δ median {s['delta_median_meV_per_atom']:.3f} meV/atom",
              f"- excellent {pct(s['n_excellent'])}, good or better {pct(s['n_good_or_better'])}, "
              f"outliers {pct(s['n_outlier'])}",
              f"- for scale, WIEN2k vs FLEUR on the same systems: median ε {s['ae_wien2k_vs_fleur_epsilon_median']:.3f}",
              "- what good codes reach (PROTOCOL.md, the 300 systems of these 30 elements): ABINIT and Quantum ESPRESSO "
              "with these pseudopotentials, median ε 0.08, about 39 % excellent, 89 % good, no outliers"]
        if s.get("n_compared_qe"):
            if s.get("qe_vs_ae_epsilon_median") is not None:
                L += [f"- Quantum ESPRESSO with the same pseudopotentials against AE, on the same systems: median ε "
                      f"{s['qe_vs_ae_epsilon_median']:.3f} (lodestone: {s['epsilon_median_same_systems']:.3f})"]
            L += [f"- lodestone against Quantum ESPRESSO with the same pseudopotentials ({s['n_compared_qe']} systems): "
                  f"ε median {s['epsilon_vs_qe_median']:.2g}, maximum {s['epsilon_vs_qe_max']:.2g} "
                  f"({s['epsilon_vs_qe_max_system']}); ν median {s['nu_vs_qe_median']:.2g}, "
                  f"maximum {s['nu_vs_qe_max']:.2g}; "
                  f"Δ median {s['delta_vs_qe_median_meV_per_atom']:.2g} meV/atom"]
    else:
        L += ["- no system has a finished equation of state yet"]
    notes = [f"- {r['system']}: {n_}" for r in rows for n_ in r["notes"]]
    L += ["", "## Plot", ""]
    if meta.get("plot_ok"):
        L += [f"![epsilon per system]({meta['plot_name']})"]
    elif meta.get("plot_name") == "-":
        L += ["(no plot with `--results -`)"]
    else:
        L += [f"No SVG (gnuplot missing or nothing to plot): `gnuplot {meta['gp_name']}` makes it from `{meta['dat_name']}`."]
    if notes:
        L += ["", "## Notes", ""] + notes
    return "\n".join(L) + "\n"


CSV_COLS = ("system", "element", "configuration", "n_atom", "state", "class", "V0_A3_per_atom", "B0_GPa", "B1",
            "V0_ae_A3_per_atom", "B0_ae_GPa", "B1_ae", "epsilon", "nu", "delta_meV_per_atom", "wall_s",
            "scf_iterations", "rms_residual_meV_per_atom", "fit_source", "ae_wien2k_vs_fleur_epsilon", "host", "threads",
            "V0_qe_A3_per_atom", "B0_qe_GPa", "B1_qe", "epsilon_vs_qe", "nu_vs_qe", "delta_vs_qe_meV_per_atom",
            "qe_vs_ae_epsilon", "qe_vs_ae_nu")


def flat(r):
    o, a = r["ours"] or (None, None, None), r["ae"] or (None, None, None)
    q = r.get("qe") or (None, None, None)
    d = {k: r.get(k) for k in CSV_COLS}
    d.update({"V0_A3_per_atom": o[0], "B0_GPa": o[1], "B1": o[2], "V0_ae_A3_per_atom": a[0], "B0_ae_GPa": a[1],
              "B1_ae": a[2], "V0_qe_A3_per_atom": q[0], "B0_qe_GPa": q[1], "B1_qe": q[2]})
    return d


def write_plot(rows, folder, stem="epsilon"):
    """epsilon.dat and epsilon.gp in folder; epsilon.svg if gnuplot exists.  Returns (svg_ok, names)."""
    dat, gp, svg = stem + ".dat", stem + ".gp", stem + ".svg"
    done = [r for r in rows if r["epsilon"] is not None]
    with open(os.path.join(folder, dat), "w") as f:
        f.write("# index system epsilon nu epsilon_WIEN2k_vs_FLEUR epsilon_QE_vs_AE  (ACWF study, "
                "validation/acwf/report.py; 0 = no value)\n")
        for i, r in enumerate(done):
            f.write(f"{i} {r['system']} {r['epsilon']:.6g} {r['nu']:.6g} {r['ae_wien2k_vs_fleur_epsilon'] or 0:.6g} "
                    f"{r.get('qe_vs_ae_epsilon') or 0:.6g}\n")
    width = max(640, 28 * len(done) + 160)
    vals = [r["epsilon"] for r in done if r["epsilon"] > 0] + \
        [r["ae_wien2k_vs_fleur_epsilon"] for r in done if (r["ae_wien2k_vs_fleur_epsilon"] or 0) > 0] + \
        [r["qe_vs_ae_epsilon"] for r in done if (r.get("qe_vs_ae_epsilon") or 0) > 0]
    ymin = min([1e-3] + [0.5 * v for v in vals])
    ymax = max([3.0] + [2.0 * v for v in vals])
    with open(os.path.join(folder, gp), "w") as f:
        f.write(f"""# epsilon per system against the all-electron reference (gnuplot {gp})
set terminal svg size {width},480 dynamic font "sans,11"
set output "{svg}"
set logscale y
set format y "%g"
set yrange [{ymin:.3g}:{ymax:.3g}]
set xrange [-0.7:{len(done) - 0.3}]
set ylabel "epsilon vs all-electron"
set xtics rotate by -60 left nomirror
set grid ytics
set key tmargin center horizontal
set title "ACWF verification of Lodestone (PseudoDojo 0.4 trim600, PBE)"
plot "{dat}" using 1:3:xtic(2) with points pt 7 ps 1.2 lc rgb "#1f77b4" title "Lodestone", \\
     "{dat}" using 1:($6 > 0 ? $6 : 1/0) with points pt 4 ps 1.6 lc rgb "#9467bd" title "QE, same pseudopotentials", \\
     "{dat}" using 1:($5 > 0 ? $5 : 1/0) with points pt 6 ps 0.9 lc rgb "#999999" title "WIEN2k vs FLEUR", \\
     0.06 with lines dt 2 lc rgb "#2ca02c" title "excellent < 0.06", \\
     0.2 with lines dt 2 lc rgb "#ff7f0e" title "good < 0.20", \\
     1.0 with lines dt 2 lc rgb "#d62728" title "outlier > 1"
""")
    ok = False
    if done and shutil.which("gnuplot"):
        try:
            ok = subprocess.run(["gnuplot", gp], cwd=folder, capture_output=True, timeout=120).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
    return ok, (svg, gp, dat)


def write_all(work, names, results, command, exe):
    """Write the results of `names` found in `work`; results '-' prints the table only.  Returns 0."""
    ref = metrics.load_reference(systems.acwf_dir())
    qe_ref = metrics.load_qe_reference() if os.path.exists(metrics.QE_REFERENCE_CSV) else {}
    rows = collect(work, names, ref, qe_ref)
    s = summary(rows)
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    u = platform.uname()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "git": git_description(),
            "exe": provenance.repo_path(exe, systems.PROJECT_ROOT) or "-", "version": program_version(exe) if exe else "-",
            "command": command, "work": provenance.repo_path(work, systems.PROJECT_ROOT),
            "machine": f"{u.node}, {cpu_model()}, {os.cpu_count()} logical cores", "load": load,
            "qe_reference": os.path.relpath(metrics.QE_REFERENCE_CSV, systems.PROJECT_ROOT) if qe_ref else None}
    if results == "-":
        meta.update({"plot_ok": False, "plot_name": "-", "gp_name": "-", "dat_name": "-"})
        print(markdown(rows, s, meta))
        return 0
    folder = os.path.dirname(os.path.abspath(results))
    os.makedirs(folder, exist_ok=True)
    ok, (svg, gp, dat) = write_plot(rows, folder)
    meta.update({"plot_ok": ok, "plot_name": svg, "gp_name": gp, "dat_name": dat})
    stem = os.path.splitext(os.path.abspath(results))[0]
    with open(results, "w") as f:
        f.write(markdown(rows, s, meta))
    with open(stem + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLS)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in flat(r).items()})
    with open(stem + ".json", "w") as f:
        json.dump({"meta": meta, "summary": s, "systems": [dict(flat(r), notes=r["notes"]) for r in rows]}, f, indent=1)
        f.write("\n")
    print(f"acwf: wrote {results}, {stem}.csv, {stem}.json" + (f", {os.path.join(folder, svg)}" if ok else
          f"; plot script {os.path.join(folder, gp)}"))
    if s["n_compared"]:
        print(f"acwf: {s['n_compared']} systems compared: median epsilon {s['epsilon_median']:.3f}, max "
              f"{s['epsilon_max']:.3f} ({s['epsilon_max_system']}), excellent {s['n_excellent']}, good or better "
              f"{s['n_good_or_better']}, outliers {s['n_outlier']}")
    if s.get("n_compared_qe"):
        print(f"acwf: against Quantum ESPRESSO with the same pseudopotentials: median epsilon "
              f"{s['epsilon_vs_qe_median']:.2g}, max {s['epsilon_vs_qe_max']:.2g} ({s['epsilon_vs_qe_max_system']})")
    return 0
