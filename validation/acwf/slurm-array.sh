#!/bin/bash
# ACWF verification study on a SLURM cluster: one array task per slice of the systems.
# Submit from the project root (adapt the partition, account, time and thread count to your cluster):
#   mkdir -p /scratch/$USER/acwf && sbatch validation/acwf/slurm-array.sh
# Each task takes every 30th system (--task-id $SLURM_ARRAY_TASK_ID --n-tasks 30), runs them one after
# the other with lodestone eos on SLURM_CPUS_PER_TASK threads, and skips what is done already, so the
# same script resubmitted continues where the last job stopped.  When every task has finished:
#   validation/acwf/run.sh --report --set all --work /scratch/$USER/acwf
#SBATCH --job-name=acwf
#SBATCH --array=0-29
#SBATCH --cpus-per-task=8
#SBATCH --mem-per-cpu=2G
#SBATCH --time=24:00:00
#SBATCH --output=acwf-%A_%a.out
# Five minutes before the limit, signal the batch shell only (B:): it is replaced by the driver (exec
# below), which asks the running lodestone to checkpoint and stop (exit 3); a resubmission resumes.
#SBATCH --signal=B:TERM@300

set -eu
cd "${SLURM_SUBMIT_DIR:-.}"
WORK=${ACWF_WORK:-/scratch/$USER/acwf}
N_TASKS=${SLURM_ARRAY_TASK_COUNT:-30}
export OMP_PROC_BIND=close OMP_PLACES=cores    # keep the OpenMP threads on this task's cores
export ACWF_NICE=0
exec validation/acwf/run.sh --set all --work "$WORK" --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --task-id "$SLURM_ARRAY_TASK_ID" --n-tasks "$N_TASKS"
