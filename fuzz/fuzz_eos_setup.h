/* The equation-of-state run whose checkpoints fuzz_eos_ckpt.c reads, shared with the seed generator
 * (fuzz/make_seeds.c): seven volumes of a two-atom cell with a fixed input hash. */
#ifndef LS_FUZZ_EOS_SETUP_H
#define LS_FUZZ_EOS_SETUP_H

#include <stdlib.h>
#include <string.h>

#include "common/structure.h"
#include "workflow/eos.h"
#include "workflow/eos_impl.h"

/* mode 0, 1, 2: fixed positions, relaxed positions, relaxed positions and cell shape. */
static inline void fuzz_eos_run(int mode, struct ls_eos_result *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->input, sizeof r->input, "si2-eos.yaml");
    snprintf(r->input_hash, sizeof r->input_hash, "fnv1a64:%016llx", 0x5eed5eed12345678ULL);
    /* The input structure (format-1 checkpoints rebuild each volume's cell from it). */
    if (ls_structure_create(2, &r->s_in) != LS_OK) abort();
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) r->s_in->cell[i][k] = i == k ? 0.0 : 5.13;
    for (int k = 0; k < 3; k++) r->s_in->pos[1][k] = 2.565;
    if (ls_structure_set_species(r->s_in, 0, "Si") != LS_OK || ls_structure_set_species(r->s_in, 1, "Si") != LS_OK)
        abort();
    r->n_atom = 2;
    snprintf(r->formula, sizeof r->formula, "Si2");
    r->v_in_bohr3 = 270.0;
    r->a1_bohr = 7.25;
    r->n = 7;
    r->pt = calloc((size_t)r->n, sizeof *r->pt);
    r->forces = calloc((size_t)r->n * 3 * r->n_atom, sizeof *r->forces);
    r->cell = calloc((size_t)r->n * 9, sizeof *r->cell);
    r->pos = calloc((size_t)r->n * 3 * r->n_atom, sizeof *r->pos);
    if (!r->pt || !r->forces || !r->cell || !r->pos) abort();
    for (int i = 0; i < r->n; i++) r->pt[i].scale = 0.94 + 0.02 * i;
    r->relax = mode == 1 ? LS_EOS_RELAX_POSITIONS : mode == 2 ? LS_EOS_RELAX_SHAPE : LS_EOS_FIXED;
    r->fmax_ev_a = 0.01;
    r->stress_tol_gpa = 0.05;
    r->relax_max_steps = 20;
}

#endif
