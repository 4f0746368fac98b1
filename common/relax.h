/* Structure relaxation with FIRE, positions and (optionally) the cell, for any calculator
 * that gives energy, forces and stress (the neural-network potential now, DFT later).
 *
 * FIRE: Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006), doi:10.1103/PhysRevLett.97.170201,
 * with the parameters of ASE's implementation (dt 0.1, dt_max 1.0, N_min 5, f_inc 1.1,
 * f_dec 0.5, alpha 0.1, f_alpha 0.99, max step 0.2 Å; eV/Å units for the dynamics).
 * Cell: the deformation-gradient coordinates of ASE's UnitCellFilter: positions r = D r~,
 * cell rows a_k = D a0_k, D = 1 + eps; generalised forces D^T F_i on r~ and
 * -(V (sigma + p) ) D^-T / c on c eps (c = number of atoms), stress with ASE's sign.
 */
#ifndef LS_RELAX_H
#define LS_RELAX_H

#include "common/structure.h"

/* A calculator: energy (Ha), forces (Ha/bohr, [n_atom][3]) and stress (Ha/bohr^3, ASE sign)
 * of s.  Returns a status. */
typedef int (*ls_calc_fn)(void *ctx, const ls_structure *s, double *energy, double (*forces)[3],
                          double stress[3][3]);

struct ls_relax_config {
    double fmax_ev_a;    /* converged when every force (and cell force) is below this */
    int max_steps;
    int relax_cell;      /* 1: relax the cell too (needs a periodic structure and stress) */
    double pressure_gpa; /* target hydrostatic pressure for the cell */
    int log_every;       /* ls_log_info a line every N steps (0: never) */
};
void ls_relax_config_default(struct ls_relax_config *cfg); /* 0.01 eV/Å, 500 steps, positions only */

struct ls_relax_result {
    int n_steps;
    int converged;
    double energy;      /* Ha */
    double fmax_ev_a;   /* largest remaining generalised force */
};

/* Relax s in place.  Not converging within max_steps is LS_ERR_CONVERGENCE (s holds the
 * last geometry and res is filled). */
int ls_relax_fire(ls_structure *s, ls_calc_fn calc, void *ctx, const struct ls_relax_config *cfg,
                  struct ls_relax_result *res);

#endif
