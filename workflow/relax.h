/* Structure relaxation of positions and (optionally) the cell under a target pressure, for
 * any calculator that gives energy, forces and stress (the DFT engine, the neural-network
 * potential, analytic models in tests), with BFGS (default) or FIRE.
 *
 * Coordinates: those of ASE's UnitCellFilter (ASE 3.22, ase/constraints.py; Larsen et al.,
 * J. Phys.: Condens. Matter 29, 273002 (2017), doi:10.1088/1361-648X/aa680e).  The cell is
 * a deformation D = 1 + eps of the starting cell (rows a_k = D a0_k in column form), the
 * atoms sit at r = D r~, and the optimiser sees the vector q = (r~ in Å, c eps) with the
 * cell factor c = number of atoms.  It minimises the enthalpy H = E + p V, whose negative
 * gradient (the generalised force, eV/Å and eV) is D^T F_i on r~ and
 * -V (sigma + p 1) D^-T / c on c eps (sigma with ASE's sign, positive = tensile).
 *
 * Fixed volume (cfg->fixed_volume, pw.x's cell_dofree='shape'): the cell shape relaxes and the
 * volume stays that of the starting cell EXACTLY, by the parametrisation
 *     M = 1 + eps,  D = M / det(M)^(1/3),
 * so det D = 1 for every q (to rounding, ~1e-15).  The optimiser still moves the nine numbers
 * c eps freely; the energy it sees, E(D(q)), is a smooth function of them, and its negative
 * gradient, by the chain rule through det(M)^(-1/3) (d det M = det M tr(M^-1 dM)), is
 *     -det(M)^(-1/3) V dev(sigma) D^-T / c,   dev(sigma) = sigma - tr(sigma)/3 1:
 * the isotropic part of the stress drops out exactly.  Why this and not a projection of the
 * cell force followed by a rescaling of the cell to the target volume after each step: the
 * rescaling moves the coordinates behind the optimiser's back, so the pairs (step, change of
 * the force) that BFGS builds its Hessian from, and the energy FIRE tests for uphill motion,
 * no longer belong to the steps taken; and a projected force is tangent to det D = 1 only to
 * first order.  Here the energy is a function of the optimiser's own coordinates and the
 * force is its exact gradient, so BFGS and FIRE need no change.  The one direction the energy
 * does not depend on, M -> (1 + t) M, is orthogonal to that force (tr dev(sigma) = 0); steps
 * along it change nothing physical.  The objective is the energy (p V is constant; a target
 * pressure is refused) and convergence asks every |dev(sigma)_ab| below the stress threshold.
 *
 * Convergence (as pw.x and ASE): the largest force norm per atom |F_i| below fmax and, for
 * cell relaxations, every component |sigma_ab + p delta_ab| below the stress threshold
 * (at fixed volume: of the deviatoric stress); optionally (energy_tol_ev > 0, pw.x's
 * etot_conv_thr test) also the change of the objective (the enthalpy) from the previous step
 * below energy_tol_ev, where the first step of a run, having no previous one, uses the
 * decrease |f|^2 / (2 h0) that the initial quadratic model predicts for a first step (pw.x 7
 * does the same with its own model).
 * Forces are taken after symmetrisation, optionally with the net force removed (as pw.x
 * does: for a translation-invariant calculator such as DFT the net force is grid noise;
 * never when some coordinates are fixed), and with the fixed coordinates zeroed.  A fixed
 * coordinate is one of r~: its generalised force and its step are zero, so a fixed atom
 * keeps its Cartesian position at fixed cell and its fractional coordinates (it follows the
 * cell, as in pw.x) in a cell relaxation.
 *
 * Symmetry: the space-group operations of the starting structure (common/symmetry.h) are
 * found once; before every step the forces are averaged as F_map(i) = (1/N) sum_op S F_i,
 * the stress as (1/N) sum_op S sigma S^T, and the step itself likewise, so the structure
 * keeps its space group (higher symmetry reached on the way is not imposed).
 *
 * Checkpoints: after every step the state (the next coordinates, the optimiser's state,
 * the history and the run's identity) is written atomically (common/checkpoint.h); a run
 * restarted from it follows the path of an uninterrupted one exactly for a deterministic
 * calculator.  Trajectory frames (extended XYZ with step=N) of steps not yet reached by the
 * checkpoint are dropped on restart, so the file never holds a step twice.
 */
