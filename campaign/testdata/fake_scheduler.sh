#!/bin/sh
# A stand-in batch scheduler for the launcher-mode test (campaign/test_campaign.c): jobs run in
# the background on this machine and, at seeded random, are lost, killed or delayed, as a real
# cluster's jobs sometimes are.
#   fake_scheduler.sh submit DIR SEED COMMAND   prints the new job's id (as sbatch --parsable)
#   fake_scheduler.sh status DIR ID             prints PENDING or RUNNING while the job lives, nothing after
#   fake_scheduler.sh cancel DIR ID             kills the job
# Job number n gets u = (CRC of "SEED-n") mod 100:
#   u < 7    lost: never runs (the scheduler forgets it; status prints nothing)
#   u < 14   killed with SIGKILL 0.15 s after it starts (a node failure: no exit file)
#   u < 20   delayed 1 s in the queue (PENDING), then runs
#   else     runs at once
set -eu
what=$1 dir=$2
mkdir -p "$dir"
case $what in
submit)
    seed=$3 cmd=$4
    n=$(( $(cat "$dir/counter" 2>/dev/null || echo 0) + 1 ))
    echo "$n" > "$dir/counter"
    u=$(( $(printf '%s' "$seed-$n" | cksum | cut -d' ' -f1) % 100 ))
    id=$((1000 + n))
    if [ "$u" -lt 7 ]; then
        echo "lost" > "$dir/$id.fate"
    elif [ "$u" -lt 14 ]; then
        echo "killed" > "$dir/$id.fate"
        sh -c "exec $cmd" > "$dir/$id.out" 2>&1 &
        pid=$!
        echo "$pid" > "$dir/$id.pid"
        ( sleep 0.15; kill -9 "$pid" 2>/dev/null || true ) > /dev/null 2>&1 &
    elif [ "$u" -lt 20 ]; then
        echo "delayed" > "$dir/$id.fate"
        sh -c "sleep 1; exec $cmd" > "$dir/$id.out" 2>&1 &
        echo "$!" > "$dir/$id.pid"
    else
        echo "ran" > "$dir/$id.fate"
        sh -c "exec $cmd" > "$dir/$id.out" 2>&1 &
        echo "$!" > "$dir/$id.pid"
    fi
    echo "$id"
    ;;
status)
    id=$3
    if [ -f "$dir/$id.pid" ] && kill -0 "$(cat "$dir/$id.pid")" 2>/dev/null; then echo RUNNING; fi
    ;;
cancel)
    id=$3
    if [ -f "$dir/$id.pid" ]; then kill -9 "$(cat "$dir/$id.pid")" 2>/dev/null || true; fi
    echo "cancelled" >> "$dir/$id.fate"
    ;;
esac
