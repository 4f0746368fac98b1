#!/bin/sh
# Side by side: the outputs of two builds of lodestone on the same inputs, to show that a change
# that moves code leaves every number as it was.
#
#   tools/compare_outputs.sh OLD_BIN NEW_BIN [WORKDIR]
#
# OLD_BIN is e.g. the main branch built in a scratch folder outside the repository
# (git archive main | tar -x -C /tmp/old && make -C /tmp/old), NEW_BIN this checkout's.  Runs, with
# one thread each: scf of examples/dft/{si,al,fe} (--json, --xyz), eos of dft/testdata/si2-eos.yaml
# (--json, --csv, --xyz) and with --relax of si2-eos-relax.yaml, relax of si2-displaced-relax.yaml
# (--json, --traj, --out), suggest (one objective, two with a constraint and --front, the random
# start) on a pool and observations made here, train of a small model on the frames the scf and eos
# runs wrote, and predict and md with it.  Compares stdout, stderr and every file written, byte for
# byte, after removing what depends on the clock or the build: lines of stdout/stderr and JSON keys
# and CSV columns with wall and CPU times, "program"/"version"/"git" keys, the atoms/s rate (the
# structure, trajectory and model files are compared whole).  Prints SAME or DIFFERENT per
# output and ends with the count; exit 0 when all are the same, 1 otherwise, 2 for a setup problem.
# Needs python3 (standard library).  Takes a few minutes on an idle core.
set -u
if [ $# -lt 2 ]; then echo "usage: $0 OLD_BIN NEW_BIN [WORKDIR]" >&2; exit 2; fi
OLD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
NEW=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${3:-$(mktemp -d)}
mkdir -p "$WORK"
for b in "$OLD" "$NEW"; do [ -x "$b" ] || { echo "$b is not an executable" >&2; exit 2; }; done
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }
export OMP_NUM_THREADS=1
# The same pseudopotential library (the same paths in the outputs) for both builds.
export LODESTONE_DATA="$ROOT/inputs"

# Inputs that are not in the repository: a pool for suggest (deterministic).
python3 - "$WORK" <<'EOF'
import math, sys
w = sys.argv[1]
with open(w + "/pool.csv", "w") as f:
    f.write("id,x1,x2,phase\n")
    for i in range(60):
        f.write("c%d,%.4f,%.4f,%s\n" % (i, math.sin(1.7 * i) * 2.385, math.cos(0.9 * i), ("bcc", "fcc", "hcp")[i % 3]))
with open(w + "/obs.csv", "w") as f:
    f.write("id,x1,x2,phase,y,c\n")
    for i in (3, 11, 17, 29, 41, 50):
        x1, x2 = math.sin(1.7 * i) * 2.385, math.cos(0.9 * i)
        f.write("c%d,%.4f,%.4f,%s,%.6f,%.6f\n" % (i, x1, x2, ("bcc", "fcc", "hcp")[i % 3],
                math.exp(-(x1 - 0.7) ** 2) + 0.3 * x2, x1 * x2))
    f.write("c20,%.4f,%.4f,%s,,\n" % (math.sin(1.7 * 20) * 2.385, math.cos(0.9 * 20), "hcp"))
with open(w + "/obs1.csv", "w") as f:
    f.write("id,x1,x2,phase,y,c\nc3,%.4f,%.4f,bcc,0.5,0.1\n" % (math.sin(5.1) * 2.385, math.cos(2.7)))
EOF

# run NAME ARGS...: in $WORK/{old,new}/NAME/, stdout and stderr captured.
run() {
    name=$1; shift
    for side in old new; do
        d="$WORK/$side/$name"
        rm -rf "$d"; mkdir -p "$d"
        bin=$OLD; [ $side = new ] && bin=$NEW
        (cd "$d" && "$bin" "$@" > stdout.txt 2> stderr.txt; echo $? > exit.txt)
    done
}
# run_after NAME FROM ARGS...: as run, in a copy of an earlier run's folder (its files as inputs).
run_after() {
    name=$1; from=$2; shift 2
    for side in old new; do
        d="$WORK/$side/$name"
        rm -rf "$d"; cp -r "$WORK/$side/$from" "$d"; rm -f "$d/stdout.txt" "$d/stderr.txt" "$d/exit.txt"
        bin=$OLD; [ $side = new ] && bin=$NEW
        (cd "$d" && "$bin" "$@" > stdout.txt 2> stderr.txt; echo $? > exit.txt)
    done
}

