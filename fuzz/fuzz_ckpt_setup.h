/* The runs whose checkpoints the checkpoint harnesses read, shared with the seed generator
 * (fuzz/make_seeds.c), so that seeds and harnesses agree on the identity of the run.
 * The first byte of every checkpoint input chooses the variant of the run (spin channels, optimiser
 * and cell, EOS relaxation mode); the rest is the checkpoint file without its final checksum,
 * which fuzz_write_checkpoint appends. */
#ifndef LS_FUZZ_CKPT_SETUP_H
#define LS_FUZZ_CKPT_SETUP_H

#include <math.h>
#include <string.h>

#include "workflow/relax.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/pseudo/pseudo_hints.h"

/* Si2 (diamond, a = 5.43 Å) at 6 Ry on a 1x1x1 mesh: an SCF that takes milliseconds.
 * n_spin 1 or 2 (with a starting magnetisation). */
static inline int fuzz_si2_params(int n_spin, dft_params *p)
{
    dft_params_init(p);
    ls_structure *s = NULL;
    if (ls_structure_create(2, &s) != LS_OK) return -1;
    double a = 5.43 * LS_ANGSTROM_BOHR;
    static const double fcc[3][3] = {{0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = a * fcc[i][k];
    for (int k = 0; k < 3; k++) s->pos[1][k] = 0.25 * a;
    if (ls_structure_set_species(s, 0, "Si") != LS_OK || ls_structure_set_species(s, 1, "Si") != LS_OK) return -1;
    p->structure = s;
    p->n_species = 1;
    snprintf(p->species[0].label, sizeof p->species[0].label, "Si");
    if (dft_default_pseudo("Si", p->species[0].pseudo, sizeof p->species[0].pseudo) != LS_OK) return -1;
    p->ecut_wfc = 3.0;
    p->n_spin = n_spin;
    if (n_spin == 2) {
        p->species[0].starting_magnetization = 0.2;
        p->occupations = DFT_OCC_SMEARING;
        snprintf(p->smearing, sizeof p->smearing, "gaussian");
        p->smearing_width = 0.01;
    }
    p->compute_forces = p->compute_stress = 0;
    snprintf(p->source, sizeof p->source, "fuzz-si2");
    return 0;
}

/* The relaxation of the relax-checkpoint harness: two atoms in a box on springs towards fixed
 * sites, and a volume spring for cell runs.  variant & 1: the cell too; variant & 2: FIRE. */
struct fuzz_spring {
    double ref[2][3];
    double v0;
};

static inline int fuzz_spring_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3],
                                   double stress[3][3])
{
    const struct fuzz_spring *m = ctx;
    double e = 0;
    for (int ia = 0; ia < s->n_atom && ia < 2; ia++)
        for (int k = 0; k < 3; k++) {
            double d = s->pos[ia][k] - m->ref[ia][k];
            e += 0.05 * d * d;
            forces[ia][k] = -0.1 * d;
        }
    double v = fabs(ls_cell_volume(s->cell));
    e += 1e-5 * (v - m->v0) * (v - m->v0);
    *energy = e;
    if (stress) {
        memset(stress, 0, 9 * sizeof(double));
        for (int k = 0; k < 3; k++) stress[k][k] = 2e-5 * (v - m->v0);
    }
    return 0;
}

static inline int fuzz_spring_structure(ls_structure **out)
{
    ls_structure *s = NULL;
    if (ls_structure_create(2, &s) != LS_OK) return -1;
    for (int k = 0; k < 3; k++) s->cell[k][k] = 9.0;
    s->cell[1][0] = 0.7;
    static const double pos[2][3] = {{0.2, 0.1, 0.3}, {4.9, 4.1, 4.4}};
    memcpy(s->pos, pos, sizeof pos);
    if (ls_structure_set_species(s, 0, "Cu") != LS_OK || ls_structure_set_species(s, 1, "Cu") != LS_OK) return -1;
    *out = s;
    return 0;
}

static inline void fuzz_spring_config(int variant, const char *checkpoint, struct ls_relax_config *cfg)
{
    ls_relax_config_default(cfg);
    cfg->optimizer = variant & 2 ? "fire" : "bfgs";
    cfg->relax_cell = variant & 1;
    cfg->max_steps = 4;
    cfg->checkpoint = checkpoint;
    cfg->restart = 1;
    cfg->use_symmetry = 0;
    cfg->log_every = 0;
    cfg->identity = "input: fuzz-spring\nmodel: springs";
}

static inline void fuzz_spring_model(struct fuzz_spring *m)
{
    static const double ref[2][3] = {{0.0, 0.0, 0.0}, {4.5, 4.5, 4.5}};
    memcpy(m->ref, ref, sizeof ref);
    m->v0 = 700.0;
}

#endif
