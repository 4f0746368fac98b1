/* The equation of state as a library call: the energy and pressure of a crystal scaled
 * isotropically to a list of volumes (fractions of the input cell's), with the positions fixed,
 * relaxed, or relaxed together with the cell shape at each volume, a checkpoint after every
 * volume (and relaxation step) with restart, and the third-order Birch-Murnaghan fit
 * (workflow/eos_fit.h) of the converged points, with the lattice at V0.  Any calculator of the
 * contract workflow/calc.h (the DFT engine through dft_calc_bind, a potential, a test model).
 *
 *     struct ls_eos_config cfg;  ls_eos_config_default(&cfg);   ACWF's seven volumes, fixed positions
 *     cfg.checkpoint = "si.eos.ckpt";                           optional
 *     struct ls_eos_result res;
 *     int status = ls_eos_run(structure, &calc, &cfg, &res);
 *     if (res.completed) ... res.pt[i], res.fit (when res.has_fit) ...
 *     ls_eos_result_free(&res);
 *
 * Units: Hartree atomic units for the computed points; the fit is in eV/atom and Å^3/atom (B0 in
 * eV/Å^3), as `lodestone eos` reports it.  With MPI every process calls ls_eos_run with the same
 * arguments (the calculator shares each calculation); rank 0 reads and writes the checkpoints and
 * the points come out identical on every process.
 *
 * Method, checkpoint format and the relaxation at each volume: docs/eos.md and the comments of eos.c, eos_checkpoint.c and eos_relax.c.
 */
#ifndef LS_WORKFLOW_EOS_H
#define LS_WORKFLOW_EOS_H

#include <stddef.h>

#include "common/structure.h"
#include "common/units.h"
#include "workflow/calc.h"
#include "workflow/eos_fit.h"

#define LS_EOS_MAX_VOLUMES 200

/* What is done at each volume after the isotropic scaling of the input cell. */
enum ls_eos_relax {
    LS_EOS_FIXED = 0,         /* fractional positions fixed (the default) */
    LS_EOS_RELAX_POSITIONS,   /* positions relaxed at fixed cell (lodestone eos --relax) */
    LS_EOS_RELAX_SHAPE        /* positions and the cell shape at fixed volume (--relax-shape) */
};
/* "fixed", "positions", "shape" (JSON, checkpoint). */
const char *ls_eos_relax_name(enum ls_eos_relax mode);

/* Why a volume's relaxation ended (struct ls_eos_point.relax_stop). */
enum ls_eos_relax_stop {
    LS_EOS_RELAX_DONE = 0,    /* converged (or nothing to relax) */
    LS_EOS_RELAX_MAX_STEPS,   /* not converged within relax_max_steps */
    LS_EOS_RELAX_SCF_FAILED   /* a calculation of the relaxation did not converge */
};

struct ls_eos_config {
    int n_volumes;
    double scales[LS_EOS_MAX_VOLUMES]; /* V / V_in, distinct, 0.3 to 3 */
    enum ls_eos_relax relax;
    double fmax_ev_a;          /* relaxations: force threshold (norm per atom) */
    double stress_tol_gpa;     /* LS_EOS_RELAX_SHAPE: threshold on every deviatoric stress component */
    int relax_max_steps;       /* relaxations: optimiser steps per volume */
    const char *checkpoint;    /* the EOS checkpoint (NULL: none); the relaxation checkpoints are
                                  CHECKPOINT.vNN.relax, the state of a stopped calculation
                                  CHECKPOINT.scf (through calc->set_checkpoint) */
    int restart;               /* take the finished volumes from the checkpoint (none there: afresh) */
    const char *input;         /* the input's name for messages and the checkpoint (NULL: "structure") */
    const char *input_hash;    /* identity of the input stored in the checkpoints ("fnv1a64:..." of the
                                  input file's bytes in `lodestone eos`); NULL: the hash of the
                                  structure (cell, positions, species) */
    int verbose;               /* log every calculation's progress (else only warnings during them) */
};
/* ACWF's seven volumes 0.94 ... 1.06, fixed positions, the relaxation defaults of
 * ls_relax_config_default (0.01 eV/Å, 0.05 GPa, 200 steps), no checkpoint. */
void ls_eos_config_default(struct ls_eos_config *cfg);

