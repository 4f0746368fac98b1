#!/bin/bash
# The demo campaign in one SLURM job on one node, without launcher mode: `campaign run` runs
# every DFT verification itself with all the job's cores.  Resubmit after a time limit or a
# node failure: the campaign resumes where it stopped (nothing finished is computed again).
#     sbatch examples/campaign/slurm/single_node.sh
#SBATCH --job-name=ls-campaign
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=16
#SBATCH --time=24:00:00
#SBATCH --signal=TERM@300
#SBATCH --output=campaign-%j.log
set -u
lodestone campaign run examples/campaign/demo.yaml --db demo.db --threads "${SLURM_CPUS_PER_TASK:-1}"
exit $?
