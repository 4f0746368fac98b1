#!/bin/bash
# The demo campaign as an MPI task farm in one SLURM allocation: 4 nodes x 32 cores = 128 MPI
# processes in 32 groups of 4; each group runs one DFT verification at a time (k-point pools
# inside the group), rank 0 also leads (the search and the database).  Build with
# `make MPI=1` for this.  Resubmit after a time limit: SLURM sends SIGTERM 5 minutes before the
# limit, the groups stop at their checkpoints, the job exits 3 and the next job resumes.
#     sbatch examples/campaign/slurm/farm.sh
#SBATCH --job-name=ls-farm
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=32
#SBATCH --cpus-per-task=1
#SBATCH --time=24:00:00
#SBATCH --signal=TERM@300
#SBATCH --output=farm-%j.log
set -u
export OMP_NUM_THREADS=1
# --rounds overlap (the default of a farm): the next batch is proposed as soon as a group is
# free; --rounds sync makes the run reproduce a serial one exactly, at the cost of idle groups
# at the end of each round.
srun lodestone campaign run examples/campaign/demo.yaml --db demo.db --group-size 4 --threads 1
exit $?
