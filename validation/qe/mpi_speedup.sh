#!/bin/sh
# MPI speed-up: `lodestone scf` with 1 process and with `mpirun -np 2` (1 thread each) on fe-bcc
# (k-point pools) and si64 (Gamma point: bands shared), energies compared.
#   validation/qe/mpi_speedup.sh [fe-bcc si64 ...] [--np N] [--pools N] [--repeat N] [--lodestone PATH]
#                                [--scratch DIR] [--results FILE|-] [--dry-run]
# Needs an MPI build (make MPI=1 BUILD=build/mpi), mpirun, and the shared folder (../shared or
# $LODESTONE_SHARED).  si64 takes about 1.5 min on one core.  Writes validation/qe/mpi_speedup.md.
# Exit code 0 energies identical (1e-8 eV/atom), 1 a mismatch or failure, 2 usage error.
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/mpi_speedup.py" "$@"
