#!/bin/sh
# The UPF reader on the 30 original PseudoDojo v0.4 files (untrimmed meshes of 9-19 bohr) against the
# trim600 files the repository ships: runs build/tests/test_pseudo with LODESTONE_PSEUDO_ORIG, so that
# its test_read_all checks every element instead of the three of dft/testdata/pd04-orig/.
#
#   validation/pseudo/originals.sh [DIR]      DIR: a folder holding the 30 original <El>.upf files
#
# DIR defaults to ../shared/pseudo/pd04-pbe-sr beside the checkout (the project's reference data).
# Elsewhere, get the files from github.com/JuliaMolSim/PseudoLibrary, commit
# bbb183ebbb1577ba0806fb2260b0bed3a3721d7b, folder pseudos/dojo.nc.sr.pbe.v0_4_1.standard.upf/
# (or pseudo-dojo.org's nc-sr-04_pbe_standard_upf.tgz); see README.md.
# Exit 0 when every check passes, 1 when one fails, 2 for a setup problem.
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/../shared/pseudo/pd04-pbe-sr}
if [ ! -r "$dir/Fe.upf" ]; then
    echo "originals.sh: no original PseudoDojo files in $dir (see the header of this script for where to get them)" >&2
    exit 2
fi
dir=$(cd "$dir" && pwd)
cd "$root" || exit 2
make -s build/tests/test_pseudo || exit 2
LODESTONE_PSEUDO_ORIG=$dir build/tests/test_pseudo
