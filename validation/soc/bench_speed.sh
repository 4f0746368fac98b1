#!/bin/sh
# Speed of Lodestone against pw.x 6.7 on the spin-orbit L1_0 FePt inputs of this folder (issue 18's
# acceptance: "speed ratios against pw.x for the FePt runs at 1 and 2 threads"), same inputs, same
# session, one run after the other.
#   sh bench_speed.sh [--threads "1 2"] [case ...]      (default: fept_l10_001 fept_l10_100, 1 and 2)
# 1 thread: pw.x and `lodestone scf --threads 1`, OMP_NUM_THREADS=1.  2 threads: pw.x as
# `mpirun -np 2 pw.x -nk 2` (k-point pools, pw.x's fastest use of two cores here; OMP_NUM_THREADS=1)
# and `lodestone scf --threads 2`.  Prints the wall times, the ratio Lodestone / pw.x (below 1:
# Lodestone faster), the energy difference (meV/atom, to show equal accuracy) and the load
# (`uptime`) before each pair: on a shared machine the ratio is only as good as the load is steady.
# Runs in a scratch folder (mktemp), so nothing is written here.  Niced (nice -n 10).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LODESTONE=${LODESTONE:-$root/build/lodestone}
threads="1 2"
if [ "$1" = "--threads" ]; then threads=$2; shift 2; fi
cases=${*:-"fept_l10_001 fept_l10_100"}
[ -x "$LODESTONE" ] || { echo "bench_speed.sh: $LODESTONE not found: run make" >&2; exit 2; }
command -v pw.x >/dev/null || { echo "bench_speed.sh: pw.x not found (apt-get install quantum-espresso)" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lodestone-soc-bench-XXXXXX")
echo "scratch: $scratch; $(nproc) cores; pw.x: $(command -v pw.x); lodestone: $LODESTONE ($(git -C "$root" rev-parse --short HEAD 2>/dev/null))"
printf '%-14s %7s %12s %12s %9s %18s  %s\n' case threads "pw.x (s)" "Lodestone (s)" ratio "dE (meV/atom)" "load before (1, 5, 15 min)"
for c in $cases; do
    [ -f "$here/$c.in" ] || { echo "bench_speed.sh: no $here/$c.in" >&2; exit 2; }
    for n in $threads; do
        d="$scratch/$c-t$n"
        mkdir -p "$d"
        sed "s|pseudo_dir *= *'[^']*'|pseudo_dir = '$root/inputs/pseudo/pd04-pbe-fr'|; s|outdir *= *'[^']*'|outdir = './tmp'|" \
            "$here/$c.in" > "$d/$c.in"
        load=$(uptime | sed 's/.*load average: //')
        if [ "$n" = 1 ]; then
            (cd "$d" && OMP_NUM_THREADS=1 /usr/bin/time -f "%e" -o pw.time nice -n 10 pw.x -in "$c.in" > pw.out 2>&1)
        else
            (cd "$d" && OMP_NUM_THREADS=1 /usr/bin/time -f "%e" -o pw.time nice -n 10 mpirun --allow-run-as-root -np "$n" \
                pw.x -nk "$n" -in "$c.in" > pw.out 2>&1)
        fi
        (cd "$d" && OMP_NUM_THREADS=$n /usr/bin/time -f "%e" -o lo.time nice -n 10 "$LODESTONE" scf "$c.in" --threads "$n" \
            --json lo.json --checkpoint none > lo.out 2> lo.err)
        python3 - "$d" "$c" "$n" "$load" <<'PY'
import json, re, sys
d, c, n, load = sys.argv[1:]
RY_EV = 13.605693122994  # CODATA 2018, pw.x 6.7's
pw = float(open(d + "/pw.time").read().split()[-1])
lo = float(open(d + "/lo.time").read().split()[-1])
text = open(d + "/pw.out").read()
e_pw = float(re.findall(r"^!\s+total energy\s+=\s+([-\d.]+) Ry", text, re.M)[-1]) * RY_EV
nat = int(re.search(r"number of atoms/cell\s+=\s+(\d+)", text).group(1))
j = json.load(open(d + "/lo.json"))
de = (j["energy_eV"] - e_pw) * 1000 / nat
ok = "" if j.get("converged", True) else "  (Lodestone not converged)"
print("%-14s %7s %12.1f %12.1f %9.3f %18.4f  %s%s" % (c, n, pw, lo, lo / pw, de, load, ok))
PY
    done
done
echo "after: $(uptime | sed 's/.*load average: /load /')"
rm -rf "$scratch"
