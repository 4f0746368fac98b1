#!/bin/bash
# The leader of a launcher-mode campaign as a small, long SLURM job (one core): it proposes,
# submits the DFT jobs (examples/campaign/slurm/launcher.yaml, `launcher/submit`), collects and
# records.  Submit from the folder that holds the campaign file:
#     sbatch examples/campaign/slurm/leader.sh
# The leader needs sbatch/squeue/scancel inside its job (true on most SLURM sites; otherwise run
# the same command on a login node under `nohup`).
#SBATCH --job-name=ls-leader
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --time=48:00:00
# SLURM sends SIGTERM before the time limit: the leader saves its state and exits 3; the
# submitted DFT jobs go on, and the same command collects them when resubmitted.
#SBATCH --signal=TERM@120
#SBATCH --output=leader-%j.log
set -u
lodestone campaign run launcher.yaml --db launcher.db --threads 8
status=$?
if [ "$status" -eq 3 ]; then
    echo "stopped before the time limit with everything saved: resubmit this script to go on"
fi
exit "$status"