E="$ROOT/examples/dft"
T="$ROOT/dft/testdata"
for s in si al fe; do run "scf-$s" scf "$E/$s/$s.yaml" --json out.json --xyz frames.xyz --checkpoint none; done
run eos-si eos "$T/si2-eos.yaml" --json eos.json --csv eos.csv --xyz eos.xyz --checkpoint none --threads 1
run eos-relax eos "$T/si2-eos-relax.yaml" --relax --fmax 0.02 --volumes 0.97,0.985,1.0,1.015,1.03 --json eos.json --checkpoint none --threads 1
run relax-si relax "$T/si2-displaced-relax.yaml" --json relax.json --traj traj.xyz --out relaxed.vasp --checkpoint none --threads 1
run suggest-1 suggest --pool "$WORK/pool.csv" --observations "$WORK/obs.csv" --objective y:max --ignore id --batch 3 --seed 5
run suggest-2 suggest --pool "$WORK/pool.csv" --observations "$WORK/obs.csv" --objective y:max,c:min --constraint 'c<=1' --ignore id --batch 2 --front front.csv
run suggest-ucb suggest --pool "$WORK/pool.csv" --observations "$WORK/obs.csv" --objective y:min --acquisition ucb --ignore id --batch 2 --out next.csv
run suggest-random suggest --pool "$WORK/pool.csv" --observations "$WORK/obs1.csv" --objective y:max --ignore id --batch 2
# The training set: the frames of the scf and eos runs (the old build's, the same input for both).
cat "$WORK/old/scf-si/frames.xyz" "$WORK/old/eos-si/eos.xyz" > "$WORK/train.xyz"
run train train --train "$WORK/train.xyz" --out si.model --epochs 30 --hidden 8 --n-radial 4 --n-angular 2 --l-max 2 --batch 2 --val-fraction 0.2 --seed 7
run_after predict train predict --model si.model "$WORK/train.xyz" --out pred.xyz --json pred.json
run_after md train md --model si.model "$E/../structures/Si-diamond.vasp" --repeat 2,2,2 --steps 40 --every 5 --friction 0.01 --temperature 400 --traj md.xyz

# Compare, with the clock and the build taken out.
python3 - "$WORK" <<'EOF'
import json, os, re, sys
w = sys.argv[1]
clock = re.compile(r"(wall|cpu|time|timings|atoms/s|atom-steps/s|[0-9] s\)|[0-9] s,|[0-9] s$|seconds)", re.I)
def is_number(tok):
    try:
        float(tok)
        return True
    except ValueError:
        return False
def norm_text(path):
    """stdout and stderr: the lines that tell times (and the version line) left out, and in the
    tables whose header has a time column (SCF iterations, relaxation steps, EOS volumes) that
    column, the last number of each row; "0.3 s" in progress lines."""
    out, time_table = [], False
    with open(path, errors="replace") as f:
        for l in f:
            toks = l.split()
            if re.search(r"time \(s\)|wall_s", l):
                time_table = True
                continue
            if time_table and toks and is_number(toks[0]):
                nums = [i for i, t in enumerate(toks) if is_number(t)]
                toks = [t for i, t in enumerate(toks) if i != nums[-1]]
                out.append(" ".join(toks))
                continue
            time_table = False
            l = re.sub(r"[0-9.]+ s\b", "", l)
            if clock.search(l) or ("lodestone " in l and "(git" in l):
                continue
            out.append(l)
    return out
def norm_csv(path):
    """CSV: the columns of wall times left out."""
    rows = [l.rstrip("\n").split(",") for l in open(path)]
    keep = [i for i, h in enumerate(rows[0]) if not re.search(r"wall|time", h)] if rows else []
    return [[r[i] for i in keep if i < len(r)] for r in rows]
def strip_json(v):
    if isinstance(v, dict):
        return {k: strip_json(x) for k, x in v.items()
                if not re.search(r"wall|time|timings|cpu|^program$|^version$|^git$", k)}
    if isinstance(v, list):
        return [strip_json(x) for x in v]
    return v
n_same = n_diff = 0
for name in sorted(os.listdir(os.path.join(w, "old"))):
    a, b = os.path.join(w, "old", name), os.path.join(w, "new", name)
    for fn in sorted(set(os.listdir(a)) | set(os.listdir(b))):
        pa, pb = os.path.join(a, fn), os.path.join(b, fn)
        if not os.path.exists(pa) or not os.path.exists(pb):
            print("DIFFERENT %s/%s: only in %s" % (name, fn, "old" if os.path.exists(pa) else "new"))
            n_diff += 1
            continue
        if fn.endswith(".json"):
            same = strip_json(json.load(open(pa))) == strip_json(json.load(open(pb)))
        elif fn.endswith(".txt"):
            same = norm_text(pa) == norm_text(pb)
        elif fn.endswith(".csv"):
            same = norm_csv(pa) == norm_csv(pb)
        else:
            same = open(pa, "rb").read() == open(pb, "rb").read()
        print("%s %s/%s" % ("SAME     " if same else "DIFFERENT", name, fn))
        n_same += same
        n_diff += not same
print("%d outputs the same, %d different" % (n_same, n_diff))
sys.exit(1 if n_diff else 0)
EOF
