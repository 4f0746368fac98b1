/* Shared by the input paths that build dft_params from a structure (internal to dft/): the YAML
 * reader (input_yaml.c) and dft_params_from_structure (protocol.c). */
#ifndef LS_DFT_INPUT_SPECIES_H
#define LS_DFT_INPUT_SPECIES_H

#include "dft/dft.h"

/* DFTK's default k-point spacing (PlaneWaveBasis: kgrid_from_maximal_spacing(model, 2pi * 0.022)),
 * in 1/bohr with the 2 pi. */
#define DFT_DEFAULT_KSPACING (2.0 * 3.14159265358979323846 * 0.022)

/* p->species: the distinct labels of p->structure's atoms in order of first appearance (pseudo
 * and moments empty).  LS_ERR_INPUT "SOURCE: more than 16 species in the structure". */
int dft_species_collect(dft_params *p, const char *source);

/* The largest cutoff hint of the kind `which` (0 low, 1 normal, 2 high) over the species'
 * pseudopotentials (HINTS.tsv beside them): *ecut in Ha and *from, the species it came from.
 * *missing: the index of the first species without a hint (then *ecut is not set), else -1.
 * LS_ERR_INPUT for a malformed HINTS.tsv. */
int dft_species_ecut_hint(const dft_params *p, int which, double *ecut, int *from, int *missing);

#endif
