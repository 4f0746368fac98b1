/* The bcc Fe cell shared by the magnetism tests (test_mae, test_dos, test_noncolin): one atom, a = 2.83 Å, the
 * fully relativistic PseudoDojo file of inputs/ (j-averaged unless spin-orbit is asked), 0.5
 * starting magnetisation, 12 Ha, a 2x2x2 mesh, Marzari-Vanderbilt 0.02 Ha: small enough for
 * seconds per SCF.  Collinear (n_spin 2) or noncollinear. */
#ifndef LS_DFT_TEST_FE_BCC_H
#define LS_DFT_TEST_FE_BCC_H

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/units.h"
#include "dft/dft.h"

static inline int test_fe_bcc_params(dft_params *p, int noncolin, double conv_thr, const char *source)
{
    dft_params_init(p);
    LS_TRY(ls_structure_create(1, &p->structure));
    double a = 2.83 * LS_ANGSTROM_BOHR;
    double cell[3][3] = {{-0.5 * a, 0.5 * a, 0.5 * a}, {0.5 * a, -0.5 * a, 0.5 * a}, {0.5 * a, 0.5 * a, -0.5 * a}};
    memcpy(p->structure->cell, cell, sizeof cell);
    LS_TRY(ls_structure_set_species(p->structure, 0, "Fe"));
    p->n_species = 1;
    snprintf(p->species[0].label, sizeof p->species[0].label, "Fe");
    snprintf(p->species[0].pseudo, sizeof p->species[0].pseudo, "inputs/pseudo/pd04-pbe-fr/Fe.upf");
    p->species[0].starting_magnetization = 0.5;
    p->n_spin = noncolin ? 1 : 2;
    p->noncolin = noncolin;
    p->ecut_wfc = 12.0;
    p->kmesh[0] = p->kmesh[1] = p->kmesh[2] = 2;
    p->occupations = DFT_OCC_SMEARING;
    snprintf(p->smearing, sizeof p->smearing, "marzari-vanderbilt");
    p->smearing_width = 0.02;
    p->conv_thr = conv_thr;
    snprintf(p->source, sizeof p->source, "%s", source);
    return LS_OK;
}

#endif