struct ls_eos_point {
    double scale;             /* V / V_in */
    double volume_bohr3;      /* of the cell */
    double energy_ha;         /* the calculator's energy (the free energy F = E - TS of DFT) */
    double stress[3][3];      /* Ha/bohr^3, ASE sign (positive = tensile) */
    double pressure_ha_bohr3; /* -trace(stress)/3 */
    int done;                 /* computed, in this run or an earlier one */
    int converged;
    int n_iter;               /* the calculator's iterations (SCF), summed over a relaxation */
    int from_checkpoint;
    double wall_s;            /* of this point (in the run that computed it) */
    /* Relaxations (zero without): */
    int relax_steps;          /* optimiser steps taken (index of the last evaluated step) */
    int relax_stop;           /* enum ls_eos_relax_stop; `converged` is 0 unless LS_EOS_RELAX_DONE */
    double relax_fmax_ev_a;   /* largest force norm of the final geometry (symmetrised) */
    double relax_stress_dev_gpa; /* LS_EOS_RELAX_SHAPE: largest |deviatoric stress| component */
    int relax_restart_step;   /* > 0: this run continued the relaxation from its checkpoint at
                                 this step (not stored in the EOS checkpoint) */
};

struct ls_eos_result {
    int completed;             /* every volume was attempted: the points (and the fit) can be reported */
    char input[4096];          /* cfg->input */
    char input_hash[40];       /* the identity used */
    ls_structure *s_in;        /* copy of the input structure (owned) */
    int n_atom;
    char formula[64];          /* "Si2" */
    double v_in_bohr3;         /* volume of the input cell */
    double a1_bohr;            /* |a1| of the input cell */
    int n;                     /* number of volumes */
    struct ls_eos_point *pt;   /* [n], owned */
    double *forces;            /* [n][n_atom][3] Ha/bohr, owned */
    double *cell;              /* [n][3][3] bohr, rows: each done volume's (relaxed) cell, owned */
    double *pos;               /* [n][n_atom][3] bohr: its (relaxed) positions, owned */
    enum ls_eos_relax relax;
    double fmax_ev_a, stress_tol_gpa;
    int relax_max_steps;
    int has_fit;
    struct ls_eos_bm3 fit;     /* eV/atom, Å^3/atom, eV/Å^3 */
    double wall_s;             /* of ls_eos_run */
};

/* Run the equation of state of s_in (periodic in 3D) with calc.  res is filled in every case
 * (free it with ls_eos_result_free).  Returns
 *   LS_OK               every volume converged and the fit succeeded;
 *   LS_ERR_CONVERGENCE  some volumes did not converge (their SCF or their relaxation; the message
 *                       lists them): they are left out of the fit, res->completed = 1;
 *   the fit's error     (too few points, no minimum) with res->completed = 1;
 *   LS_ERR_INTERRUPTED  a stop signal (common/stop.h): the finished volumes are in the checkpoint,
 *                       the message says where and how to continue; res->completed = 0;
 *   LS_ERR_INPUT        bad settings, a non-periodic structure, a checkpoint of another run or a
 *                       corrupt one (naming the file);
 *   another code        from the calculator (LS_ERR_LIMIT among them), with the volume in the message.
 * The progress (a line per volume) goes to the log (common/log.h). */
int ls_eos_run(const ls_structure *s_in, const ls_calc *calc, const struct ls_eos_config *cfg,
               struct ls_eos_result *res);
void ls_eos_result_free(struct ls_eos_result *res);

static inline double ls_eos_volume_a3_per_atom(const struct ls_eos_result *r, const struct ls_eos_point *p)
{
    return p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM / r->n_atom;
}
static inline double ls_eos_energy_ev_per_atom(const struct ls_eos_result *r, const struct ls_eos_point *p)
{
    return p->energy_ha * LS_HARTREE_EV / r->n_atom;
}
/* a0 = |a1| (V0 / V_in)^(1/3), Å (needs r->has_fit). */
double ls_eos_a0_angstrom(const struct ls_eos_result *r);
/* The lattice at V0 (needs r->has_fit): the lengths (Å) and angles (degrees) of the cell rows.
 * Without LS_EOS_RELAX_SHAPE, the input cell scaled by (V0 / V_in)^(1/3), exactly (*n_used = 0).
 * With it, each of the six fitted over the converged volumes' relaxed cells as a quadratic in V
 * (least squares; a line through 2 volumes, the value of 1), evaluated at V0 (*n_used: the
 * volumes used).  LS_ERR_CONVERGENCE when no volume converged; GSL's error otherwise. */
int ls_eos_lattice_at_v0(const struct ls_eos_result *r, double len_a[3], double ang_deg[3], int *n_used);
/* s (a copy of r->s_in) gets the stored geometry of volume i (r->cell, r->pos). */
void ls_eos_point_structure(const struct ls_eos_result *r, int i, ls_structure *s);
/* "0.94", "1.00", "0.955": a volume fraction with at least two decimals (buf of 32). */
const char *ls_eos_scale_text(double scale, char buf[32]);

#endif
