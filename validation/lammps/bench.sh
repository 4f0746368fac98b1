#!/bin/sh
# Speed of pair_style lodestone in LAMMPS beside 'lodestone md' (same model, same fcc cell),
# one core (OMP_NUM_THREADS=1, one MPI process): 20 NVE steps (one energy+forces evaluation
# each; LAMMPS adds neighbour-list builds) on the conventional cell repeated R x R x R.
#   usage: validation/lammps/bench.sh MODEL [CELL.xyz] [R...]     (default validation/mlearn/cu_fcc.xyz, R = 5 10)
# And an NVE run: validation/lammps/bench.sh MODEL nve [STEPS] (fcc Cu 4x4x4 = 256 atoms, or
# LATTICE="diamond 5.47" ELEMENT=Si MASS=28.085 NREP=3; 1 fs, 300 K start; writes out/nve.log
# and out/nve.svg, the total-energy drift per atom).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${LODESTONE:-$ROOT/build/lodestone}
LMP=${LMP_LODESTONE:-$ROOT/build/lmp_lodestone}
MODEL=$(cd "$(dirname "${1:?usage: bench.sh MODEL [CELL.xyz] [R...]}")" && pwd)/$(basename "$1")
shift
OUT=${OUT:-$HERE/out}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
LATTICE=${LATTICE:-fcc 3.63}   # NVE: e.g. LATTICE="diamond 5.47" ELEMENT=Si MASS=28.085 NREP=3
ELEMENT=${ELEMENT:-Cu}
MASS=${MASS:-63.546}
lmp_input() { # repeat, steps, extra lines
    cat <<EOI
units metal
atom_style atomic
lattice $LATTICE
region box block 0 $1 0 $1 0 $1
create_box 1 box
create_atoms 1 box
mass 1 $MASS
pair_style lodestone
pair_coeff * * $MODEL $ELEMENT
velocity all create 300 4928459 mom yes rot yes dist gaussian
timestep 0.001
fix 1 all nve
thermo_style custom step pe ke etotal temp
$3
run $2
EOI
}
if [ "${1:-}" = nve ]; then
    STEPS=${2:-10000}
    lmp_input "${NREP:-4}" "$STEPS" "thermo 100
thermo_modify format float %.10f" > "$OUT/nve.in"
    nice "$LMP" -in "$OUT/nve.in" -log "$OUT/nve.log" -screen none
    python3 - "$OUT/nve.log" "$OUT/nve.svg" "$ELEMENT" <<'EOP'
import sys
rows, on = [], False
for l in open(sys.argv[1]):
    w = l.split()
    if w[:2] == ["Step", "PotEng"]:
        on = True
        continue
    if on and len(w) == 5 and w[0].isdigit():
        rows.append([float(x) for x in w])
    elif on and w and w[0] == "Loop":
        break
n_atom = None
for l in open(sys.argv[1]):
    w = l.split()
    if len(w) >= 2 and w[0] == "Created" and w[2] == "atoms":
        n_atom = int(w[1])
e0 = rows[0][3]
dev = [(r[0] * 0.001, 1000 * (r[3] - e0) / n_atom) for r in rows]
worst = max(abs(d) for _, d in dev)
print("NVE %d atoms, %.1f ps: max |E_tot(t) - E_tot(0)| = %.4f meV/atom; final T %.0f K" % (n_atom, dev[-1][0], worst, rows[-1][4]))
W, H = 560, 300
t1 = dev[-1][0] or 1.0
s = max(worst, 1e-6)
pts = " ".join("%.1f,%.1f" % (60 + t / t1 * W, 40 + H / 2 - d / s * (H / 2 - 10)) for t, d in dev)
with open(sys.argv[2], "w") as fp:
    fp.write("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>\n" % (W + 100, H + 90))
    fp.write("<rect width='100%' height='100%' fill='white'/>\n")
    fp.write("<text x='%d' y='22' font-size='14' text-anchor='middle'>pair_style lodestone, NVE, %d %s atoms, dt 1 fs</text>\n" % (60 + W / 2, n_atom, sys.argv[3]))
    fp.write("<rect x='60' y='40' width='%d' height='%d' fill='none' stroke='black'/>\n" % (W, H))
    fp.write("<line x1='60' y1='%d' x2='%d' y2='%d' stroke='#999' stroke-dasharray='4,3'/>\n" % (40 + H / 2, 60 + W, 40 + H / 2))
    fp.write("<polyline fill='none' stroke='#1f77b4' stroke-width='1.5' points='%s'/>\n" % pts)
    fp.write("<text x='55' y='%d' font-size='11' text-anchor='end'>+%.3g</text>\n" % (54, s))
    fp.write("<text x='55' y='%d' font-size='11' text-anchor='end'>-%.3g</text>\n" % (40 + H - 6, s))
    fp.write("<text x='55' y='%d' font-size='11' text-anchor='end'>0</text>\n" % (44 + H / 2))
    fp.write("<text x='%d' y='%d' font-size='12' text-anchor='middle'>time (ps), 0 to %.1f</text>\n" % (60 + W / 2, H + 65, t1))
    fp.write("<text x='16' y='%d' font-size='12' transform='rotate(-90 16 %d)' text-anchor='middle'>E_tot(t) - E_tot(0) (meV/atom)</text>\n" % (40 + H / 2, 40 + H / 2))
    fp.write("</svg>\n")
EOP
    exit 0
fi
CELL=${1:-$ROOT/validation/mlearn/cu_fcc.xyz}
[ $# -gt 0 ] && shift
REPS=${*:-5 10}
for r in $REPS; do
    n=$((4 * r * r * r))
    # CPU time (user + system) of each program: less sensitive than wall time to a loaded machine
    /usr/bin/time -f "%U %S" -o "$OUT/md_$r.time" nice "$BIN" md --model "$MODEL" "$CELL" --repeat $r,$r,$r --steps 20 \
        --every 20 --temperature 300 > "$OUT/md_$r.log" 2>&1
    lmp_input $r 20 "thermo 20" > "$OUT/bench_$r.in"
    /usr/bin/time -f "%U %S" -o "$OUT/lmp_$r.time" nice "$LMP" -in "$OUT/bench_$r.in" -log "$OUT/bench_$r.log" -screen none
    tm=$(awk '{print $1 + $2}' "$OUT/md_$r.time")
    tl=$(awk '{print $1 + $2}' "$OUT/lmp_$r.time")
    echo "$n atoms, 20 steps: lodestone md $tm s CPU ($(echo "20 * $n / $tm" | bc) atoms/s/core), LAMMPS $tl s CPU ($(echo "20 * $n / $tl" | bc) atoms/s/core), ratio md/LAMMPS $(echo "scale=2; $tm / $tl" | bc)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
