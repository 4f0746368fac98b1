/* Molecular dynamics over any calculator (workflow/calc.h): velocity Verlet (NVE) and Langevin
 * (NVT) with the BAOAB splitting,
 *   B: v += dt/2 F/m,  A: r += dt/2 v,  O: v = c v + sqrt((1 - c^2) kT/m) xi,  c = exp(-gamma dt),
 *   A, B (forces at the new positions)
 * which reduces to velocity Verlet for gamma = 0.  Leimkuhler and Matthews, Appl. Math. Res.
 * Express 2013, 34 (2013), doi:10.1093/amrx/abs010.
 *
 * The frame callback sees every frame_every-th step and the last; when the calculator reports an
 * ensemble spread (struct ls_calc_info, e.g. the potential through nnp_calc_bind), the frame
 * carries it, and a frame whose largest per-atom force spread exceeds spread_threshold_ev_a, or
 * with atoms outside the model's training range, is flagged as an extrapolation.
 *
 * Units: Hartree atomic units inside (velocities in bohr per atomic time unit); the settings
 * carry theirs in their names.  Random numbers: one SplitMix64 stream (common/rng.h) from
 * `seed`, for the initial velocities and the thermostat, so a seed reproduces a run exactly.
 */
#ifndef LS_WORKFLOW_MD_H
#define LS_WORKFLOW_MD_H

#include <stdint.h>

#include "common/structure.h"
#include "workflow/calc.h"

/* Limits of the settings (ls_md_run refuses values outside them). */
#define LS_MD_MAX_STEPS 1000000000L   /* steps of one run */
#define LS_MD_MAX_DT_FS 100.0         /* the time step; atomistic MD uses 0.1 to 10 fs */
#define LS_MD_MAX_TEMPERATURE_K 1e6

struct ls_md_config {
    double dt_fs;                  /* time step, (0, LS_MD_MAX_DT_FS] */
    long n_step;                   /* steps, 0 to LS_MD_MAX_STEPS */
    double temperature_k;          /* thermostat target (NVT), >= 0 */
    double init_temperature_k;     /* Maxwell-Boltzmann velocities when s has none (0: at rest), >= 0 */
    double friction_per_fs;        /* Langevin friction gamma, >= 0; 0 = NVE */
    uint64_t seed;
    long frame_every;              /* >= 1 */
    double spread_threshold_ev_a;  /* flag a frame whose largest force spread exceeds this (> 0) */
};
/* 1 fs, 1000 steps, 300 K (target and initial), NVE, seed 1, every 10 steps, 0.1 eV/Å. */
void ls_md_config_default(struct ls_md_config *cfg);

struct ls_md_frame {
    long step;
    double time_fs;
    double e_pot, e_kin;             /* Ha */
    double temperature_k;            /* from the kinetic energy over 3 N - 3 degrees of freedom */
    double energy_spread;            /* Ha (a calculator with a spread; else 0) */
    double max_force_spread;         /* Ha/bohr (a calculator with a spread; else 0) */
    int extrapolating;               /* spread above the threshold, or atoms out of the training range */
    int n_extrapolating_atoms;
    const double (*forces)[3];       /* Ha/bohr */
};
typedef int (*ls_md_frame_fn)(void *ctx, const ls_structure *s, const struct ls_md_frame *frame);

/* Run MD on s in place (positions, velocities; s->velocities are drawn when absent).  Masses are
 * s->mass_amu or the standard atomic weights.  Returns LS_OK; LS_ERR_INPUT for settings outside
 * the limits above, no atoms or an atom without mass (the message names the setting and its
 * limit); the calculator's status when a calculation fails (with the step in the message); the
 * callback's status when it returns one. */
int ls_md_run(ls_structure *s, const ls_calc *calc, const struct ls_md_config *cfg, ls_md_frame_fn on_frame,
              void *ctx);

#endif