#ifndef LS_WORKFLOW_RELAX_H
#define LS_WORKFLOW_RELAX_H

#include "common/checkpoint.h"
#include "common/structure.h"
#include "workflow/calc.h" /* ls_calc_fn and the rules every calculator follows */


/* What one step reports to the observer (and what the trajectory frame holds). */
struct ls_relax_step {
    int step;                 /* 0 = the starting geometry */
    const ls_structure *s;    /* geometry of this step */
    double energy;            /* Ha, the calculator's */
    double enthalpy;          /* Ha, E + p V (= energy without cell relaxation) */
    double enthalpy_change;   /* Ha, from the previous step (0 at step 0) */
    const double (*forces)[3]; /* Ha/bohr as the calculator gave them */
    int has_stress;
    double stress[3][3];      /* Ha/bohr^3, ASE sign, as the calculator gave it */
    double fmax_ev_a;         /* largest |F_i| after symmetrisation (the convergence test) */
    double stress_dev_gpa;    /* largest |sigma_ab + p delta_ab| (symmetrised), 0 without stress;
                                 fixed volume: largest |dev(sigma)_ab| */
    double pressure_gpa;      /* -tr(sigma)/3, 0 without stress */
    double volume_bohr3;
    double wall_s;            /* of this step's calculation */
};

struct ls_relax_config {
    const char *optimizer; /* "bfgs" (default) or "fire", see ls_relax_optimizers */
    double fmax_ev_a;      /* force threshold (norm per atom), default 0.01 eV/Å */
    double energy_tol_ev;  /* > 0: also |enthalpy change from the previous step| below this
                              (pw.x's etot_conv_thr test, see above); 0 (default): no energy test */
    double stress_tol_gpa; /* cell runs: threshold on |sigma + p|, default 0.05 GPa (pw.x 0.5 kbar) */
    int max_steps;         /* optimiser steps, default 200 */
    int relax_cell;        /* 1: the cell too (structure periodic in 3D, stress needed) */
    double pressure_gpa;   /* target hydrostatic pressure of cell runs */
    int fixed_volume;      /* with relax_cell: the shape only, at the starting volume (above);
                              pressure_gpa must then be 0 */
    double max_step_a;     /* largest displacement of an atom (or cell row) per step, 0.2 Å */
    double hessian0_ev_a2; /* BFGS initial Hessian, 70 eV/Å^2 (ASE's) */
    int want_stress;       /* ask for the stress also without relax_cell (reported only) */
    int remove_net_force;  /* subtract the mean force (default 0; for translation-invariant
                              calculators whose net force is numerical noise, e.g. DFT) */
    int use_symmetry;      /* keep the space group (default 1; ignored if not 3D-periodic) */
    double symprec_a;      /* symmetry tolerance, default 1e-5 Å */
    int log_every;         /* without observer: ls_log_info a line every N steps (0 never) */

    /* Called after each evaluated step; a non-zero status stops the run with it. */
    int (*observer)(void *ctx, const struct ls_relax_step *st);
    void *observer_ctx;
    const char *trajectory; /* extended-XYZ file, one frame per step (NULL: none) */
    const char *checkpoint; /* checkpoint file (NULL: none) */
    int restart;            /* continue from `checkpoint` if it exists */
    /* The identity of the run, stored in the checkpoint and compared on restart: lines
     * "key: value" (input content hash first, then options that change the path). */
    const char *identity;
};
/* Defaults as documented above; no observer, trajectory or checkpoint. */
void ls_relax_config_default(struct ls_relax_config *cfg);

enum ls_relax_stop {
    LS_RELAX_CONVERGED = 0,
    LS_RELAX_MAX_STEPS,   /* not converged within max_steps */
    LS_RELAX_CALC_FAILED, /* the calculator failed (e.g. SCF not converged) */
    LS_RELAX_INTERRUPTED, /* SIGTERM/SIGINT (common/stop.h) after the checkpoint */
    LS_RELAX_ERROR,       /* any other error */
    LS_RELAX_LIMIT        /* the calculator's per-calculation limit stopped a step (LS_ERR_LIMIT;
                             the checkpoint holds the finished steps) */
};

struct ls_relax_history {
    int step;
    double energy;       /* Ha */
    double enthalpy;     /* Ha */
    double fmax_ev_a;
    double stress_dev_gpa;
    double pressure_gpa;
    double volume_bohr3;
};

struct ls_relax_result {
    int converged;
    enum ls_relax_stop stop;
    int n_steps;        /* index of the last evaluated step (optimiser steps taken) */
    int start_step;     /* first step of this run (> 0 after a restart) */
    int restarted;      /* 1 if continued from a checkpoint */
    int n_sym_ops;      /* operations kept (1 = none) */
    /* The last evaluated step (s holds its geometry); has_step 0 if none succeeded. */
    int has_step;
    double energy, enthalpy; /* Ha */
    double fmax_ev_a, stress_dev_gpa, pressure_gpa;
    int has_stress;
    double stress[3][3];     /* Ha/bohr^3, ASE sign, symmetrised */
    int n_history;           /* every evaluated step, also those before a restart */
    struct ls_relax_history *history; /* owned: ls_relax_result_free */
};
void ls_relax_result_free(struct ls_relax_result *res);

/* Relax s in place.  Returns LS_OK when converged; LS_ERR_CONVERGENCE when not within
 * max_steps or when the calculator returned LS_ERR_CONVERGENCE (then s holds the last
 * geometry the calculator succeeded on); LS_ERR_INTERRUPTED when a stop signal came and
 * LS_ERR_LIMIT when the calculator's per-calculation limit stopped a step (the checkpoint holds
 * the finished steps); LS_ERR_INPUT for bad options, a checkpoint of another run or a
 * corrupt one (naming the file); other codes from the calculator.  res is filled in every
 * case (free with ls_relax_result_free). */
int ls_relax_run(ls_structure *s, ls_calc_fn calc, void *ctx, const struct ls_relax_config *cfg,
                 struct ls_relax_result *res);

/* Optimisers: a plug-in table.  The state is created for nq coordinates; step() gets the
 * coordinates q, the generalised force f (= -gradient, eV/Å or eV) and the objective
 * (enthalpy, eV) and writes the step dq, limited to cfg->max_step_a (BFGS: the longest
 * displacement of a group of three coordinates, an atom or a cell row; FIRE: the norm of
 * the whole step, as ASE).  save/load put the state into a checkpoint under names starting
 * with "opt."; a state saved and loaded continues exactly as the original. */
struct ls_relax_optimizer {
    const char *name;
    const char *description;
    int (*create)(long nq, const struct ls_relax_config *cfg, void **state);
    int (*step)(void *state, const double *q, const double *f, double objective_ev, double *dq);
    int (*save)(const void *state, ls_ckpt *c);
    int (*load)(void *state, const ls_ckpt *c);
    void (*destroy)(void *state);
};
extern const struct ls_relax_optimizer ls_relax_bfgs;
extern const struct ls_relax_optimizer ls_relax_fire;
extern const struct ls_relax_optimizer *const ls_relax_optimizers[]; /* NULL-terminated */
/* By name; NULL if unknown. */
const struct ls_relax_optimizer *ls_relax_optimizer_find(const char *name);

#endif
